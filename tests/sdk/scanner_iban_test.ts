import assert from "node:assert/strict";
import { foundAs } from "./scanner_support.ts";

Deno.test("IBAN: checksum-valid, country length, bare or in groups of four", () => {
  for (
    const iban of [
      "DE89370400440532013000",
      "DE89 3704 0044 0532 0130 00",
      "GB82 WEST 1234 5698 7654 32",
      "FR14 2004 1010 0505 0001 3M02 606",
      "NO9386011117947",
      "NL91ABNA0417164300",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IBAN", `IBAN: ${iban}.`), [iban], iban);
  }
});

Deno.test("IBAN: an IBAN's digits are not also a card or a phone", () => {
  assert.deepEqual(foundAs("PII_CREDIT_CARD", "DE89 3704 0044 0532 0130 00"), []);
  assert.deepEqual(foundAs("PII_PHONE", "DE89 3704 0044 0532 0130 00"), []);
});

Deno.test("IBAN: hard negatives are not IBANs", () => {
  for (
    const text of [
      "DE88 3704 0044 0532 0130 00",
      "DE89370400440532013000123",
      "DE8937040044053201300",
      "XX89370400440532013000",
      "de89370400440532013000",
      "ADE89370400440532013000",
      "BIC DEUTDEFF500",
      "Section AB12 of the manual",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IBAN", text), [], text);
  }
});
