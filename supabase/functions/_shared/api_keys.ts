/**
 * API keys: opaque bearer tokens with 256 bits from the system CSPRNG, stored only as
 * SHA-256 digests. Shared by the request pipeline and the operator tasks.
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";

const KEY_PREFIX = "slg_live_";

/** A new key, its digest and its non-secret display prefix. The key is shown once. */
export function generateApiKey(): { apiKey: string; digest: Uint8Array; displayPrefix: string } {
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const apiKey = KEY_PREFIX + random;
  return { apiKey, digest: sha256(apiKey), displayPrefix: apiKey.slice(0, KEY_PREFIX.length + 4) };
}

/** SHA-256 of a token's UTF-8 bytes. */
export function sha256(token: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(token, "utf8").digest());
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
