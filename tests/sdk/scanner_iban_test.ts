import assert from "node:assert/strict";
import { foundAs } from "./scanner_support.ts";

Deno.test("IBAN: checksum-valid, country length, bare or in groups of four", () => {
  for (
    const iban of [
      "DE44500105175407324931",
      "DE44 5001 0517 5407 3249 31",
      "GB82 WEST 1234 5698 7654 32",
      "FR84 2004 1010 0505 0001 3M02 607",
      "NO6686011117948",
      "NL64ABNA0417164301",
    ]
  ) {
    assert.deepEqual(foundAs("PII_IBAN", `IBAN: ${iban}.`), [iban], iban);
  }
});

Deno.test("IBAN: an IBAN's digits are not also a card or a phone", () => {
  assert.deepEqual(foundAs("PII_CREDIT_CARD", "DE44 5001 0517 5407 3249 31"), []);
  assert.deepEqual(foundAs("PII_PHONE", "DE44 5001 0517 5407 3249 31"), []);
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
