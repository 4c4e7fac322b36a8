import assert from "node:assert/strict";
import { found, foundAs } from "./scanner_support.ts";

// Class: a veto or context word found inside another word ("table" in "iptables").
Deno.test("context: keywords match whole words, not parts of other words", () => {
  for (
    const [text, value] of [
      ["iptables -A INPUT -s 201.22.179.229 -j DROP", "201.22.179.229"],
      ["nftables drop from 85.12.33.1", "85.12.33.1"],
      ["rebuilding host 91.198.174.192", "91.198.174.192"],
      ["Kerberos ticketing host 93.184.216.34 is down", "93.184.216.34"],
      ["suborder cache at 81.2.69.160 timed out", "81.2.69.160"],
    ] as const
  ) {
    assert.deepEqual(
      foundAs("PII_IP_ADDRESS", text!),
      [value],
      text,
    );
  }
  // "tel" is no phone word inside "hotel"; "order" still vetoes as a word of its own.
  assert.deepEqual(foundAs("PII_PHONE", "hotel 4155552671"), []);
  assert.deepEqual(foundAs("PII_PHONE", "tel 4155552671"), ["4155552671"]);
  assert.deepEqual(foundAs("PII_PHONE", "reorder: 415-555-2671"), ["415-555-2671"]);
  assert.deepEqual(foundAs("PII_PHONE", "order: 415-555-2671"), []);
  // A prefix word ("call*") still matches its inflections.
  assert.deepEqual(foundAs("PII_PHONE", "calling 4155552671 now"), ["4155552671"]);
});

// Class: vetoes and context words in English only.
Deno.test("context: vetoes work in German, French, Spanish and Japanese", () => {
  for (
    const text of [
      "Siehe Abschnitt 3.2.1.4 der Richtlinie",
      "Kapitel 4.1.2.3 beschreibt das",
      "voir le chapitre 2.4.1.3 du guide",
      "véase la sección 5.1.2.7 del manual",
      "consulte el capítulo 3.1.4.1",
      "第 3.2.1.4 条を参照",
      "バージョン 10.2.0.3 に更新",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IP_ADDRESS", text), [], text);
  }
  for (
    const text of [
      "Bestellnummer 415-555-2671",
      "Rechnung 4532 0151 1283 0366",
      "numéro de commande 4532015112830366",
      "pedido 4532 0151 1283 0366",
      "注文番号 4532015112830366",
    ]
  ) {
    assert.deepEqual(found(text), [], text);
  }
});

Deno.test("context: phone and card words work in German, French, Spanish, Japanese and Hindi", () => {
  for (
    const [text, value] of [
      ["Telefon 4155552671", "4155552671"],
      ["Handy: 4155552671", "4155552671"],
      ["téléphone 4155552671", "4155552671"],
      ["mi móvil es 4155552671", "4155552671"],
      ["電話 4155552671", "4155552671"],
      ["mera number 4155552671 hai", "4155552671"],
    ] as const
  ) {
    assert.deepEqual(foundAs("PII_PHONE", text), [value], text);
  }
});

// Class: a veto beats nearer, stronger evidence.
Deno.test("context: a label names the value right after it, not a later one", () => {
  for (
    const [text, tag, value] of [
      [
        "I paid for order A855425109 with 4004 9189 2706 8313",
        "PII_CREDIT_CARD",
        "4004 9189 2706 8313",
      ],
      ["Invoice INV-20931, card 4532 0151 1283 0366", "PII_CREDIT_CARD", "4532 0151 1283 0366"],
      [
        "After the upgrade, 93.209.3.193 can no longer reach the API.",
        "PII_IP_ADDRESS",
        "93.209.3.193",
      ],
      ["Nach dem Update; 85.12.33.1 antwortet nicht", "PII_IP_ADDRESS", "85.12.33.1"],
      ["ticket 4471 - call 415-555-2671", "PII_PHONE", "415-555-2671"],
    ] as const
  ) {
    assert.deepEqual(foundAs(tag, text), [value], text);
  }
  // Negatives: the label stands right before its value, or a few words away.
  for (
    const text of [
      "order number 4532 0151 1283 0366",
      "upgrade to 4.8.0.1 tonight",
      "tracking code is 415-555-2671",
      "Version: 10.2.3.4",
    ]
  ) {
    assert.deepEqual(found(text), [], text);
  }
});
