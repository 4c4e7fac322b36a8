/**
 * Self-service erasure over real HTTP: a user with their own Supabase Auth access token erases
 * themselves from every store (the test stack runs with SEALOG_ERASURE_GRACE=0, so at once),
 * gets a receipt without personal data, and cannot touch anyone else.
 */
import assert from "node:assert/strict";
import { authEvent, telemetryEvent } from "../_support/events.ts";
import { accessLogRows, call, createTenant, sql, test } from "../_support/stack.ts";
import { createUser, seedPlatformData } from "../_support/users.ts";

test("a user erases themselves from every store with their own token, and gets a receipt", async () => {
  const user = await createUser();
  const rows = await seedPlatformData(user);
  // The platform reports the user's id as end_user_id in its agents' telemetry.
  const tenant = await createTenant();
  const sessionId = `self-${crypto.randomUUID()}`;
  const ingested = await call("/ingest", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: { events: [telemetryEvent({ session_id: sessionId, end_user_id: user.userId })] },
  });
  assert.equal(ingested.status, 200);
  // Auth events: a sign-in by user id, and failed attempts made with the address before the
  // account existed (kept only as the address's keyed pseudonym).
  const audited = await call("/auth-events", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: {
      events: [
        authEvent({
          user_id: user.userId,
          ip: "203.0.113.77",
          user_agent: "SelfServiceBrowser/1.0",
        }),
        authEvent({ user_id: user.email, outcome: "failure", ip: "203.0.113.77" }),
      ],
    },
  });
  assert.equal(audited.status, 200, audited.text);
  // An earlier request of the user's own leaves an access-log row with their id, ip and agent.
  const earlier = await call(`/deletion-requests/${crypto.randomUUID()}`, {
    apiKey: user.accessToken,
    headers: { "User-Agent": "SelfServiceBrowser/1.0" },
  });
  assert.equal(earlier.status, 404);
  const [before] = await accessLogRows(earlier.headers.get("X-Request-Id"));
  assert.equal(before!.user_id, user.userId);
  assert.equal(before!.user_agent, "SelfServiceBrowser/1.0");

  const created = await call("/deletion-requests", {
    apiKey: user.accessToken,
    method: "POST",
    headers: { "User-Agent": "SelfServiceBrowser/1.0" },
  });
  assert.equal(created.status, 202);
  assert.deepEqual(Object.keys(created.body).sort(), ["request_id", "scheduled_for", "status"]);
  assert.equal(created.body.status, "completed");

  const [left] = await sql`
    select (select count(*)::int from auth.users where id = ${user.userId}) as users,
           (select count(*)::int from auth.sessions where user_id = ${user.userId}) as sessions,
           (select count(*)::int from auth.identities where user_id = ${user.userId}) as identities,
           (select count(*)::int from public.sealog_profiles where id = ${user.userId}) as profiles,
           (select count(*)::int from public.sealog_user_agent_subscriptions where user_id = ${user.userId}) as subscriptions,
           (select count(*)::int from public.sealog_agent_waitlist where lower(email) = ${user.email}) as waitlist,
           (select count(*)::int from public.sealog_interactions where user_id = ${user.userId} or email = ${user.email}) as interactions,
           (select count(*)::int from public.sealog_reviews where review_id = ${rows.reviewId} and user_id is null) as reviews_kept,
           (select count(*)::int from sealog.llm_request_logs
             where tenant_id = ${tenant.tenantId} and session_id = ${sessionId}) as telemetry,
           (select count(*)::int from sealog.session_state
             where tenant_id = ${tenant.tenantId} and session_id = ${sessionId}) as session_state,
           (select count(*)::int from sealog.auth_events where tenant_id = ${tenant.tenantId}
               and user_id is null and user_pseudonym is null and ip is null and user_agent is null)
             as auth_events_kept,
           (select count(*)::int from sealog.auth_events where tenant_id = ${tenant.tenantId}
               and (user_id is not null or user_pseudonym is not null or ip is not null)) as auth_events_identifying`;
  assert.deepEqual({ ...left }, {
    users: 0,
    sessions: 0,
    identities: 0,
    profiles: 0,
    subscriptions: 0,
    waitlist: 0,
    interactions: 0,
    reviews_kept: 1,
    telemetry: 0,
    session_state: 0,
    auth_events_kept: 2,
    auth_events_identifying: 0,
  });

  // The access log keeps both rows, anonymised: no id, ip or user agent of the user.
  for (
    const requestId of [earlier.headers.get("X-Request-Id"), created.headers.get("X-Request-Id")]
  ) {
    const [row] = await accessLogRows(requestId);
    assert.ok(row, "the access-log row is kept");
    assert.deepEqual([row!.user_id, row!.client_ip, row!.user_agent], [null, null, null]);
  }

  const status = await call(`/deletion-requests/${created.body.request_id}`, {
    apiKey: user.accessToken,
  });
  assert.equal(status.status, 200);
  assert.equal(status.body.status, "completed");
  const receipt = status.body.receipt;
  assert.equal(receipt.subject.kind, "user");
  assert.match(receipt.subject.hash, /^hmac-sha256:[0-9a-f]{64}$/);
  assert.deepEqual(receipt.deleted, {
    "auth.identities": 1,
    "auth.sessions": 1,
    "auth.users": 1,
    "public.sealog_agent_waitlist": 1,
    "public.sealog_interactions": 1,
    "public.sealog_profiles": 1,
    "public.sealog_user_agent_subscriptions": 1,
    "sealog.llm_request_logs": 1,
    "sealog.session_state": 1,
  });
  assert.equal(receipt.anonymised["public.sealog_reviews"], 1);
  assert.equal(receipt.anonymised["sealog.api_access_log"], 1);
  assert.equal(receipt.anonymised["sealog.auth_events"], 2);
  assert.deepEqual(
    receipt.external_tasks.map((task: Record<string, unknown>) => [task.kind, task.processor]),
    [["cancel_subscription", "stripe"]],
  );

  // Neither the receipt nor the stored request names the user.
  const [stored] = await sql`
    select to_jsonb(r)::text as text from sealog.deletion_requests r
     where request_id = ${created.body.request_id}`;
  for (const text of [status.text, stored!.text]) {
    for (
      const identifier of [
        user.userId,
        user.email,
        "SelfServiceBrowser",
        "203.0.113.77",
        rows.subscriptionId,
      ]
    ) {
      assert.ok(!text.includes(identifier), `the request holds no ${identifier}`);
    }
  }
});

test("a self-service request needs no body; {} and naming oneself are the same", async () => {
  for (const json of [undefined, {}, "self"]) {
    const user = await createUser();
    const response = await call("/deletion-requests", {
      apiKey: user.accessToken,
      method: "POST",
      json: json === "self" ? { subject: { user_id: user.userId } } : json,
    });
    assert.equal(response.status, 202, JSON.stringify(json));
    assert.equal(response.body.status, "completed");
  }
});

test("a user cannot erase anyone else", async () => {
  const user = await createUser();
  const other = await createUser();
  for (const subject of [{ user_id: other.userId }, { email: other.email }, { end_user_id: "x" }]) {
    const response = await call("/deletion-requests", {
      apiKey: user.accessToken,
      method: "POST",
      json: { subject },
    });
    assert.equal(response.status, 403, JSON.stringify(subject));
    assert.equal(response.body.code, "subject_not_allowed");
  }
  const [row] =
    await sql`select count(*)::int as n from auth.users where id in (${user.userId}, ${other.userId})`;
  assert.equal(row!.n, 2);
});

test("a user sees and cancels only their own requests", async () => {
  const user = await createUser();
  const other = await createUser();
  const created = await call("/deletion-requests", { apiKey: user.accessToken, method: "POST" });
  for (const method of ["GET", "DELETE"]) {
    const response = await call(`/deletion-requests/${created.body.request_id}`, {
      apiKey: other.accessToken,
      method,
    });
    assert.equal(response.status, 404, method);
    assert.equal(response.body.code, "deletion_request_not_found");
  }
  const malformed = await call("/deletion-requests/not-a-uuid", { apiKey: other.accessToken });
  assert.equal(malformed.status, 404);
  assert.equal(malformed.body.code, "deletion_request_not_found");
});

test("a still-valid token of an erased user gets its request back and leaves no trace", async () => {
  const user = await createUser();
  const first = await call("/deletion-requests", { apiKey: user.accessToken, method: "POST" });
  assert.equal(first.body.status, "completed");
  const again = await call("/deletion-requests", { apiKey: user.accessToken, method: "POST" });
  assert.equal(again.status, 202);
  assert.equal(again.body.request_id, first.body.request_id, "no new request is recorded");
  const status = await call(`/deletion-requests/${first.body.request_id}`, {
    apiKey: user.accessToken,
  });
  assert.equal(status.status, 200);
  for (const response of [again, status]) {
    const [row] = await accessLogRows(response.headers.get("X-Request-Id"));
    assert.deepEqual([row!.user_id, row!.client_ip, row!.user_agent], [null, null, null]);
  }
});

test("a valid token for an account that does not exist gets 401", async () => {
  const { localAccessToken } = await import("../../cli/lib/users.ts");
  const token = await localAccessToken({
    userId: crypto.randomUUID(),
    email: "ghost@example.test",
    sessionId: crypto.randomUUID(),
  });
  const response = await call("/deletion-requests", { apiKey: token, method: "POST" });
  assert.equal(response.status, 401);
  assert.equal(response.body.code, "unauthorized");
});
