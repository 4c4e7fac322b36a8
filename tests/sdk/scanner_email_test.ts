import assert from "node:assert/strict";
import { foundAs } from "./scanner_support.ts";

Deno.test("email: addresses in prose, headers, JSON, URLs and mailto links", () => {
  assert.deepEqual(foundAs("PII_EMAIL", "Mail jane.doe+tag@example.co.uk."), [
    "jane.doe+tag@example.co.uk",
  ]);
  assert.deepEqual(foundAs("PII_EMAIL", "From: Jo <JO.SMITH@MAIL.ACME.ORG>"), [
    "JO.SMITH@MAIL.ACME.ORG",
  ]);
  assert.deepEqual(foundAs("PII_EMAIL", '{"email":"o\'brien@uni-bonn.de"}'), [
    "o'brien@uni-bonn.de",
  ]);
  assert.deepEqual(foundAs("PII_EMAIL", "mailto:a_b@x.io"), ["a_b@x.io"]);
  assert.deepEqual(foundAs("PII_EMAIL", "/unsubscribe?user=kim@acme.io&x=1"), [
    "kim@acme.io",
  ]);
  assert.deepEqual(foundAs("PII_EMAIL", "a@b.cd, e@f.gh"), ["a@b.cd", "e@f.gh"]);
});

Deno.test("email: hard negatives are not addresses", () => {
  for (
    const text of [
      "thanks @octocat for the review",
      "ssh admin@localhost",
      "npm install react@18.2.0 and zod@4.6.7",
      "logo@2x.png and icon@3x.webp",
      "git clone git@github.com:org/repo.git",
      '@app.route("/users")',
      "https://user:secret@host.acme.io/path",
      "a@b.c",
      "..@example.com",
      "user@-example.com",
    ]
  ) {
    assert.deepEqual(foundAs("PII_EMAIL", text), [], text);
  }
});

// Class: a colon before the local part read as a URL credential.
Deno.test("email: after a label's colon, in any script, but not in a URL's userinfo", () => {
  for (
    const [text, address] of [
      ["Email:jo@acme.io", "jo@acme.io"],
      ["メール：jo@acme.io", "jo@acme.io"],
      ["courriel:marie.dupont@orange.fr", "marie.dupont@orange.fr"],
      ["mailto:jo@acme.io", "jo@acme.io"],
    ] as const
  ) {
    assert.deepEqual(foundAs("PII_EMAIL", text), [address], text);
  }
  assert.deepEqual(foundAs("PII_EMAIL", "https://user:pw@host.acme.io/x"), []);
  assert.deepEqual(foundAs("PII_EMAIL", "ftp://jo:secret@files.acme.io"), []);
});
