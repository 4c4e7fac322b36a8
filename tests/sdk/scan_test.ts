import assert from "node:assert/strict";
import { RISK_TAG_NAMES, scan } from "../../sdk/mod.ts";

const TEXT = "Hi, I'm Jo (jo@fastmail.com, +44 20 3318 4762). Card 4532 0151 1283 0366, " +
  "IBAN DE44 5001 0517 5407 3249 31, from 81.2.69.160. Reach me at jo.smith@posteo.de.";

Deno.test("scan returns sorted distinct tags, counts, and offsets for each finding", () => {
  const result = scan(TEXT);
  assert.deepEqual(result.tags, [
    "PII_CREDIT_CARD",
    "PII_EMAIL",
    "PII_IBAN",
    "PII_IP_ADDRESS",
    "PII_PHONE",
  ]);
  assert.deepEqual(result.counts, {
    PII_EMAIL: 2,
    PII_PHONE: 1,
    PII_CREDIT_CARD: 1,
    PII_IBAN: 1,
    PII_IP_ADDRESS: 1,
  });
  assert.deepEqual(
    result.findings.map((f) => [f.tag, TEXT.slice(f.start, f.end)]),
    [
      ["PII_EMAIL", "jo@fastmail.com"],
      ["PII_PHONE", "+44 20 3318 4762"],
      ["PII_CREDIT_CARD", "4532 0151 1283 0366"],
      ["PII_IBAN", "DE44 5001 0517 5407 3249 31"],
      ["PII_IP_ADDRESS", "81.2.69.160"],
      ["PII_EMAIL", "jo.smith@posteo.de"],
    ],
  );
});

Deno.test("scan's result carries offsets, never the matched text", () => {
  const result = scan(TEXT);
  const serialized = JSON.stringify(result);
  for (const secret of ["jo@fastmail.com", "3318", "0151", "DE44", "81.2.69.160", "jo.smith"]) {
    assert.equal(serialized.includes(secret), false, secret);
  }
  for (const finding of result.findings) {
    assert.deepEqual(Object.keys(finding).sort(), ["end", "start", "tag"]);
  }
});

Deno.test("scan of text without findings, and of an empty string", () => {
  assert.deepEqual(scan(""), { tags: [], counts: {}, findings: [] });
  assert.deepEqual(scan("Please summarise the meeting notes from Tuesday.").findings, []);
});

Deno.test("every tag is in the vocabulary and fits the ingest schema's pattern", () => {
  for (const tag of RISK_TAG_NAMES) assert.match(tag, /^[A-Z][A-Z0-9_]{1,63}$/);
  assert.equal(RISK_TAG_NAMES.length, 15);
});

Deno.test("numbers inside a secret are not reported as personal data", () => {
  const text = "-----BEGIN PRIVATE KEY-----\n" +
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
    "AAoIBAQC7VJTUt9Us8cKj 415-555-2671 4532015112830366 AAoIBAQC7VJTUt9Us8cKj\n" +
    "-----END PRIVATE KEY-----";
  assert.deepEqual(scan(text).tags, ["SECRET_PRIVATE_KEY"]);
});
