import assert from "node:assert/strict";
import { ssnValid } from "../../sdk/src/scanner/detectors/us_ssn.ts";
import { foundAs } from "./scanner_support.ts";

Deno.test("SSN: AAA-GG-SSSS or spaced, within issued ranges; bare digits after 'SSN'", () => {
  assert.deepEqual(foundAs("PII_US_SSN", "SSN: 536-22-8726"), ["536-22-8726"]);
  assert.deepEqual(foundAs("PII_US_SSN", "applicant 001-01-0001, approved"), ["001-01-0001"]);
  assert.deepEqual(foundAs("PII_US_SSN", "ssn 536 22 8726"), ["536 22 8726"]);
  assert.deepEqual(foundAs("PII_US_SSN", "SSN#536228726"), ["536228726"]);
  assert.deepEqual(foundAs("PII_US_SSN", "social security number 899999999"), ["899999999"]);
});

Deno.test("SSN: the SSA's rules for area, group and serial", () => {
  assert.equal(ssnValid("536", "22", "8726"), true);
  assert.equal(ssnValid("000", "22", "8726"), false);
  assert.equal(ssnValid("666", "22", "8726"), false);
  assert.equal(ssnValid("900", "22", "8726"), false);
  assert.equal(ssnValid("536", "00", "8726"), false);
  assert.equal(ssnValid("536", "22", "0000"), false);
  assert.equal(ssnValid("078", "05", "1120"), false);
});

Deno.test("SSN: hard negatives are not SSNs", () => {
  for (
    const text of [
      "SSN 000-12-3456",
      "SSN 666-12-3456",
      "SSN 912-34-5678",
      "SSN 078-05-1120",
      "536-22-8726-99",
      "536-22 8726",
      "ticket 536228726",
      "phone 536-22-8726",
      "2024-01-15",
    ]
  ) {
    assert.deepEqual(foundAs("PII_US_SSN", text), [], text);
  }
});
