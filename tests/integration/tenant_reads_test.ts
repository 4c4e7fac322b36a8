/**
 * GET /tenant/*: a tenant reads what it stored with a read or audit key, over real HTTP.
 * Two tenants everywhere: nothing of the other's shows. Scopes separate reading from
 * writing; bad queries answer 400 invalid_query naming the parameter, after the scope check.
 */
import assert from "node:assert/strict";
import { issueKey } from "../../cli/lib/keys.ts";
import {
  AccessLogEntry,
  AccessLogPage,
  AuthEventsPage,
  KeyList,
  SessionList,
  UsageReport,
} from "../../supabase/functions/tenant/schemas.ts";
import { authEvent, telemetryEvent } from "../_support/events.ts";
import { BASE_URL, call, createTenant, sql, test, type TestTenant } from "../_support/stack.ts";

const HOUR = 3_600_000;

async function keyWith(tenant: TestTenant, scopes: string[]): Promise<string> {
  return (await issueKey(sql, tenant.tenantId, { scopes, label: scopes.join("+") })).api_key;
}

async function ingest(tenant: TestTenant, events: Record<string, unknown>[]): Promise<void> {
  const response = await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { events },
  });
  assert.equal(response.status, 200, response.text);
}

test("usage: totals, series by day and model, and risk tags counted once in the totals", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const at = new Date(Date.now() - 2 * HOUR).toISOString();
  await ingest(tenant, [
    telemetryEvent({
      occurred_at: at,
      model: "m-a",
      input_tokens: 10,
      output_tokens: 1,
      cost_micro_usd: 5,
      latency_ms: 100,
      reasoning_tokens: 3,
      cache_read_input_tokens: 2,
      cache_creation_input_tokens: 4,
      risk_tags: ["PII_EMAIL", "SECRET_JWT"],
    }),
    telemetryEvent({ occurred_at: at, model: "m-a", input_tokens: 20, latency_ms: 300 }),
    telemetryEvent({
      occurred_at: at,
      model: "m-b",
      status: "error",
      input_tokens: 1,
      risk_tags: ["ACME_X"],
    }),
  ]);
  await ingest(other, [telemetryEvent({ occurred_at: at, model: "m-a", input_tokens: 999 })]);

  const reader = await keyWith(tenant, ["read"]);
  const usage = await call("/tenant/usage?group_by=model&granularity=day", { apiKey: reader });
  assert.equal(usage.status, 200, usage.text);
  UsageReport.parse(usage.body);
  assert.equal(usage.body.totals.events, 3);
  assert.equal(usage.body.totals.input_tokens, 31);
  assert.equal(usage.body.totals.errors, 1);
  assert.equal(usage.body.totals.cost_micro_usd, 5);
  assert.equal(usage.body.totals.reasoning_tokens, 3);
  assert.equal(usage.body.totals.cache_read_input_tokens, 2);
  assert.equal(usage.body.totals.cache_creation_input_tokens, 4);
  assert.equal(usage.body.totals.pii_or_secret_events, 1);
  // Nearest rank from the latency histogram (within 2.5% + 0.5 ms): 100 ms and 300 ms.
  assert.ok(Math.abs(usage.body.totals.latency_p50_ms - 100) <= 3, usage.text);
  assert.ok(Math.abs(usage.body.totals.latency_p95_ms - 300) <= 8, usage.text);
  const byModel = Object.fromEntries(
    usage.body.series.map((row: { model: string; events: number }) => [row.model, row.events]),
  );
  assert.deepEqual(byModel, { "m-a": 2, "m-b": 1 });

  const byTag = await call("/tenant/usage?group_by=risk_tag&granularity=none", { apiKey: reader });
  assert.equal(byTag.body.totals.events, 3, "an event with two tags counts once in the totals");
  const tags = byTag.body.series.map((row: { risk_tag?: string; events: number }) =>
    `${row.risk_tag ?? "-"}:${row.events}`
  );
  assert.deepEqual(tags, ["ACME_X:1", "PII_EMAIL:1", "SECRET_JWT:1", "-:1"]);

  const empty = await call("/tenant/usage", { apiKey: await keyWith(other, ["read"]) });
  assert.equal(empty.body.totals.events, 1, "the other tenant sees only its own event");
  assert.equal(empty.body.totals.input_tokens, 999);
});

test("usage: hour buckets start at the hour of the requested time zone", async () => {
  const tenant = await createTenant();
  // A whole UTC hour, hh:00, is hh+5:30 in Asia/Kolkata: its hour began 30 minutes earlier.
  const at = new Date(Date.now() - 3 * HOUR);
  at.setUTCMinutes(0, 0, 0);
  await ingest(tenant, [telemetryEvent({ occurred_at: at.toISOString() })]);
  const usage = await call("/tenant/usage?granularity=hour&time_zone=Asia/Kolkata", {
    apiKey: tenant.apiKey,
  });
  assert.equal(usage.status, 200, usage.text);
  const bucket = new Date(usage.body.series[0].bucket);
  assert.equal(at.getTime() - bucket.getTime(), 30 * 60_000);
});

test("sessions: live sessions of the key's tenant, most recently active first", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  await ingest(tenant, [telemetryEvent({ session_id: "older", end_user_id: "user-1" })]);
  await ingest(tenant, [telemetryEvent({ session_id: "newer" })]);
  await ingest(other, [telemetryEvent({ session_id: "foreign" })]);
  const response = await call("/tenant/sessions", { apiKey: await keyWith(tenant, ["read"]) });
  assert.equal(response.status, 200, response.text);
  SessionList.parse(response.body);
  assert.deepEqual(
    response.body.sessions.map((s: { session_id: string }) => s.session_id),
    ["newer", "older"],
  );
  assert.ok(!response.text.includes("user-1"), "no end user id is listed");
  const one = await call("/tenant/sessions?limit=1", { apiKey: tenant.apiKey });
  assert.equal(one.body.sessions.length, 1);
});

test("keys: the tenant's own keys, never a secret or a digest", async () => {
  const tenant = await createTenant();
  await createTenant();
  const reader = await keyWith(tenant, ["read"]);
  const response = await call("/tenant/keys", { apiKey: reader });
  assert.equal(response.status, 200, response.text);
  KeyList.parse(response.body);
  assert.equal(response.body.keys.length, 2);
  assert.deepEqual(response.body.keys[0].scopes, ["read"]);
  const [digest] = await sql`select encode(key_digest, 'hex') as hex from sealog.api_keys
                              where tenant_id = ${tenant.tenantId} limit 1`;
  assert.ok(!response.text.includes(reader.slice(14)), "no secret");
  assert.ok(!response.text.includes(digest!.hex), "no digest");
  for (const key of response.body.keys) assert.ok(!("key_digest" in key));
});

test("scopes: an ingest key reads nothing, a read key writes nothing and sees no trail", async () => {
  const tenant = await createTenant();
  const ingestKey = await keyWith(tenant, ["ingest"]);
  const readKey = await keyWith(tenant, ["read"]);
  const auditKey = await keyWith(tenant, ["audit"]);
  for (const path of ["/tenant/usage", "/tenant/sessions", "/tenant/keys", "/tenant/access-log"]) {
    const response = await call(path, { apiKey: ingestKey });
    assert.equal(response.status, 403, path);
    assert.equal(response.body.code, "insufficient_scope");
  }
  // Validation is answered only after the scope: a bad query with the wrong key is a 403.
  const bad = await call("/tenant/usage?group_by=nope", { apiKey: auditKey });
  assert.equal(bad.status, 403);
  assert.equal((await call("/tenant/access-log", { apiKey: readKey })).status, 403);
  assert.equal((await call("/tenant/access-log/export", { apiKey: readKey })).status, 403);
  for (const key of [readKey, auditKey]) {
    const write = await call("/ingest", {
      method: "POST",
      apiKey: key,
      json: { events: [telemetryEvent()] },
    });
    assert.equal(write.status, 403);
  }
  assert.equal((await call("/tenant/usage")).status, 401);
});

test("bad queries answer 400 invalid_query naming the parameter", async () => {
  const tenant = await createTenant();
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const cases: [string, string][] = [
    [`/tenant/usage?from=${iso(now - HOUR)}&to=${iso(now - 2 * HOUR)}`, "from"],
    [`/tenant/usage?from=${iso(now - 91 * 24 * HOUR)}`, "from"],
    [`/tenant/usage?group_by=model,colour`, "group_by"],
    [`/tenant/usage?granularity=hour&from=${iso(now - 40 * 24 * HOUR)}`, "to"],
    [`/tenant/usage?granularity=week`, "granularity"],
    [`/tenant/usage?time_zone=Mars/Olympus`, "time_zone"],
    [`/tenant/usage?unknown=1`, "unknown"],
    [`/tenant/access-log?cursor=not-a-cursor`, "cursor"],
    [`/tenant/access-log?limit=5000`, "limit"],
    [`/tenant/access-log?status=abc`, "status"],
    [`/tenant/access-log?from=${iso(now - 91 * 24 * HOUR)}`, "from"],
    [`/tenant/access-log/export?to=${iso(now - 2 * HOUR)}&from=${iso(now)}`, "from"],
    [`/tenant/sessions?limit=0`, "limit"],
  ];
  for (const [path, parameter] of cases) {
    const response = await call(path, { apiKey: tenant.apiKey });
    assert.equal(response.status, 400, path);
    assert.equal(response.headers.get("Content-Type"), "application/problem+json");
    assert.equal(response.body.code, "invalid_query", path);
    assert.equal(response.body.errors[0].path, parameter, path);
  }
});

/** Seeds `count` access-log rows for a tenant, several sharing each received_at (ties). */
async function seedAccessLog(tenant: TestTenant, count: number): Promise<void> {
  await sql`
    insert into sealog.api_access_log (request_id, received_at, tenant_id, key_id, scope, method, path,
                                       status_code, duration_ms, caller_kind, db_role)
    select gen_random_uuid(), now() - interval '1 hour' + (i / 3) * interval '1 millisecond',
           ${tenant.tenantId}::uuid, ${tenant.keyId}::uuid, 'ingest', 'POST', '/ingest/seeded',
           case when i % 10 = 0 then 429 else 200 end, 1, 'tenant_key', 'sealog_edge'
      from generate_series(1, ${count}::int) as i`;
}

test("access log: cursor pages newest first, filters, no row twice or missed, and reads are logged", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  await seedAccessLog(tenant, 250);
  await seedAccessLog(other, 20);
  const auditor = await keyWith(tenant, ["audit"]);
  const to = new Date().toISOString();
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const response = await call(
      `/tenant/access-log?path=/ingest/seeded&limit=100&to=${to}${
        cursor ? `&cursor=${cursor}` : ""
      }`,
      { apiKey: auditor },
    );
    assert.equal(response.status, 200, response.text);
    AccessLogPage.parse(response.body);
    seen.push(...response.body.entries.map((entry: { request_id: string }) => entry.request_id));
    const times = response.body.entries.map((e: { received_at: string }) =>
      Date.parse(e.received_at)
    );
    assert.deepEqual(times, [...times].sort((a, b) => b - a), "newest first");
    cursor = response.body.next_cursor;
    pages++;
  } while (cursor);
  assert.equal(pages, 3);
  assert.equal(seen.length, 250);
  assert.equal(new Set(seen).size, 250, "no row twice across pages, despite ties on time");

  const limited = await call("/tenant/access-log?status=429&path=/ingest/seeded&limit=1000", {
    apiKey: auditor,
  });
  assert.equal(limited.body.entries.length, 25);
  const byKey = await call(`/tenant/access-log?key_prefix=slg_live_zzzz`, { apiKey: auditor });
  assert.equal(byKey.body.entries.length, 0);

  const read = await call("/tenant/access-log?limit=1", { apiKey: auditor });
  const [row] = await sql`select tenant_id, path, scope, status_code from sealog.api_access_log
                           where request_id = ${read.headers.get("X-Request-Id")}::uuid`;
  assert.equal(row?.tenant_id, tenant.tenantId, "reading the access log writes its own row");
  assert.equal(row?.scope, "audit");
  assert.equal(row?.status_code, 200);
  assert.match(row?.path, /\/tenant\/access-log$/);
  const n = (await sql`select count(*)::int as n from sealog.api_access_log
                              where tenant_id = ${tenant.tenantId}`)[0]!.n;
  const all = await call("/tenant/access-log?limit=1000", { apiKey: auditor });
  assert.equal(all.body.entries.length, n, "every row of the tenant, none of the other's");
});

test("export: streaming NDJSON over several pages holds every row exactly once", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  await seedAccessLog(tenant, 12_001);
  await seedAccessLog(other, 50);
  const response = await fetch(`${BASE_URL}/tenant/access-log/export?path=/ingest/seeded`, {
    headers: { Authorization: `Bearer ${await keyWith(tenant, ["audit"])}` },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("Content-Type") ?? "", /^application\/x-ndjson/);
  const text = await response.text();
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 12_001);
  const ids = new Set(lines.map((line) => AccessLogEntry.parse(JSON.parse(line)).request_id));
  assert.equal(ids.size, 12_001, "no row twice");
  const n = (await sql`select count(*)::int as n from sealog.api_access_log
                             where tenant_id = ${tenant.tenantId} and path = '/ingest/seeded'`)[0]!
    .n;
  assert.equal(n, 12_001);
  // One access-log row per page: 3 pages of at most 5000.
  const pages = (await sql`select count(*)::int as pages from sealog.api_access_log
                                 where tenant_id = ${tenant.tenantId} and scope = 'audit'`)[0]!
    .pages;
  assert.equal(pages, 3);
});

test("export: rows sharing one timestamp across page boundaries, each line exactly as stored", async () => {
  const tenant = await createTenant();
  // 10,001 rows at one instant: both page boundaries fall inside the tie, so only the row id
  // orders them. Some carry every optional field, with strings that JSON must escape.
  await sql`
    insert into sealog.api_access_log (request_id, received_at, tenant_id, key_id, scope, method,
                                       path, status_code, error_code, duration_ms, user_agent,
                                       client_ip, caller_kind, db_role)
    select gen_random_uuid(), now() - interval '1 hour', ${tenant.tenantId}::uuid,
           case when i % 2 = 0 then ${tenant.keyId}::uuid end,
           case when i % 3 = 0 then 'audit'::sealog.api_scope end, 'GET',
           ${'/tenant/"q"\\'} || i, case when i % 5 = 0 then 429 else 200 end,
           case when i % 5 = 0 then 'rate_limited' end, i % 7,
           case when i % 4 = 0 then ${'agent "x"\\ \n\t\u0001 é ✓'} end,
           case when i % 6 = 0 then '2001:db8::1'::inet end, 'tenant_key', 'sealog_edge'
      from generate_series(1, 10001) as i`;
  const stored = await sql`
    select l.request_id, l.received_at, l.method, l.path, l.status_code, l.error_code,
           l.duration_ms, l.scope, l.caller_kind, k.display_prefix, l.user_agent,
           host(l.client_ip) as client_ip
      from sealog.api_access_log as l left join sealog.api_keys as k on k.key_id = l.key_id
     where l.tenant_id = ${tenant.tenantId}`;
  const expected = new Map(stored.map((r) => [r.request_id, {
    request_id: r.request_id,
    received_at: r.received_at.getTime(),
    method: r.method,
    path: r.path,
    status: r.status_code,
    ...(r.error_code === null ? {} : { error_code: r.error_code }),
    duration_ms: r.duration_ms,
    ...(r.scope === null ? {} : { scope: r.scope }),
    caller_kind: r.caller_kind,
    ...(r.display_prefix === null ? {} : { key_prefix: r.display_prefix }),
    ...(r.user_agent === null ? {} : { user_agent: r.user_agent }),
    ...(r.client_ip === null ? {} : { client_ip: r.client_ip }),
  }]));
  assert.equal(expected.size, 10_001);

  const to = new Date(Date.now() - 60_000).toISOString();
  const response = await fetch(`${BASE_URL}/tenant/access-log/export?to=${to}`, {
    headers: { Authorization: `Bearer ${await keyWith(tenant, ["audit"])}` },
  });
  assert.equal(response.status, 200);
  const lines = (await response.text()).trimEnd().split("\n");
  assert.equal(lines.length, 10_001);
  const seen = new Set<string>();
  for (const line of lines) {
    const entry = AccessLogEntry.parse(JSON.parse(line));
    assert.ok(!seen.has(entry.request_id), "no row twice");
    seen.add(entry.request_id);
    assert.deepEqual(
      { ...entry, received_at: Date.parse(entry.received_at) },
      expected.get(entry.request_id),
    );
  }
  assert.equal(seen.size, 10_001, "every row");
  const pages = (await sql`select count(*)::int as pages from sealog.api_access_log
                                 where tenant_id = ${tenant.tenantId} and path like '%/export'`)[0]!
    .pages;
  assert.equal(pages, 3, "one access-log row per page of 5000");
});

test("auth events: newest first by cursor, filtered, a user by email through the pseudonym", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const base = Date.now() - HOUR;
  const at = (i: number) => new Date(base + Math.floor(i / 2) * 1000).toISOString();
  const events = Array.from({ length: 30 }, (_, i) =>
    authEvent({
      occurred_at: at(i),
      type: i % 3 === 0 ? "login_failure" : "login",
      outcome: i % 3 === 0 ? "failure" : "success",
      user_id: i < 4 ? "Alice@Example.org" : `user-${i}`,
    }));
  const posted = await call("/auth-events", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { events },
  });
  assert.equal(posted.status, 200, posted.text);
  await call("/auth-events", {
    method: "POST",
    apiKey: other.apiKey,
    json: { events: [authEvent({ user_id: "alice@example.org" })] },
  });
  const auditor = await keyWith(tenant, ["audit"]);
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(`/tenant/auth-events?limit=7${cursor ? `&cursor=${cursor}` : ""}`, {
      apiKey: auditor,
    });
    assert.equal(page.status, 200, page.text);
    AuthEventsPage.parse(page.body);
    seen.push(...page.body.events.map((e: { event_id: string }) => e.event_id));
    cursor = page.body.next_cursor;
  } while (cursor);
  assert.equal(seen.length, 30);
  assert.equal(new Set(seen).size, 30, "no event twice across pages, despite ties on time");

  const failures = await call("/tenant/auth-events?type=login_failure&outcome=failure", {
    apiKey: auditor,
  });
  assert.equal(failures.body.events.length, 10);
  // The address is matched case-insensitively through its pseudonym; the other tenant's never.
  const alice = await call("/tenant/auth-events?user=ALICE@example.org", { apiKey: auditor });
  assert.equal(alice.status, 200, alice.text);
  assert.equal(alice.body.events.length, 4);
  assert.ok(!alice.text.toLowerCase().includes("alice"), "the address is never answered");
  const byId = await call("/tenant/auth-events?user=user-7", { apiKey: auditor });
  assert.equal(byId.body.events.length, 1);
  const [logged] = await sql`select path from sealog.api_access_log
                              where request_id = ${alice.headers.get("X-Request-Id")}::uuid`;
  assert.ok(!JSON.stringify(logged).toLowerCase().includes("alice"), "nor logged");
  const bad = await call("/tenant/auth-events?cursor=1_2", { apiKey: auditor });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].path, "cursor");
  assert.equal(
    (await call("/tenant/auth-events", { apiKey: await keyWith(tenant, ["read"]) })).status,
    403,
  );
});
