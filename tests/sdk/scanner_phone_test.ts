import assert from "node:assert/strict";
import { found, foundAs } from "./scanner_support.ts";

Deno.test("phone: E.164 with a valid country code and plan length, however grouped", () => {
  for (
    const phone of [
      "+14155552671",
      "+1 (415) 555-2671",
      "+44 20 3318 4762",
      "+44 (0) 20 3318 4762",
      "+49-30-1234567",
      "+33 6 12 34 56 78",
      "+61 4 1234 5678",
      "+91 98765 43210",
      "+353 1 234 5678",
    ]
  ) {
    assert.deepEqual(foundAs("PII_PHONE", `reach me: ${phone}.`), [phone], phone);
  }
});

Deno.test("phone: common national formats stand on their own", () => {
  for (
    const phone of [
      "(415) 555-2671",
      "415-555-2671",
      "415.555.2671",
      "1-800-275-2273",
      "020 3318 4762",
      "07849 251736",
      "05 80 79 72 71",
      "(02) 5156 1464",
      "0412 345 678",
      "030 12345678",
      "(0703) 101335462",
      "0146280645",
      "612 34 56 78",
    ]
  ) {
    assert.deepEqual(foundAs("PII_PHONE", `${phone} is the number`), [phone], phone);
  }
});

Deno.test("phone: numbers listed back to back are found one by one", () => {
  assert.deepEqual(foundAs("PII_PHONE", "Tel (415) 555-2671 (415) 555-2672"), [
    "(415) 555-2671",
    "(415) 555-2672",
  ]);
  assert.deepEqual(foundAs("PII_PHONE", "phones: 415-555-2671 020 3318 4762"), [
    "415-555-2671",
    "020 3318 4762",
  ]);
  assert.equal(foundAs("PII_PHONE", "+44 20 3318 4762 ".repeat(50)).length, 50);
  // A number printed as one (here a card that fails Luhn) is not cut into a phone number.
  assert.deepEqual(foundAs("PII_PHONE", "card number 4778 0880 9636 6073"), []);
});

Deno.test("phone: weak shapes count only after a phone word", () => {
  assert.deepEqual(foundAs("PII_PHONE", "call me on 4155552671"), ["4155552671"]);
  assert.deepEqual(foundAs("PII_PHONE", "Mobile: 555-2671"), ["555-2671"]);
  assert.deepEqual(foundAs("PII_PHONE", "teléfono 946 280 645"), ["946 280 645"]);
  assert.deepEqual(foundAs("PII_PHONE", "ticket 4155552671 closed"), []);
  assert.deepEqual(foundAs("PII_PHONE", "it scored 5552671 points"), []);
});

Deno.test("phone: hard negatives are not phone numbers", () => {
  for (
    const text of [
      "Order #415-555-2671 has shipped",
      "invoice 020 3318 4762",
      "+999 123 456 789",
      "+1 123 456 7890",
      "+12345",
      "2024-01-15 10:30:45",
      "on 01/02/2024 at 10:30",
      "ZIP 02134-1234",
      "ISBN 0-306-40615-2",
      "ts=1700000000 and 1700000000000",
      'const DIGITS = "0123456789";',
      "1,234,567,890 people",
      "request 550e8400-e29b-41d4-a716-446655440000",
      "version 3.14.15.92",
      "INV-2024-0012345",
      "$415 555 2671",
    ]
  ) {
    assert.deepEqual(foundAs("PII_PHONE", text), [], text);
  }
});

// Class: formats that were missing.
Deno.test("phone: slash, full-width, Brazilian and Indian forms", () => {
  for (
    const [text, value] of [
      ["erreichbar unter 0711/7487695", "0711/7487695"],
      ["Tel 089/1234 5678 bis 18 Uhr", "089/1234 5678"],
      ["Büro: 030/2345678", "030/2345678"],
      ["携帯：０８０－７９０１－５３０２", "０８０－７９０１－５３０２"],
      ["ＴＥＬ ０３－１２３４－５６７８", "０３－１２３４－５６７８"],
      ["appelez le 06\u00a012\u00a034\u00a056\u00a078", "06\u00a012\u00a034\u00a056\u00a078"],
      ["Contato: (81) 91261-4306", "(81) 91261-4306"],
      ["escritório (11) 3456-7890", "(11) 3456-7890"],
      ["Bhai mera 90785 00335 hai", "90785 00335"],
      ["Sir ka 98123-45670 pe", "98123-45670"],
    ] as const
  ) {
    assert.deepEqual(foundAs("PII_PHONE", text), [value], text);
  }
  // Negatives: dates and fractions with slashes, other 5-5 groups, brackets without a mobile.
  for (
    const text of [
      "am 24/11/2026",
      "ratio 1024/7487695",
      "zip 12345 67890",
      "(81) 1234-56",
      "page 0711/7",
    ]
  ) {
    assert.deepEqual(foundAs("PII_PHONE", text), [], text);
  }
});

// Class: parts of numbers that failed their own check reported as phones.
Deno.test("phone: parts of an invalid card or IBAN are not phone numbers", () => {
  for (
    const text of [
      "card 4004 9189 2706 8314 please",
      "card 4004-9189-2706-8314",
      "Karte 5299 1234 5678 9015, danke",
      "card 3782 822463 10006 on file",
      "IBAN: ES91 2100 0418 4502 0005 1333",
      "IBAN GB29 NWBK 6016 1331 9268 18 thanks",
      "IBAN DE89 3704 0044 0532 0130 01 bitte",
      "IBAN FR14 2004 1010 0505 0001 3M02 607",
    ]
  ) {
    assert.deepEqual(found(text), [], text);
  }
});
