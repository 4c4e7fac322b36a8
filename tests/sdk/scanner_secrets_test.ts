import assert from "node:assert/strict";
import { foundAs } from "./scanner_support.ts";

const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" +
  ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" +
  ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const BASE64_LINE = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";

function pem(label: string, lines = 4): string {
  return `-----BEGIN ${label}-----\n${
    Array(lines).fill(BASE64_LINE).join("\n")
  }\n-----END ${label}-----`;
}

Deno.test("AWS: access key ids and labelled secret access keys", () => {
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", "aws_access_key_id = AKIA2E0A8F3B244C9986"), [
    "AKIA2E0A8F3B244C9986",
  ]);
  assert.deepEqual(
    foundAs("SECRET_AWS_ACCESS_KEY", "export AWS_ACCESS_KEY_ID=ASIAY34FZKBOKMUTVV7A"),
    ["ASIAY34FZKBOKMUTVV7A"],
  );
  const secret = "Jp4x9Qz7Lm2Rt8Vb6Nc3Hd5Kf1Gs0Wy7Ue4Ia9Ob";
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", `aws_secret_access_key = ${secret}`), [secret]);
  assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", `"SecretAccessKey": "${secret}",`), [secret]);
});

Deno.test("AWS: documentation examples, principal ids and unlabelled strings are not keys", () => {
  for (
    const text of [
      "AKIAIOSFODNN7EXAMPLE",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "role AROA3XFRBF535PLBIFPI4 and user AIDACKCEVSQ6C2EXAMPLE",
      "AKIAAAAAAAAAAAAAAAAA",
      "XAKIA2E0A8F3B244C9986",
      "secret = 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",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_AWS_ACCESS_KEY", text), [], text);
  }
});

Deno.test("private key: PEM, OpenSSH, PGP and escaped JSON blocks, spanning header to footer", () => {
  for (
    const label of [
      "PRIVATE KEY",
      "RSA PRIVATE KEY",
      "EC PRIVATE KEY",
      "OPENSSH PRIVATE KEY",
      "ENCRYPTED PRIVATE KEY",
      "PGP PRIVATE KEY BLOCK",
    ]
  ) {
    const block = pem(label);
    assert.deepEqual(foundAs("SECRET_PRIVATE_KEY", `key:\n${block}\nend`), [block], label);
  }
  const escaped = pem("PRIVATE KEY").replace(/\n/g, "\\n");
  assert.deepEqual(foundAs("SECRET_PRIVATE_KEY", `{"private_key": "${escaped}\\n"}`), [escaped]);
  const putty =
    `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${BASE64_LINE}`;
  assert.equal(foundAs("SECRET_PRIVATE_KEY", putty).length, 1);
});

Deno.test("private key: public keys, certificates and placeholders are not private keys", () => {
  for (
    const text of [
      pem("PUBLIC KEY"),
      pem("CERTIFICATE"),
      pem("OPENSSH PUBLIC KEY"),
      "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
      "-----BEGIN PRIVATE KEY-----",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_PRIVATE_KEY", text), [], text);
  }
});

Deno.test("JWT: three segments whose header decodes to JSON with alg", () => {
  assert.deepEqual(foundAs("SECRET_JWT", `token=${JWT}&next=/`), [JWT]);
  assert.deepEqual(foundAs("SECRET_JWT", `Cookie: session=${JWT}; Path=/`), [JWT]);
  const unsigned = JWT.slice(0, JWT.lastIndexOf(".") + 1);
  assert.deepEqual(foundAs("SECRET_JWT", `alg none: ${unsigned}`), [unsigned]);
});

Deno.test("JWT: truncated tokens, two segments and non-JWT base64 are not JWTs", () => {
  const [header, payload] = JWT.split(".");
  for (
    const text of [
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
      `${header}.${payload}`,
      `x${JWT}`,
      "eyJub3RhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc",
      "eyJeyJeyJeyJ.eyJeyJeyJeyJ.eyJ",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_JWT", text), [], text);
  }
});

Deno.test("bearer: random-looking credentials after Bearer, in any common capitalisation", () => {
  const token = "8f3Kq9ZtR2mW7xYb4NcL1pDv6HsJ0eGu";
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", `Authorization: Bearer ${token}`), [token]);
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", `-H "authorization: bearer ${token}"`), [token]);
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", `BEARER ${token}.`), [token]);
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", "Bearer dGhpcyBpcyBhIHRva2Vu~._-+/aGVyZQ=="), [
    "dGhpcyBpcyBhIHRva2Vu~._-+/aGVyZQ==",
  ]);
  // A JWT in a header is both.
  assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", `Bearer ${JWT}`), [JWT]);
  assert.deepEqual(foundAs("SECRET_JWT", `Bearer ${JWT}`), [JWT]);
});

Deno.test("bearer: placeholders, short values and prose are not tokens", () => {
  for (
    const text of [
      "Authorization: Bearer <token>",
      "Authorization: Bearer ${ACCESS_TOKEN}",
      "Authorization: Bearer YOUR_ACCESS_TOKEN",
      "Authorization: Bearer xxxxxxxxxxxxxxxxxxxxxxxx",
      "Bearer abc123",
      "the bearer of this letter is a friend",
      'headers["Authorization"] = "Bearer " + token',
      "Bearer ThisIsMyVeryLongPlaceholder",
    ]
  ) {
    assert.deepEqual(foundAs("SECRET_BEARER_TOKEN", text), [], text);
  }
});
