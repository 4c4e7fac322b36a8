import assert from "node:assert/strict";
import { ibanChecksumValid, luhnValid } from "../../sdk/src/scanner/helpers/checksums.ts";

Deno.test("Luhn accepts valid card numbers and refuses any single-digit change", () => {
  for (
    const valid of [
      "4111111111111111",
      "5555555555554444",
      "378282246310005",
      "6011111111111117",
      "79927398713",
    ]
  ) {
    assert.equal(luhnValid(valid), true, valid);
    const last = Number(valid.at(-1));
    assert.equal(luhnValid(valid.slice(0, -1) + ((last + 1) % 10)), false, `${valid} altered`);
  }
});

Deno.test("Luhn refuses non-digits and strings too short to carry a check digit", () => {
  assert.equal(luhnValid(""), false);
  assert.equal(luhnValid("0"), false);
  assert.equal(luhnValid("4111 1111 1111 1111"), false);
  assert.equal(luhnValid("41111111111111a1"), false);
});

Deno.test("IBAN mod-97 accepts registry examples and refuses altered check digits", () => {
  for (
    const iban of [
      "DE89370400440532013000",
      "GB82WEST12345698765432",
      "FR1420041010050500013M02606",
      "NL91ABNA0417164300",
      "NO9386011117947",
      "MT84MALT011000012345MTLCAST001S",
    ]
  ) {
    assert.equal(ibanChecksumValid(iban), true, iban);
    const check = Number(iban.slice(2, 4));
    assert.equal(
      ibanChecksumValid(
        iban.slice(0, 2) + String((check + 1) % 100).padStart(2, "0") + iban.slice(4),
      ),
      false,
    );
  }
});

Deno.test("IBAN mod-97 refuses transposed digits, lowercase and other characters", () => {
  assert.equal(ibanChecksumValid("DE89370400440532013000".replace("3704", "7304")), false);
  assert.equal(ibanChecksumValid("de89370400440532013000"), false);
  assert.equal(ibanChecksumValid("DE89 3704 0044 0532 0130 00"), false);
  assert.equal(ibanChecksumValid("DE8"), false);
});
