/**
 * Supabase Auth hook deliveries for tests, signed with the real `standardwebhooks` package the
 * way Supabase Auth signs them: a `v1,whsec_` secret and a fresh webhook-id per delivery.
 * The stack's secret and hook tenant come from scripts/test.sh.
 */
import { Buffer } from "node:buffer";
import { Webhook } from "standardwebhooks";
import { call } from "./stack.ts";

/** The tenant Supabase Auth hook events are recorded for (SEALOG_AUTH_HOOK_TENANT_ID). */
export const HOOK_TENANT_ID = Deno.env.get("SEALOG_AUTH_HOOK_TENANT_ID") ?? "";
/** The stack's hook secret (SEALOG_AUTH_HOOK_SECRET), `v1,whsec_<base64>`. */
export const HOOK_SECRET = Deno.env.get("SEALOG_AUTH_HOOK_SECRET") ?? "";

/** A fresh secret in Supabase's format, e.g. to sign with the wrong one. */
export function newHookSecret(): string {
  return `v1,whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;
}

/** The Standard Webhooks headers of `body`, signed with `secret` (default: the stack's). */
export function signHook(
  body: string,
  options: { secret?: string; id?: string; timestamp?: Date } = {},
): Record<string, string> {
  const id = options.id ?? crypto.randomUUID();
  const timestamp = options.timestamp ?? new Date();
  const secret = (options.secret ?? HOOK_SECRET).replace(/^v1,/, "");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, timestamp, body),
  };
}

/**
 * POSTs a signed delivery to /auth-events as Supabase Auth does. `body` overrides what is
 * sent (to tamper after signing); `headers` override or, set to null, remove signed headers.
 */
export async function deliverHook(
  payload: unknown,
  options: {
    secret?: string;
    id?: string;
    timestamp?: Date;
    body?: string;
    headers?: Record<string, string | null>;
  } = {},
) {
  const signed = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    ...signHook(signed, options),
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  return await call("/auth-events", { method: "POST", headers, body: options.body ?? signed });
}

/** Supabase Auth's metadata block, as recent versions send it with every hook. */
function metadata(name: string, ip = "203.0.113.7") {
  return { uuid: crypto.randomUUID(), time: new Date().toISOString(), name, ip_address: ip };
}

/** A password verification attempt hook payload. */
export function passwordAttempt(userId: string, valid: boolean, ip?: string) {
  return { metadata: metadata("password-verification", ip), user_id: userId, valid };
}

/** An MFA verification attempt hook payload. */
export function mfaAttempt(userId: string, valid: boolean, factorType = "totp") {
  return {
    metadata: metadata("mfa-verification"),
    user_id: userId,
    factor_id: crypto.randomUUID(),
    factor_type: factorType,
    valid,
  };
}

/** A custom access token hook payload with the claims Supabase Auth puts in a token. */
export function customAccessToken(userId: string, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    metadata: metadata("customize-access-token"),
    user_id: userId,
    claims: {
      aud: "authenticated",
      exp: now + 3600,
      iat: now,
      sub: userId,
      email: "someone@example.com",
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: now }],
      session_id: crypto.randomUUID(),
      is_anonymous: false,
      ...claims,
    },
    authentication_method: "password",
  };
}
