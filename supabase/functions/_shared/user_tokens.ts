/**
 * Supabase Auth access tokens, verified in the function with supabase-js
 * `auth.getClaims(token, { jwks })` against the project's SUPABASE_JWKS, with no network call.
 *
 * getClaims alone would call the Auth server for a token it cannot verify locally (an HS256
 * token, or a key id missing from the given set), so only asymmetric tokens whose key id is
 * in SUPABASE_JWKS, with a matching key type, reach it. getClaims checks the signature and
 * `exp`; the audience, role and subject are checked here. Every failure is the same 401.
 */
import { AuthClient } from "@supabase/supabase-js";
import { requireSetting } from "./config.ts";
import { ApiError } from "./problems.ts";

/** A public key of the project's JSON Web Key Set. */
export type Jwk = {
  kid?: string;
  kty?: string;
  crv?: string;
  alg?: string;
  [key: string]: unknown;
};

/** The user an access token was issued to. */
export type VerifiedUser = { userId: string; email: string | null };

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY_TYPES: Record<string, (key: Jwk) => boolean> = {
  ES256: (key) => key.kty === "EC" && key.crv === "P-256",
  RS256: (key) => key.kty === "RSA",
};

/** Whether a bearer token is a JWT (three base64url parts, a JSON header with `alg`). */
export function looksLikeJwt(token: string): boolean {
  return COMPACT_JWS.test(token) && typeof decodeHeader(token)?.alg === "string";
}

let client: InstanceType<typeof AuthClient> | undefined;

function authClient(): InstanceType<typeof AuthClient> {
  // Only getClaims is used, with the key passed in, so the client never calls the Auth server.
  client ??= new AuthClient({
    url: `${requireSetting("SUPABASE_URL")}/auth/v1`,
    autoRefreshToken: false,
    persistSession: false,
    detectSessionInUrl: false,
  });
  return client;
}

/** Verifies a user's access token: 401 unauthorized unless valid, unexpired and for `authenticated`. */
export async function verifyUserAccessToken(token: string): Promise<VerifiedUser> {
  const jwks = requireSetting("SUPABASE_JWKS");
  const header = COMPACT_JWS.test(token) ? decodeHeader(token) : null;
  const keyTypeMatches = typeof header?.alg === "string" ? KEY_TYPES[header.alg] : undefined;
  const key = typeof header?.kid === "string"
    ? jwks.keys.find((candidate) => candidate.kid === header.kid)
    : undefined;
  if (!header || !keyTypeMatches || !key || !keyTypeMatches(key)) {
    throw new ApiError("unauthorized");
  }
  if (key.alg !== undefined && key.alg !== header.alg) throw new ApiError("unauthorized");

  let claims: Record<string, unknown>;
  try {
    const { data, error } = await authClient().getClaims(token, {
      // deno-lint-ignore no-explicit-any
      jwks: { keys: [key as any] },
    });
    if (error || !data) throw new ApiError("unauthorized");
    claims = data.claims as Record<string, unknown>;
  } catch {
    // Bad signatures, expired tokens and keys WebCrypto refuses all look the same.
    throw new ApiError("unauthorized");
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const sub = claims.sub;
  if (
    !audiences.includes("authenticated") || claims.role !== "authenticated" ||
    typeof sub !== "string" || !UUID.test(sub)
  ) {
    throw new ApiError("unauthorized");
  }
  const email = typeof claims.email === "string" && claims.email.length > 0 ? claims.email : null;
  return { userId: sub.toLowerCase(), email };
}

function decodeHeader(token: string): Record<string, unknown> | null {
  try {
    const part = token.slice(0, token.indexOf("."));
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const header = JSON.parse(json);
    return header !== null && typeof header === "object" && !Array.isArray(header) ? header : null;
  } catch {
    return null;
  }
}
