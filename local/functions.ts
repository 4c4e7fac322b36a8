/**
 * Every Edge Function of the project, by slug: the local server serves these, and the API
 * reference test checks that each of their routes is documented. Add new functions here.
 */
import type { Hono } from "hono";

// deno-lint-ignore no-explicit-any
export type AnyApp = Hono<any, any, any>;

export const functions: Record<string, () => Promise<AnyApp>> = {
  ingest: async () => (await import("../supabase/functions/ingest/app.ts")).app,
  "auth-events": async () => (await import("../supabase/functions/auth-events/app.ts")).app,
  "deletion-requests": async () =>
    (await import("../supabase/functions/deletion-requests/app.ts")).app,
  tenant: async () => (await import("../supabase/functions/tenant/app.ts")).app,
  operator: async () => (await import("../supabase/functions/operator/app.ts")).app,
  otlp: async () => (await import("../supabase/functions/otlp/app.ts")).app,
};
