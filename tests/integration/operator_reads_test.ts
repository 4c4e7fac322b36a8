/**
 * Operator reads over real HTTP: the project's secret key reads the SOC 2 report (stored or
 * fresh, JSON or Markdown), the data inventory, retention status, the tenants and their usage,
 * each answer equal to what the database holds and each request access-logged as the operator's.
 * Tenant keys of every scope, unknown keys and no key are refused; a bad query names its
 * parameter.
 */
import assert from "node:assert/strict";
import { renderReport } from "../../cli/lib/report_markdown.ts";
import {
  DataInventory,
  OperatorUsage,
  RetentionStatus,
  Soc2Report,
  TenantList,
} from "../../supabase/functions/operator/schemas.ts";
import { SCOPES } from "../../supabase/functions/_shared/scopes.ts";
import { telemetryEvent } from "../_support/events.ts";
import { accessLogRows, call, createTenant, sql, test } from "../_support/stack.ts";
import { operatorKey } from "../_support/users.ts";

const ROUTES = ["/soc2-report", "/data-inventory", "/retention", "/tenants", "/usage"];

test("the operator reads the latest SOC 2 report, a fresh one, and the same as Markdown", async () => {
  const fresh = await call("/operator/soc2-report?fresh=true", { apiKey: operatorKey() });
  assert.equal(fresh.status, 200);
  Soc2Report.parse(fresh.body);
  const [stored] = await sql`
    select jsonb_strip_nulls(report) as report
      from sealog.compliance_reports where report_id = ${fresh.body.report_id}`;
  const { report_id: _id, ...report } = fresh.body;
  assert.deepEqual(JSON.parse(JSON.stringify(stored!.report)), report);

  const latest = await call("/operator/soc2-report", { apiKey: operatorKey() });
  assert.equal(latest.status, 200);
  assert.ok(latest.body.report_id >= fresh.body.report_id, "the latest stored report");
  const [newest] = await sql`
    select max(report_id)::int as id from sealog.compliance_reports where framework = 'SOC 2'`;
  assert.ok(latest.body.report_id <= newest!.id);
  const [latestStored] = await sql`
    select jsonb_strip_nulls(report) as report
      from sealog.compliance_reports where report_id = ${latest.body.report_id}`;
  const { report_id: _latestId, ...latestReport } = latest.body;
  assert.deepEqual(JSON.parse(JSON.stringify(latestStored!.report)), latestReport);

  const markdown = await call(`/operator/soc2-report?format=markdown`, { apiKey: operatorKey() });
  assert.equal(markdown.status, 200);
  assert.match(markdown.headers.get("Content-Type") ?? "", /^text\/markdown/);
  // The same rendering as `deno task report`, of the report the JSON route answers.
  assert.equal(markdown.text, renderReport(latest.body));
});

test("the operator reads the data inventory, retention status and tenants as the database holds them", async () => {
  const tenant = await createTenant();
  const inventory = await call("/operator/data-inventory", { apiKey: operatorKey() });
  assert.equal(inventory.status, 200);
  DataInventory.parse(inventory.body);
  const [objects] = await sql`select count(*)::int as n from sealog_admin.data_inventory`;
  assert.equal(inventory.body.objects.length, objects!.n);

  const retention = await call("/operator/retention", { apiKey: operatorKey() });
  assert.equal(retention.status, 200);
  RetentionStatus.parse(retention.body);
  const policies = await sql`
    select category, extract(epoch from retention)::int as seconds
      from sealog.retention_policies order by category`;
  assert.deepEqual(
    retention.body.categories.map((c: { category: string; retention_seconds?: number }) => ({
      category: c.category,
      seconds: c.retention_seconds ?? null,
    })),
    policies.map((p) => ({ category: p.category, seconds: p.seconds })),
  );
  const accessLog = retention.body.categories.find((c: { category: string }) =>
    c.category === "api_access_logs"
  );
  const [oldest] = await sql`select min(received_at) as at from sealog.api_access_log`;
  assert.equal(Date.parse(accessLog.oldest_at), (oldest!.at as Date).getTime());
  assert.equal(accessLog.within_policy, true);

  const tenants = await call("/operator/tenants", { apiKey: operatorKey() });
  assert.equal(tenants.status, 200);
  TenantList.parse(tenants.body);
  const listed = tenants.body.tenants.find((t: { tenant_id: string }) =>
    t.tenant_id === tenant.tenantId
  );
  assert.equal(listed.live_keys, 1);
  const ids = new Set(tenants.body.tenants.map((t: { tenant_id: string }) => t.tenant_id));
  const existing = await sql`
    select tenant_id from sealog.tenants where created_at <= ${listed.created_at}`;
  assert.ok(existing.every((t) => ids.has(t.tenant_id)), "every tenant, as of the request");
});

test("the operator reads every tenant's usage over the range, equal to the raw rows", async () => {
  const busy = await createTenant();
  const quiet = await createTenant();
  const now = Date.now();
  const old = new Date(now - 3 * 86_400_000).toISOString();
  const ingest = await call("/ingest", {
    method: "POST",
    apiKey: busy.apiKey,
    json: {
      events: [
        telemetryEvent({ input_tokens: 10, output_tokens: 2, cost_micro_usd: 7 }),
        telemetryEvent({ input_tokens: 5, status: "error" }),
        telemetryEvent({ occurred_at: old, input_tokens: 1000 }),
      ],
    },
  });
  assert.equal(ingest.status, 200, ingest.text);
  const from = new Date(now - 86_400_000).toISOString();
  const to = new Date(now + 60_000).toISOString();
  const [asOf] = await sql`select now() as at`;
  const usage = await call(`/operator/usage?from=${from}&to=${to}`, { apiKey: operatorKey() });
  assert.equal(usage.status, 200, usage.text);
  OperatorUsage.parse(usage.body);
  const byTenant = new Map(
    usage.body.tenants.map((t: { tenant_id: string }) => [t.tenant_id, t]),
  );
  // Every tenant that existed before the request is listed (other tests add tenants meanwhile);
  // the test's two, each with exactly its own raw rows of the range.
  const existing = await sql`select tenant_id from sealog.tenants where created_at <= ${asOf!.at}`;
  assert.ok(existing.every((t) => byTenant.has(t.tenant_id)), "every tenant");
  const raw = await sql`
    select t.tenant_id, count(e.event_id)::int as events,
           count(e.event_id) filter (where e.status = 'error')::int as errors,
           coalesce(sum(e.input_tokens), 0)::int as input_tokens,
           coalesce(sum(e.output_tokens), 0)::int as output_tokens,
           coalesce(sum(e.cost_micro_usd), 0)::int as cost_micro_usd
      from sealog.tenants as t
      left join sealog.llm_request_logs as e
        on e.tenant_id = t.tenant_id and e.occurred_at >= ${from} and e.occurred_at < ${to}
     where t.tenant_id in (${busy.tenantId}, ${quiet.tenantId})
     group by t.tenant_id`;
  for (const row of raw) {
    const listed = byTenant.get(row.tenant_id) as Record<string, unknown> | undefined;
    assert.ok(listed, `tenant ${row.tenant_id} listed`);
    assert.deepEqual(
      {
        events: listed.events,
        errors: listed.errors,
        input_tokens: listed.input_tokens,
        output_tokens: listed.output_tokens,
        cost_micro_usd: listed.cost_micro_usd,
      },
      {
        events: row.events,
        errors: row.errors,
        input_tokens: row.input_tokens,
        output_tokens: row.output_tokens,
        cost_micro_usd: row.cost_micro_usd,
      },
    );
  }
  const mine = byTenant.get(busy.tenantId) as Record<string, unknown>;
  assert.equal(mine.events, 2, "the 3-day-old event is outside the range");
  assert.equal(mine.input_tokens, 15);
  assert.ok(typeof mine.last_event_at === "string");
  assert.equal((byTenant.get(quiet.tenantId) as Record<string, unknown>).events, 0);
  assert.equal((byTenant.get(quiet.tenantId) as Record<string, unknown>).last_event_at, undefined);
  const counts = usage.body.tenants.map((t: { events: number }) => t.events);
  assert.deepEqual(counts, [...counts].sort((a: number, b: number) => b - a), "busiest first");
});

test("every operator read is access-logged as the operator's, without the query string", async () => {
  for (const route of ROUTES) {
    const query = route === "/soc2-report" ? "?fresh=false" : "";
    const response = await call(`/operator${route}${query}`, { apiKey: operatorKey() });
    assert.equal(response.status, 200, route);
    const [row] = await accessLogRows(response.headers.get("X-Request-Id"));
    assert.equal(row!.caller_kind, "operator", route);
    assert.equal(row!.path, `/operator${route}`);
    assert.equal(row!.tenant_id, null);
    assert.equal(row!.status_code, 200);
  }
});

test("tenant keys of every scope get 403, unknown keys and no key 401, on every route", async () => {
  for (const scope of SCOPES) {
    const tenant = await createTenant({ scopes: [scope] });
    for (const route of ROUTES) {
      const refused = await call(`/operator${route}`, { apiKey: tenant.apiKey });
      assert.equal(refused.status, 403, `${scope} ${route}`);
      assert.equal(refused.body.code, "insufficient_scope");
      const [row] = await accessLogRows(refused.headers.get("X-Request-Id"));
      assert.equal(row!.tenant_id, tenant.tenantId);
      assert.equal(row!.caller_kind, "tenant_key");
    }
  }
  // Tenant keys are rate limited here as on every route: a throttled key is told to wait.
  const throttled = await createTenant({ scopes: ["read"], ratePerSecond: 1, burst: 2 });
  const statuses = [];
  for (let i = 0; i < 3; i++) {
    statuses.push((await call("/operator/tenants", { apiKey: throttled.apiKey })).status);
  }
  assert.deepEqual(statuses, [403, 403, 429]);
  const all = await createTenant();
  const bad = await call("/operator/soc2-report?fresh=maybe", { apiKey: all.apiKey });
  assert.equal(bad.status, 403, "no validation detail before authorisation");
  assert.equal(bad.body.errors, undefined);
  for (const route of ROUTES) {
    const unknown = await call(`/operator${route}`, { apiKey: `slg_live_${"x".repeat(43)}` });
    assert.equal(unknown.status, 401, route);
    const none = await call(`/operator${route}`);
    assert.equal(none.status, 401, route);
    assert.equal(none.body.code, "unauthorized");
  }
});

test("a bad query is a 400 naming the parameter, and stores no report", async () => {
  const [before] = await sql`select count(*)::int as n from sealog.compliance_reports`;
  for (
    const [query, parameter] of [
      ["fresh=maybe", "fresh"],
      ["format=pdf", "format"],
      ["fresh=true&limit=5", "limit"],
    ] as const
  ) {
    const response = await call(`/operator/soc2-report?${query}`, { apiKey: operatorKey() });
    assert.equal(response.status, 400, query);
    assert.equal(response.body.code, "invalid_query");
    assert.equal(response.body.errors[0].path, parameter);
  }
  const [after] = await sql`select count(*)::int as n from sealog.compliance_reports`;
  assert.equal(after!.n, before!.n);
  const day = 86_400_000;
  const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
  for (
    const [query, parameter] of [
      [`from=${iso(-day)}&to=${iso(-2 * day)}`, "from"],
      [`from=${iso(-91 * day)}`, "from"],
      [`from=${iso(-89 * day)}&to=${iso(20 * day)}`, "to"],
      ["from=yesterday", "from"],
      ["tenant=x", "tenant"],
    ] as const
  ) {
    const response = await call(`/operator/usage?${query}`, { apiKey: operatorKey() });
    assert.equal(response.status, 400, query);
    assert.equal(response.body.code, "invalid_query");
    assert.equal(response.body.errors[0].path, parameter, query);
  }
});
