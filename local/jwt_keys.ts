/**
 * The local stack's Supabase Auth signing key: an ES256 key pair generated once under
 * $SEALOG_DATA_DIR/jwt. `jwks` prints the public JWKS that functions get as SUPABASE_JWKS;
 * signAccessToken() issues access tokens like Supabase Auth's, for local use only.
 */
const dataDir = Deno.env.get("SEALOG_DATA_DIR") ?? ".sealog";
const keyFile = `${dataDir}/jwt/signing_key.json`;

type StoredKey = { kid: string; privateJwk: JsonWebKey; publicJwk: JsonWebKey };

async function loadOrCreateKey(): Promise<StoredKey> {
  try {
    return JSON.parse(await Deno.readTextFile(keyFile));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  const stored: StoredKey = {
    kid: crypto.randomUUID(),
    privateJwk: await crypto.subtle.exportKey("jwk", pair.privateKey),
    publicJwk: await crypto.subtle.exportKey("jwk", pair.publicKey),
  };
  await Deno.mkdir(`${dataDir}/jwt`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(keyFile, JSON.stringify(stored), { mode: 0o600 });
  return stored;
}

/** The public JWKS, in the shape Supabase serves at /auth/v1/.well-known/jwks.json. */
export async function localJwks(): Promise<{ keys: JsonWebKey[] }> {
  const { kid, publicJwk } = await loadOrCreateKey();
  return {
    keys: [{ ...publicJwk, kid, alg: "ES256", use: "sig", key_ops: ["verify"] } as JsonWebKey],
  };
}

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Signs an ES256 JWT with the local key; `header` overrides are for tests of forged tokens. */
export async function signAccessToken(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
) {
  const { kid, privateJwk } = await loadOrCreateKey();
  const key = await crypto.subtle.importKey(
    "jwk",
    privateJwk,
    { name: "ECDSA", namedCurve: "P-256" },
    false,
    ["sign"],
  );
  const encode = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const signingInput = `${encode({ alg: "ES256", typ: "JWT", kid, ...header })}.${encode(claims)}`;
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url(new Uint8Array(signature))}`;
}

if (import.meta.main && Deno.args[0] === "jwks") {
  console.log(JSON.stringify(await localJwks()));
}
