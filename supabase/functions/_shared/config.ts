/**
 * Settings, read once from the environment and validated with zod.
 * Supabase injects SUPABASE_*; Sealog's own settings are SEALOG_* because
 * `supabase secrets set` refuses SUPABASE_ names. Every setting and default is in README.md.
 */
import { z } from "zod";

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

const EnvSchema = z.object({
  SUPABASE_DB_URL: z.string().min(1, "is required"),
  SEALOG_DB_ROLE: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default("sealog_edge"),
  SEALOG_DB_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(4),
  SEALOG_DB_CONNECT_TIMEOUT_S: z.coerce.number().int().min(1).max(60).default(3),
  SEALOG_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SEALOG_ALLOWED_ORIGINS: csv.default([]),
  SEALOG_TENANT_TOKEN_MAP: tokenMap.default({}),
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
