import assert from "node:assert/strict";
import { foundAs } from "./scanner_support.ts";

Deno.test("phone: E.164 with a valid country code and plan length, however grouped", () => {
  for (
    const phone of [
      "+14155552671",
      "+1 (415) 555-2671",
      "+44 20 7946 0958",
      "+44 (0) 20 7946 0958",
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
      "1-800-555-0199",
      "020 7946 0958",
      "07700 900123",
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
  assert.deepEqual(foundAs("PII_PHONE", "phones: 415-555-2671 020 7946 0958"), [
    "415-555-2671",
    "020 7946 0958",
  ]);
  assert.equal(foundAs("PII_PHONE", "+44 20 7946 0958 ".repeat(50)).length, 50);
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
      "invoice 020 7946 0958",
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
