/**
 * Seeds the stack of scripts/test.sh for the browser tests and prints, as JSON, the keys and
 * what the database holds for them (the figures the console must show). Run with Deno: it uses
 * the same helpers as the integration tests. Two tenants, so the browser can prove isolation.
 */
import { issueKey } from "../../cli/lib/keys.ts";
import { authEvent, telemetryEvent } from "../../tests/_support/events.ts";
import { call, createTenant, sql } from "../../tests/_support/stack.ts";
import { operatorKey } from "../../tests/_support/users.ts";

const HOUR = 3_600_000;
const MODELS = ["gpt-4o", "claude-sonnet", "llama-3"];

async function must(path: string, apiKey: string, json?: unknown): Promise<void> {
  const response = await call(path, json ? { method: "POST", apiKey, json } : { apiKey });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
}

const tenant = await createTenant();
const other = await createTenant();
const events = Array.from({ length: 40 }, (_, i) =>
  telemetryEvent({
    occurred_at: new Date(Date.now() - (1 + (i % 30)) * 4 * HOUR).toISOString(),
    session_id: `console-${i % 4}`,
    model: MODELS[i % MODELS.length],
    input_tokens: 100 + i,
    output_tokens: 10 + (i % 7),
    cost_micro_usd: 1000 * (i + 1),
    latency_ms: 100 + 10 * i,
    status: i % 9 === 0 ? "error" : "ok",
    risk_tags: i % 5 === 0 ? ["PII_EMAIL"] : i % 7 === 0 ? ["SECRET_API_KEY"] : [],
    end_user_id: `end-user-${i % 3}`,
  }));
await must("/ingest", tenant.apiKey, { events });
await must("/ingest", other.apiKey, {
  events: [
    telemetryEvent({
      model: "other-tenant-model",
      input_tokens: 99999,
      session_id: "other-session",
    }),
  ],
});
await must("/auth-events", tenant.apiKey, {
  events: Array.from(
    { length: 6 },
    (_, i) =>
      authEvent({ outcome: i % 2 ? "failure" : "success", type: i % 3 ? "login" : "logout" }),
  ),
});
// Access-log rows made with the writing key alone: the browser filters and exports them.
for (let i = 0; i < 57; i++) await must("/ingest/whoami", tenant.apiKey);

const reader = await issueKey(sql, tenant.tenantId, {
  scopes: ["read", "audit", "privacy"],
  label: "console",
});
const mixed = await issueKey(sql, tenant.tenantId, { scopes: ["read", "ingest"], label: "mixed" });
const otherReader = await issueKey(sql, other.tenantId, {
  scopes: ["read", "audit"],
  label: "console",
});
const expiring = await issueKey(sql, tenant.tenantId, {
  scopes: ["read"],
  label: "expiring",
  expiresAt: new Date(Date.now() + 1500).toISOString(),
});
// Two requests a second at most: signing in works, the overview's three reads are refused (429).
const throttled = await createTenant({ scopes: ["read"], ratePerSecond: 1, burst: 2 });
const [writer] =
  await sql`select display_prefix from sealog.api_keys where key_id = ${tenant.keyId}::uuid`;
const [totals] = await sql`
  select count(*)::int as events, sum(input_tokens)::int as input_tokens,
    sum(output_tokens)::int as output_tokens, sum(cost_micro_usd)::int as cost_micro_usd,
    count(*) filter (where status = 'error')::int as errors
  from sealog.llm_request_logs
  where tenant_id = ${tenant.tenantId}::uuid and occurred_at >= now() - interval '7 days'`;
// The access log is written after each response: wait until the writer's rows are all there.
let accessLogRows = 0;
for (let i = 0; i < 50; i++) {
  const [row] = await sql`
    select count(*)::int as n from sealog.api_access_log
    where key_id = ${tenant.keyId}::uuid and received_at >= now() - interval '7 days'`;
  accessLogRows = row!.n;
  if (accessLogRows >= 59) break; // one ingest, one auth-events batch, 57 whoami
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const [sessions] = await sql`
  select count(*)::int as n from sealog.session_state where tenant_id = ${tenant.tenantId}::uuid`;
// A deletion request made outside the console: the privacy page lists it.
const erasure = await call("/deletion-requests", {
  method: "POST",
  apiKey: reader.api_key,
  json: { subject: { end_user_id: "seeded-end-user" } },
});
if (erasure.status !== 202) throw new Error(`deletion request: ${erasure.status} ${erasure.text}`);
// The operator's view: the latest report (this one) and what the database holds.
const [operator] = await sql`
  select (r -> 'report_id')::int as report_id, r -> 'summary' as summary, r ->> 'status' as status,
         (select count(*)::int from sealog.tenants) as tenants,
         (select count(*)::int from sealog_admin.data_inventory) as inventory,
         (select count(*)::int from sealog.retention_policies) as categories
    from sealog_admin.generate_soc2_report() as r`;
await new Promise((resolve) => setTimeout(resolve, 1600));
await sql.end();

console.log(JSON.stringify({
  tenantId: tenant.tenantId,
  otherTenantId: other.tenantId,
  readerKey: reader.api_key,
  mixedKey: mixed.api_key,
  otherReaderKey: otherReader.api_key,
  expiredKey: expiring.api_key,
  throttledKey: throttled.apiKey,
  writerPrefix: writer!.display_prefix,
  totals,
  accessLogRows,
  sessions: sessions!.n,
  operatorKey: operatorKey(),
  deletionRequest: { id: erasure.body.request_id, status: erasure.body.status },
  operator: { ...operator },
}));
