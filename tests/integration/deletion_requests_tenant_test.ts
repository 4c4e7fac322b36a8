/**
 * Tenant erasure over real HTTP: a key with the scope privacy erases one of the tenant's end
 * users (telemetry, session state, auth events) in that tenant only, and no tenant can see,
 * cancel or cause anything in another's requests.
 */
import assert from "node:assert/strict";
import { authEvent, telemetryEvent } from "../_support/events.ts";
import { call, createTenant, sql, test, type TestTenant } from "../_support/stack.ts";

/** Telemetry, a live session and an auth event of one end user, recorded for the tenant. */
async function recordEndUser(tenant: TestTenant, endUserId: string, sessionId: string) {
  const ingested = await call("/ingest", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: { events: [telemetryEvent({ session_id: sessionId, end_user_id: endUserId })] },
  });
  assert.equal(ingested.status, 200);
  const recorded = await call("/auth-events", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: {
      events: [authEvent({ user_id: endUserId, ip: "198.51.100.23", user_agent: "EndUserApp/2" })],
    },
  });
  assert.equal(recorded.status, 200, recorded.text);
}

async function endUserRows(tenant: TestTenant, endUserId: string, sessionId: string) {
  const [row] = await sql`
    select (select count(*)::int from sealog.llm_request_logs
             where tenant_id = ${tenant.tenantId} and end_user_id = ${endUserId}) as telemetry,
           (select count(*)::int from sealog.llm_request_logs
             where tenant_id = ${tenant.tenantId} and session_id = ${sessionId}) as telemetry_rows,
           (select count(*)::int from sealog.session_state
             where tenant_id = ${tenant.tenantId} and end_user_id = ${endUserId}) as session_state,
           (select count(*)::int from sealog.auth_events
             where tenant_id = ${tenant.tenantId} and user_id = ${endUserId}) as auth_events,
           (select count(*)::int from sealog.auth_events
             where tenant_id = ${tenant.tenantId} and user_id is null and ip is null
               and user_agent is null and type = 'login') as auth_events_anonymised`;
  return { ...row };
}

test("a privacy key erases its end user in its own tenant only", async () => {
  const mine = await createTenant();
  const theirs = await createTenant();
  const endUserId = `end-user-${crypto.randomUUID()}`;
  const sessionId = `tenant-${crypto.randomUUID()}`;
  await recordEndUser(mine, endUserId, sessionId);
  await recordEndUser(theirs, endUserId, sessionId);

  const created = await call("/deletion-requests", {
    apiKey: mine.apiKey,
    method: "POST",
    json: { subject: { end_user_id: endUserId } },
  });
  assert.equal(created.status, 202);
  assert.equal(created.body.status, "completed");

  assert.deepEqual(await endUserRows(mine, endUserId, sessionId), {
    telemetry: 0,
    telemetry_rows: 0,
    session_state: 0,
    auth_events: 0,
    auth_events_anonymised: 1,
  });
  assert.deepEqual(await endUserRows(theirs, endUserId, sessionId), {
    telemetry: 1,
    telemetry_rows: 1,
    session_state: 1,
    auth_events: 1,
    auth_events_anonymised: 0,
  });
  const session = await call(`/ingest/sessions/${sessionId}`, { apiKey: mine.apiKey });
  assert.equal(session.status, 404, "the session state is gone");

  const status = await call(`/deletion-requests/${created.body.request_id}`, {
    apiKey: mine.apiKey,
  });
  assert.equal(status.status, 200);
  assert.equal(status.body.receipt.tenant_id, mine.tenantId);
  assert.deepEqual(status.body.receipt.deleted, {
    "sealog.llm_request_logs": 1,
    "sealog.session_state": 1,
  });
  assert.deepEqual(status.body.receipt.anonymised, { "sealog.auth_events": 1 });
  assert.ok(!status.text.includes(endUserId), "the receipt does not name the end user");
});

test("another tenant's key can neither see nor cancel a request, nor reach its end user", async () => {
  const mine = await createTenant();
  const theirs = await createTenant();
  const created = await call("/deletion-requests", {
    apiKey: mine.apiKey,
    method: "POST",
    json: { subject: { end_user_id: `end-user-${crypto.randomUUID()}` } },
  });
  for (const method of ["GET", "DELETE"]) {
    const response = await call(`/deletion-requests/${created.body.request_id}`, {
      apiKey: theirs.apiKey,
      method,
    });
    assert.equal(response.status, 404, method);
    assert.equal(response.body.code, "deletion_request_not_found");
  }
  // A tenant id in headers, query or body is ignored: the tenant comes from the key.
  const endUserId = `end-user-${crypto.randomUUID()}`;
  await recordEndUser(mine, endUserId, `s-${crypto.randomUUID()}`);
  const attempt = await call(`/deletion-requests?tenant_id=${mine.tenantId}`, {
    apiKey: theirs.apiKey,
    method: "POST",
    headers: { "X-Tenant-Id": mine.tenantId },
    json: { subject: { end_user_id: endUserId } },
  });
  assert.equal(attempt.status, 202);
  const [rows] = await sql`
    select count(*)::int as n from sealog.llm_request_logs
     where tenant_id = ${mine.tenantId} and end_user_id = ${endUserId}`;
  assert.equal(rows!.n, 1, "tenant A's end user is untouched by tenant B's request");
  const [request] = await sql`
    select tenant_id from sealog.deletion_requests where request_id = ${attempt.body.request_id}`;
  assert.equal(request!.tenant_id, theirs.tenantId);
});

test("a tenant key cannot erase platform users", async () => {
  const tenant = await createTenant();
  for (const subject of [{ user_id: crypto.randomUUID() }, { email: "someone@example.test" }]) {
    const response = await call("/deletion-requests", {
      apiKey: tenant.apiKey,
      method: "POST",
      json: { subject },
    });
    assert.equal(response.status, 403, JSON.stringify(subject));
    assert.equal(response.body.code, "subject_not_allowed");
  }
});

test("a key without the privacy scope gets 403; an unknown key 401", async () => {
  const tenant = await createTenant({ scopes: ["ingest", "auth-events"] });
  const json = { subject: { end_user_id: "someone" } };
  const forbidden = await call("/deletion-requests", {
    apiKey: tenant.apiKey,
    method: "POST",
    json,
  });
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.body.code, "insufficient_scope");
  const status = await call(`/deletion-requests/${crypto.randomUUID()}`, { apiKey: tenant.apiKey });
  assert.equal(status.status, 403);
  const unknown = await call("/deletion-requests", {
    apiKey: `slg_live_${"B".repeat(43)}`,
    method: "POST",
    json,
  });
  assert.equal(unknown.status, 401);
});

test("an invalid body gets 422 with details, but only after authentication", async () => {
  const tenant = await createTenant();
  for (const json of [{}, { subject: { end_user_id: "" } }, { subject: { nickname: "x" } }]) {
    const response = await call("/deletion-requests", {
      apiKey: tenant.apiKey,
      method: "POST",
      json,
    });
    assert.equal(response.status, 422, JSON.stringify(json));
    assert.equal(response.body.code, "invalid_request");
    assert.equal(response.body.errors.length, 1);
  }
  const anonymous = await call("/deletion-requests", {
    apiKey: `slg_live_${"C".repeat(43)}`,
    method: "POST",
    json: { subject: { nickname: "x" } },
  });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.errors, undefined);
});
