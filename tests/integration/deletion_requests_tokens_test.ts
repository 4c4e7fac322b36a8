/**
 * User access tokens are verified with supabase-js getClaims against SUPABASE_JWKS: forged,
 * tampered, expired, wrong-audience, wrong-role and unverifiable tokens all get the same 401
 * as a missing credential, and nothing about them reaches the access log as a user.
 */
import assert from "node:assert/strict";
import { localAccessToken } from "../../cli/lib/users.ts";
import { accessLogRows, call, sql, test } from "../_support/stack.ts";
import { createUser } from "../_support/users.ts";

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const encode = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** The claims and header of a token, decoded. */
function decode(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token.split(".").slice(0, 2).map((part) =>
    JSON.parse(atob(part!.replace(/-/g, "+").replace(/_/g, "/")))
  );
  return { header, claims };
}

/** A token signed by a key pair that is not the project's, under the project's key id. */
async function forgedToken(valid: string): Promise<string> {
  const { header, claims } = decode(valid);
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
    "sign",
    "verify",
  ]);
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    pair.privateKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/** A token whose payload was changed after signing (here: another subject). */
function tamperedToken(valid: string, sub: string): string {
  const [header, , signature] = valid.split(".");
  const { claims } = decode(valid);
  return `${header}.${encode({ ...claims, sub })}.${signature}`;
}

async function hmacToken(valid: string): Promise<string> {
  const { header, claims } = decode(valid);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("a-guessed-shared-secret-of-enough-length"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const input = `${encode({ ...header, alg: "HS256" })}.${encode(claims)}`;
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

test("forged, tampered, expired, wrong-audience and unverifiable tokens get the same 401", async () => {
  const user = await createUser();
  const victim = await createUser();
  const now = Math.floor(Date.now() / 1000);
  const { header, claims } = decode(user.accessToken);
  const unsigned = `${encode({ ...header, alg: "none" })}.${encode(claims)}.`;
  const tokens: Record<string, string> = {
    forged: await forgedToken(user.accessToken),
    tampered: tamperedToken(user.accessToken, victim.userId),
    expired: await localAccessToken(user, { iat: now - 7200, exp: now - 3600 }),
    "without exp": await localAccessToken(user, { exp: undefined }),
    "wrong audience": await localAccessToken(user, { aud: "some-other-api" }),
    "anon role": await localAccessToken(user, { role: "anon" }),
    "service_role role": await localAccessToken(user, { role: "service_role" }),
    "sub not a uuid": await localAccessToken(user, { sub: "admin" }),
    "unknown key id": await localAccessToken(user, {}, { kid: crypto.randomUUID() }),
    "no key id": await localAccessToken(user, {}, { kid: undefined }),
    "HS256 with a guessed secret": await hmacToken(user.accessToken),
    "alg none": unsigned.slice(0, -1) + ".AAAA",
  };
  const missing = await call("/deletion-requests", { method: "POST" });
  assert.equal(missing.status, 401);
  const { request_id: _id, ...expected } = missing.body;

  for (const [name, token] of Object.entries(tokens)) {
    const response = await call("/deletion-requests", { apiKey: token, method: "POST" });
    assert.equal(response.status, 401, name);
    const { request_id: _ignored, ...body } = response.body;
    assert.deepEqual(body, expected, name);
    const [row] = await accessLogRows(response.headers.get("X-Request-Id"));
    assert.equal(row!.status_code, 401, name);
    assert.equal(row!.user_id, null, name);
  }
  const [accounts] = await sql`
    select count(*)::int as n from auth.users where id in (${user.userId}, ${victim.userId})`;
  assert.equal(accounts!.n, 2, "nobody was erased");
});

test("the same token, untouched, is accepted", async () => {
  const user = await createUser();
  const response = await call(`/deletion-requests/${crypto.randomUUID()}`, {
    apiKey: user.accessToken,
  });
  assert.equal(response.status, 404, "authenticated, and no such request");
  const [row] = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(row!.user_id, user.userId);
});
