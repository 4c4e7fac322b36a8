/**
 * The local test stack, as scripts/test.sh starts it: real HTTP against the functions
 * server and a real PostgreSQL. Tests create their own tenants, so files run in parallel.
 */
import postgres from "postgres";
import { operatorDatabaseUrl } from "../../cli/lib/database.ts";
import { issueKey } from "../../cli/lib/keys.ts";
import { SCOPES } from "../../supabase/functions/_shared/scopes.ts";

export const BASE_URL = Deno.env.get("SEALOG_TEST_BASE_URL") ??
  "http://127.0.0.1:54331/functions/v1";

/** A connection as `postgres` (the migration owner), for seeding and for checking what was stored. */
// fetch_types off, as in _shared/db.ts: the restart tests reconnect this pool too, and the
// array-type fetch of a reconnect is where it hung. Arrays therefore travel as JSON.
export const sql = postgres(operatorDatabaseUrl(), {
  max: 4,
  onnotice: () => {},
  fetch_types: false,
});

/** Deno.test without the resource sanitizers: the shared pool and keep-alive sockets outlive one test. */
export function test(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

export type TestTenant = { tenantId: string; apiKey: string; keyId: string };

/** A fresh tenant with one key; rate limits are generous unless a test asks otherwise. */
export async function createTenant(
  options: { scopes?: string[]; ratePerSecond?: number; burst?: number; expiresAt?: string } = {},
): Promise<TestTenant> {
  const [tenant] = await sql`
    select sealog_admin.create_tenant(${"test " + crypto.randomUUID()}, ${
    options.ratePerSecond ?? 1000
  },
      ${options.burst ?? null}) as tenant_id`;
  const tenantId = tenant!.tenant_id as string;
  const key = await issueKey(sql, tenantId, {
    scopes: options.scopes ?? [...SCOPES],
    label: "test",
    expiresAt: options.expiresAt ?? null,
  });
  return { tenantId, apiKey: key.api_key, keyId: key.key_id };
}

/** A parsed JSON response body; tests assert on its shape. */
// deno-lint-ignore no-explicit-any
export type JsonBody = any;

/** fetch() against a function path such as "/ingest/whoami", with the body always consumed. */
export async function call(
  path: string,
  init: RequestInit & { apiKey?: string; json?: unknown } = {},
): Promise<{ status: number; headers: Headers; body: JsonBody; text: string }> {
  const headers = new Headers(init.headers);
  if (init.apiKey) headers.set("Authorization", `Bearer ${init.apiKey}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("Content-Type", headers.get("Content-Type") ?? "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${BASE_URL}${path}`, { ...init, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** The access-log rows of one request, by its X-Request-Id. */
export async function accessLogRows(requestId: string | null) {
  return await sql`select * from sealog.api_access_log where request_id = ${requestId}::uuid`;
}
