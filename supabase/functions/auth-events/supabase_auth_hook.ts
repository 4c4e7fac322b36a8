/**
 * Supabase Auth HTTP hooks: Standard Webhooks signature verification (with the maintained
 * `standardwebhooks` package) and the three hook payloads Sealog records. Only the fields
 * below are kept; the claims of a custom access token never leave the Edge Function.
 */
import { isIP } from "node:net";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { z } from "zod";
import { ApiError } from "../_shared/problems.ts";
import { AuthIdentifier } from "./auth_event.ts";

const WEBHOOK_HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
// sealog.webhook_id: printable ASCII, bounded.
const WEBHOOK_ID = /^[!-~]{1,256}$/;

/** A delivery from Supabase Auth carries Standard Webhooks headers; a tenant key does not. */
export function isHookDelivery(headers: Headers): boolean {
  return WEBHOOK_HEADERS.some((name) => headers.has(name));
}

const verifiers = new Map<string, Webhook>();

/**
 * Verifies the signature over the exact body with each configured secret (several while
 * rotating) and returns the webhook-id. 401 invalid_webhook_signature for missing headers
 * or no matching signature; 401 webhook_timestamp_out_of_range when the timestamp is more
 * than 5 minutes off (the package's tolerance).
 */
export function verifyHookSignature(body: string, headers: Headers, secrets: string[]): string {
  const values = Object.fromEntries(WEBHOOK_HEADERS.map((name) => [name, headers.get(name) ?? ""]));
  const webhookId = values["webhook-id"]!;
  if (!WEBHOOK_ID.test(webhookId)) throw new ApiError("invalid_webhook_signature");
  for (const secret of secrets) {
    let verifier = verifiers.get(secret);
    if (!verifier) {
      verifier = new Webhook(secret);
      verifiers.set(secret, verifier);
    }
    try {
      verifier.verify(body, values, { jsonParse: false });
      return webhookId;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      // The timestamp is checked before any signature, and is the same for every secret.
      if (/timestamp too (old|new)/.test(error.message)) {
        throw new ApiError("webhook_timestamp_out_of_range");
      }
    }
  }
  throw new ApiError("invalid_webhook_signature");
}

/** Supabase Auth's metadata block (newer versions send it with every hook). */
const HookMetadata = z.looseObject({
  name: z.string().optional(),
  ip_address: z.string().optional(),
}).meta({ description: "Sent by Supabase Auth; only name and ip_address are read." });

// Supabase Auth user and factor ids; any 8-4-4-4-12 hex id, so that no sign-in is refused
// over an id's version bits.
const Id = z.guid();

export const PasswordVerificationAttempt = z.looseObject({
  metadata: HookMetadata.optional(),
  user_id: Id,
  valid: z.boolean(),
}).meta({
  id: "PasswordVerificationAttemptHook",
  description:
    "Supabase Auth password verification attempt hook. Recorded as login_success or login_failure; reply PasswordHookReply.",
});

export const MfaVerificationAttempt = z.looseObject({
  metadata: HookMetadata.optional(),
  user_id: Id,
  factor_id: Id,
  factor_type: z.string(),
  valid: z.boolean(),
}).meta({
  id: "MfaVerificationAttemptHook",
  description:
    "Supabase Auth MFA verification attempt hook. Recorded as mfa_success or mfa_failure; reply MfaHookReply.",
});

export const CustomAccessToken = z.looseObject({
  metadata: HookMetadata.optional(),
  user_id: Id,
  claims: z.record(z.string(), z.unknown()),
  authentication_method: z.string(),
}).meta({
  id: "CustomAccessTokenHook",
  description:
    "Supabase Auth custom access token hook. Recorded as token_issued; the claims are answered unchanged and never stored.",
});

export const PasswordHookReply = z.object({
  decision: z.enum(["continue", "reject"]),
  message: z.string().optional().meta({ description: "Shown to the user on reject." }),
  should_logout_user: z.boolean().optional().meta({ description: "Always false on reject." }),
}).meta({
  id: "PasswordHookReply",
  description:
    "continue, or reject once the user has N failed attempts within the tenant's window (default 10 in 15 minutes).",
});

export const MfaHookReply = z.object({ decision: z.literal("continue") }).meta({
  id: "MfaHookReply",
});

export const CustomAccessTokenReply = z.object({
  claims: z.record(z.string(), z.unknown()).meta({ description: "The claims, unchanged." }),
}).meta({ id: "CustomAccessTokenReply" });

export type HookKind = "password_verification" | "mfa_verification" | "custom_access_token";

/** What sealog_api.record_auth_hook takes: identifiers and outcome only. */
export type HookRecord = {
  kind: HookKind;
  user_id: string;
  valid: boolean | null;
  method: string | null;
  ip: string | null;
};

const HOOK_NAMES: Record<string, HookKind> = {
  "password-verification": "password_verification",
  "mfa-verification": "mfa_verification",
  "customize-access-token": "custom_access_token",
};

/**
 * Parses a verified hook body: which hook it is (metadata.name, else the payload's shape),
 * what to record, and for the custom access token hook the claims to echo back.
 * 400 invalid_auth_hook for anything else, e.g. a send-email hook pointed here by mistake.
 */
export function parseHook(payload: unknown): {
  record: HookRecord;
  claims?: Record<string, unknown>;
} {
  const kind = hookKind(payload);
  if (kind === "password_verification") {
    const hook = PasswordVerificationAttempt.safeParse(payload);
    if (!hook.success) throw new ApiError("invalid_auth_hook");
    return { record: record(kind, hook.data, hook.data.valid, "password") };
  }
  if (kind === "mfa_verification") {
    const hook = MfaVerificationAttempt.safeParse(payload);
    if (!hook.success) throw new ApiError("invalid_auth_hook");
    return { record: record(kind, hook.data, hook.data.valid, hook.data.factor_type) };
  }
  if (kind === "custom_access_token") {
    const hook = CustomAccessToken.safeParse(payload);
    if (!hook.success) throw new ApiError("invalid_auth_hook");
    return {
      record: record(kind, hook.data, null, hook.data.authentication_method),
      // The claims exactly as received, not zod's copy of them.
      claims: (payload as { claims: Record<string, unknown> }).claims,
    };
  }
  throw new ApiError("invalid_auth_hook");
}

function hookKind(payload: unknown): HookKind | null {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return null;
  const name = (payload as { metadata?: { name?: unknown } }).metadata?.name;
  if (name !== undefined) return typeof name === "string" ? HOOK_NAMES[name] ?? null : null;
  if ("claims" in payload) return "custom_access_token";
  if ("factor_id" in payload) return "mfa_verification";
  if ("valid" in payload) return "password_verification";
  return null;
}

function record(
  kind: HookKind,
  hook: { user_id: string; metadata?: { ip_address?: string | undefined } | undefined },
  valid: boolean | null,
  method: string,
): HookRecord {
  const ip = hook.metadata?.ip_address;
  const code = method.toLowerCase();
  return {
    kind,
    user_id: hook.user_id.toLowerCase(),
    valid,
    // Labels that do not fit a machine code are dropped rather than failing a sign-in.
    method: AuthIdentifier.safeParse(code).success ? code : null,
    ip: ip !== undefined && isIP(ip) !== 0 && !ip.includes("%") ? ip : null,
  };
}
