/**
 * Bearer credentials. The token is reduced to its SHA-256 digest here and goes no further;
 * the database decides validity, scope and rate limit in the request's one round trip.
 * Every well-formed token takes the same path: digest, a constant-time scan of the whole
 * static map, then the same single database call.
 */
import { timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { sha256, toHex } from "./api_keys.ts";
import { config } from "./config.ts";
import type { SealogEnv } from "./context.ts";
import { ApiError } from "./problems.ts";

/**
 * The token of an `Authorization: Bearer <b64token>` header (RFC 6750), 16 to `maxLength`
 * characters, or undefined. The scheme is matched case-insensitively (RFC 9110 §11.1).
 */
export function bearerToken(header: string | undefined, maxLength = 256): string | undefined {
  const match = /^bearer +([A-Za-z0-9._~+/-]+)(=*)$/i.exec(header ?? "");
  const [, token, padding] = match ?? [];
  return token !== undefined && token.length >= 16 && token.length <= maxLength
    ? token + padding
    : undefined;
}

let staticMap: { digest: Uint8Array; tenantId: string }[] | undefined;

function staticEntries() {
  staticMap ??= Object.entries(config().SEALOG_TENANT_TOKEN_MAP).map(([token, tenantId]) => ({
    digest: sha256(token),
    tenantId,
  }));
  return staticMap;
}

/** Compares the digest with every static-map entry, without an early exit. */
function matchStaticMap(digest: Uint8Array): string | null {
  let match: string | null = null;
  for (const entry of staticEntries()) {
    if (timingSafeEqual(entry.digest, digest)) match = entry.tenantId;
  }
  return match;
}

/** Reads the bearer key of the Authorization header into c.var.credential: 401 when missing or malformed. */
export function readBearerCredential(c: Context<SealogEnv>): void {
  const token = bearerToken(c.req.header("Authorization"));
  if (token === undefined) throw new ApiError("unauthorized");
  const digest = sha256(token);
  c.set("credential", { keyDigest: toHex(digest), staticTenantId: matchStaticMap(digest) });
}
