/**
 * The project's own secret keys: SUPABASE_SECRET_KEYS (the sb_secret_... keys, a JSON object
 * by name) and the legacy SUPABASE_SERVICE_ROLE_KEY, both injected by Supabase into every
 * Edge Function. A caller presenting one is the operator. Compared as SHA-256 digests with
 * timingSafeEqual against every key, without an early exit.
 */
import { timingSafeEqual } from "node:crypto";
import { sha256 } from "./api_keys.ts";
import { config } from "./config.ts";

let digests: Uint8Array[] | undefined;

function projectKeyDigests(): Uint8Array[] {
  if (!digests) {
    const settings = config();
    const keys = [
      settings.SUPABASE_SERVICE_ROLE_KEY,
      ...Object.values(settings.SUPABASE_SECRET_KEYS ?? {}),
    ];
    digests = keys.filter((key): key is string => typeof key === "string" && key.length >= 16)
      .map(sha256);
  }
  return digests;
}

/** Whether the bearer token is one of the project's secret (or service-role) keys. */
export function isProjectSecretKey(token: string): boolean {
  const digest = sha256(token);
  let match = false;
  for (const candidate of projectKeyDigests()) {
    if (timingSafeEqual(candidate, digest)) match = true;
  }
  return match;
}
