/**
 * The SDK's read client against the real stack over real HTTP: every read answers what the
 * routes answer (checked against their zod schemas), pages and the export hold every row once,
 * and an error answer (400, 401, 403, 429, an export cut short) surfaces as a SealogApiError
 * with its problem+json, or as a thrown export, never as a quiet short result.
 */
import assert from "node:assert/strict";
import { issueKey } from "../../cli/lib/keys.ts";
import { createReadClient, SealogApiError } from "../../sdk/mod.ts";
import { DeletionRequestList } from "../../supabase/functions/deletion-requests/schemas.ts";
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

async function reader(tenant: TestTenant, scopes: string[]) {
  const { api_key } = await issueKey(sql, tenant.tenantId, { scopes, label: "sdk read" });
  return createReadClient({ url: BASE_URL, key: api_key });
}

async function seedAccessLog(tenant: TestTenant, count: number): Promise<void> {
  await sql`
    insert into sealog.api_access_log (request_id, received_at, tenant_id, key_id, scope, method,
                                       path, status_code, duration_ms, caller_kind, db_role)
    select gen_random_uuid(), now() - interval '1 hour' + (i / 4) * interval '1 millisecond',
           ${tenant.tenantId}::uuid, ${tenant.keyId}::uuid, 'ingest', 'POST', '/ingest/sdk',
           200, 1, 'tenant_key', 'sealog_edge'
      from generate_series(1, ${count}::int) as i`;
}

/** The SealogApiError a call rejects with. */
async function apiError(promise: Promise<unknown>): Promise<SealogApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SealogApiError, String(error));
    return error;
  }
  assert.fail("the call succeeded");
}

test("SDK read client: usage, sessions, keys and deletion requests, typed as the routes answer", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const at = new Date(Date.now() - 3_600_000).toISOString();
  for (const [owner, tokens] of [[tenant, 10], [other, 999]] as const) {
    const ingested = await call("/ingest", {
      method: "POST",
      apiKey: owner.apiKey,
      json: {
        events: [telemetryEvent({ occurred_at: at, model: "m-a", input_tokens: tokens })],
      },
    });
    assert.equal(ingested.status, 200, ingested.text);
  }
  const erased = await call("/deletion-requests", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { subject: { end_user_id: "sdk-reader" } },
  });
  assert.equal(erased.status, 202, erased.text);
  const client = await reader(tenant, ["read", "privacy"]);

  const usage = await client.usage({ group_by: "model", granularity: "day" });
  UsageReport.parse(usage);
  assert.equal(usage.totals.events, 1);
  assert.equal(usage.totals.input_tokens, 10, "none of the other tenant's");
  assert.equal(usage.series[0]?.model, "m-a");
  const sessions = await client.sessions({ limit: 10 });
  SessionList.parse(sessions);
  assert.equal(sessions.sessions.length, 1);
  const keys = await client.keys();
  KeyList.parse(keys);
  assert.deepEqual(keys.keys.map((k) => k.label).sort(), ["sdk read", "test"].sort());
  const requests = await client.deletionRequests({ limit: 5 });
  DeletionRequestList.parse(requests);
  assert.deepEqual(requests.requests.map((r) => r.request_id), [erased.body.request_id]);
});

test("SDK read client: access-log and auth-event pages, and the export, hold every row once", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  await seedAccessLog(tenant, 5_003);
  await seedAccessLog(other, 7);
  const posted = await call("/auth-events", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { events: Array.from({ length: 12 }, () => authEvent({})) },
  });
  assert.equal(posted.status, 200, posted.text);
  const client = await reader(tenant, ["audit"]);
  const to = new Date().toISOString();

  const seen: string[] = [];
  let pages = 0;
  for await (const page of client.accessLogPages({ path: "/ingest/sdk", limit: 1000, to })) {
    AccessLogPage.parse(page);
    seen.push(...page.entries.map((entry) => entry.request_id));
    pages++;
  }
  assert.equal(pages, 6);
  assert.equal(new Set(seen).size, 5_003);
  assert.equal(seen.length, 5_003);

  const exported: string[] = [];
  for await (const entry of client.exportAccessLog({ path: "/ingest/sdk", to })) {
    exported.push(AccessLogEntry.parse(entry).request_id);
  }
  assert.deepEqual(exported, seen, "the export holds the pages' rows, in their order");

  // Leaving the loop early closes the stream; the client stays usable.
  let taken = 0;
  for await (const _ of client.exportAccessLog({ to })) if (++taken === 3) break;
  assert.equal(taken, 3);

  const events: string[] = [];
  for await (const page of client.authEventPages({ limit: 5 })) {
    AuthEventsPage.parse(page);
    events.push(...page.events.map((event) => event.event_id));
  }
  assert.equal(new Set(events).size, 12);
  assert.equal((await client.authEvents({ limit: 1 })).events.length, 1);
});

test("SDK read client: 400, 401 and 403 are SealogApiErrors carrying the problem+json", async () => {
  const tenant = await createTenant();
  const auditor = await reader(tenant, ["audit"]);

  const bad = await apiError(auditor.accessLog({ cursor: "not-a-cursor" }));
  assert.equal(bad.status, 400);
  assert.equal(bad.code, "invalid_query");
  assert.equal(
    bad.problem?.errors && (bad.problem.errors as { path: string }[])[0]?.path,
    "cursor",
  );

  const stranger = createReadClient({ url: BASE_URL, key: "slg_live_" + "x".repeat(43) });
  const unauthorized = await apiError(stranger.keys());
  assert.equal(unauthorized.status, 401);
  assert.equal(unauthorized.code, "unauthorized");
  assert.match(unauthorized.problem?.request_id ?? "", /^[0-9a-f-]{36}$/);

  const forbidden = await apiError(auditor.usage());
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.code, "insufficient_scope");
  const ingestOnly = await reader(tenant, ["ingest"]);
  assert.equal((await apiError(ingestOnly.accessLog())).code, "insufficient_scope");
  // A failed export throws before its first entry.
  const notAllowed = (await reader(tenant, ["read"])).exportAccessLog();
  assert.equal((await apiError(notAllowed.next())).status, 403);
});

test("SDK read client: 429 carries Retry-After, and an export throttled mid-stream throws", async () => {
  const tenant = await createTenant({ ratePerSecond: 1, burst: 1 });
  await seedAccessLog(tenant, 5_001);
  const client = await reader(tenant, ["read", "audit"]);

  await client.keys();
  const limited = await apiError(client.keys());
  assert.equal(limited.status, 429);
  assert.equal(limited.code, "rate_limited");
  assert.match(limited.retryAfter ?? "", /^\d+$/);

  // The first page takes the bucket's token; the second is refused, and the stream aborts.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  let entries = 0;
  await assert.rejects(async () => {
    for await (const _ of client.exportAccessLog()) entries++;
  });
  assert.equal(entries, 5_000, "the first page arrived, then the export failed loudly");
});
