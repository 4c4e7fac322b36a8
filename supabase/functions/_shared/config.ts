/**
 * Settings, read once from the environment and validated with zod.
 * Supabase injects SUPABASE_*; Sealog's own settings are SEALOG_* because
 * `supabase secrets set` refuses SUPABASE_ names. Every setting and default is in README.md.
 */
import { z } from "zod";
import { ApiError } from "./problems.ts";

const csv = z.string().transform((value) =>
  value.split(",").map((item) => item.trim()).filter((item) => item.length > 0)
);

const tokenMap = z.string().transform((value, ctx) => {
  try {
    return z.record(z.string().min(16).max(256), z.uuid()).parse(JSON.parse(value));
  } catch {
    // Never echo the value: it holds secrets.
    ctx.addIssue({ code: "custom", message: "must be a JSON object mapping token to tenant uuid" });
    return z.NEVER;
  }
});

// Standard Webhooks secrets in Supabase Auth's own format, `v1,whsec_<base64>`; several
// separated by `|` while rotating. Kept without the `v1,` prefix, as standardwebhooks takes them.
const HOOK_SECRET = /^v1,whsec_[A-Za-z0-9+/]{22,}={0,2}$/;
const hookSecrets = z.string().transform((value, ctx) => {
  const secrets = value.split("|").map((secret) => secret.trim()).filter((secret) => secret);
  if (secrets.length === 0 || !secrets.every((secret) => HOOK_SECRET.test(secret))) {
    // Never echo the value: it is a secret.
    ctx.addIssue({ code: "custom", message: "must be v1,whsec_<base64>, several separated by |" });
    return z.NEVER;
  }
  return secrets.map((secret) => secret.slice("v1,".length));
});

// The project's JSON Web Key Set as Supabase injects it, {"keys": [...]}, for user tokens.
const jwks = z.string().transform((value, ctx) => {
  try {
    const parsed = JSON.parse(value);
    const keys = z.array(z.looseObject({ kid: z.string().optional(), kty: z.string() }))
      .parse(Array.isArray(parsed) ? parsed : parsed?.keys);
    return { keys };
  } catch {
    ctx.addIssue({ code: "custom", message: "must be a JSON Web Key Set" });
    return z.NEVER;
  }
});

// The project's secret keys as Supabase injects them: a JSON object of name to sb_secret_ key.
const secretKeys = z.string().transform((value, ctx) => {
  try {
    return z.record(z.string(), z.string()).parse(JSON.parse(value));
  } catch {
    // Never echo the value: it holds secrets.
    ctx.addIssue({ code: "custom", message: "must be a JSON object of key name to key" });
    return z.NEVER;
  }
});

// A grace period: 0, or N second(s), minute(s), hour(s), day(s) or week(s), at most 30 days
// (erasure is due without undue delay). Kept in seconds.
const GRACE_UNITS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
  week: 604_800,
};
const gracePeriod = z.string().transform((value, ctx) => {
  const match = /^\s*(\d{1,7})(?:\s*(second|minute|hour|day|week)s?)?\s*$/i.exec(value);
  const seconds = match && (match[2] || match[1] === "0")
    ? Number(match[1]) * GRACE_UNITS[(match[2] ?? "second").toLowerCase()]!
    : Number.NaN;
  if (!(seconds >= 0 && seconds <= 30 * 86_400)) {
    ctx.addIssue({ code: "custom", message: "must be 0 or like '7 days', at most 30 days" });
    return z.NEVER;
  }
  return seconds;
});

/**
 * Connections per instance to the pooler. No call waits behind another on one (db.ts), so a
 * connection idles from a reply to the next call; four hide that for large batches, and the
 * pooler's server pool, shared by every instance, caps the database's side (docs/performance.md).
 */
export const DB_POOL_SIZE_DEFAULT = 4;

const EnvSchema = z.object({
  // The functions' least-privileged login (sealog_functions) through the transaction pooler.
  // Checked by db.ts on first use, so that a missing or wrong URL answers every request with
  // 500 database_misconfigured and a log line naming it (docs/deployment.md).
  SEALOG_DB_URL: z.string().optional(),
  SEALOG_DB_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(DB_POOL_SIZE_DEFAULT),
  SEALOG_DB_CONNECT_TIMEOUT_S: z.coerce.number().int().min(1).max(60).default(3),
  // The client's own deadline for one call; the server's timeouts are set on the role.
  SEALOG_DB_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(7_000),
  // The header the gateway sets to the client's address, which callers cannot forge (README).
  SEALOG_CLIENT_IP_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default("cf-connecting-ip"),
  SEALOG_ALLOWED_ORIGINS: csv.default([]),
  SEALOG_TENANT_TOKEN_MAP: tokenMap.default({}),
  // Needed only by the operations that use them; requireSetting() names a missing one.
  SEALOG_AUTH_HOOK_SECRET: hookSecrets.optional(),
  SEALOG_AUTH_HOOK_TENANT_ID: z.uuid().optional(),
  SEALOG_PSEUDONYM_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  // Injected by Supabase into every Edge Function; users' tokens and the operator's key.
  SUPABASE_URL: z.url().optional(),
  SUPABASE_JWKS: jwks.optional(),
  SUPABASE_SECRET_KEYS: secretKeys.optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
  // How long a deletion request waits before its erasure runs (and may be cancelled).
  SEALOG_ERASURE_GRACE: gracePeriod.default(0),
});

export type Config = z.infer<typeof EnvSchema>;

let cached: Config | undefined;

/** The validated settings; throws a message naming the bad settings, never their values. */
export function config(): Config {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(Deno.env.toObject());
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`invalid settings: ${names.join("; ")}`);
  }
  cached = parsed.data;
  return cached;
}

/**
 * A setting that only some operations need. When it is absent the operation answers 500
 * not_configured and the log names the setting (never a value); other functions still start.
 */
export function requireSetting<K extends keyof Config>(name: K): NonNullable<Config[K]> {
  const value = config()[name];
  if (value === undefined || value === null) {
    console.error(JSON.stringify({ level: "error", error: "setting_missing", setting: name }));
    throw new ApiError("not_configured");
  }
  return value as NonNullable<Config[K]>;
}
