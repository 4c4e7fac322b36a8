import assert from "node:assert/strict";
import { found } from "./scanner_support.ts";

// Policy: published test and example values name no one (docs/sdk-scanner.md).
Deno.test("documentation values: published test cards, example IBANs, fiction numbers, domains", () => {
  for (
    const text of [
      // Processors' test cards (Stripe, Braintree, Adyen), however printed.
      ...["4111 1111 1111 1111", "4242424242424242", "4012 8888 8888 1881", "378282246310005"],
      ...["6011 1111 1111 1117", "5555-5555-5555-4444", "3530 1113 3330 0000", "4222222222222"],
      // The SWIFT registry's example IBANs.
      ...["DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819", "NL91 ABNA 0417 1643 00"],
      ...["FR14 2004 1010 0505 0001 3M02 606", "ES91 2100 0418 4502 0005 1332"],
      // NANP 555-0100 to 555-0199, Ofcom drama numbers, ACMA fiction numbers.
      ...["call (415) 555-0123", "+1 212 555 0188", "1-800-555-0199", "tel 555-0142"],
      ...["+44 20 7946 0958", "020 7946 0123", "07700 900123", "+44 (0) 7700 900456"],
      ...["0113 496 0000", "phone 02 5550 1234", "+61 3 7010 9876"],
      // RFC 2606 and RFC 6761 domains.
      ...["jo@example.com", "ops@mail.example.org", "a@b.test", "x@host.invalid"],
      ...["me@server.example", "root@box.localhost"],
      // AWS's documented example keys.
      ...[
        "AKIAIOSFODNN7EXAMPLE",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      ],
    ]
  ) {
    assert.deepEqual(found(text), [], text);
  }
});

Deno.test("documentation values: their neighbours are real values and are reported", () => {
  for (
    const [text, tag] of [
      ["4111 1111 1111 1129", "PII_CREDIT_CARD"], // Luhn-valid, not on a list
      ["4012 8888 8888 1899", "PII_CREDIT_CARD"],
      ["DE44 5001 0517 5407 3249 31", "PII_IBAN"],
      ["call (415) 555-0200", "PII_PHONE"],
      ["+44 20 7946 1958", "PII_PHONE"],
      ["07700 901123", "PII_PHONE"],
      ["jo@example.co.uk", "PII_EMAIL"],
      ["jo@myexample.com", "PII_EMAIL"],
      ["jo@test.de", "PII_EMAIL"],
    ] as const
  ) {
    assert.deepEqual(found(text).map(([t]) => t), [tag], text);
  }
});
