/**
 * Bearer credentials. The token is reduced to its SHA-256 digest here and goes no further;
 * the database decides validity, scope and rate limit in the request's one round trip.
 * Every well-formed token takes the same path: digest, a constant-time scan of the whole
 * static map, then the same single database call.
 */
import { timingSafeEqual } from "node:crypto";
import { createMiddleware } from "hono/factory";
import { sha256, toHex } from "./api_keys.ts";
import { config } from "./config.ts";
import type { SealogEnv } from "./context.ts";
import { ApiError } from "./problems.ts";

// RFC 6750 b64token, bounded.
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{16,256}=*)$/;

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

/** Extracts the bearer token of the Authorization header: 401 when missing or malformed. */
export const bearerCredential = createMiddleware<SealogEnv>(async (c, next) => {
  const match = BEARER.exec(c.req.header("Authorization") ?? "");
  if (!match) throw new ApiError("unauthorized");
  const digest = sha256(match[1]!);
  c.set("credential", { keyDigest: toHex(digest), staticTenantId: matchStaticMap(digest) });
  await next();
});
