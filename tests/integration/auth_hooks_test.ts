/**
 * Supabase Auth hooks over real HTTP against the real database: Standard Webhooks signatures
 * (each bad case), the reply each hook type expects, what is recorded for the hook tenant,
 * and the brute-force lockout decided in the database.
 */
import assert from "node:assert/strict";
import {
  customAccessToken,
  deliverHook,
  HOOK_TENANT_ID,
  mfaAttempt,
  newHookSecret,
  passwordAttempt,
  signHook,
} from "../_support/auth_hooks.ts";
import { accessLogRows, call, createTenant, sql, test } from "../_support/stack.ts";

/** The hook tenant's events for one user, oldest first. */
async function eventsOf(userId: string) {
  return Array.from(
    await sql`
    select type, outcome, method, provider, reason, host(ip) as ip, source, user_agent, user_pseudonym
      from sealog.auth_events
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId}
     order by occurred_at, received_at, type desc`,
  );
}

test("the stack has a hook tenant and secret (scripts/test.sh)", () => {
  assert.match(HOOK_TENANT_ID, /^[0-9a-f-]{36}$/);
  assert.match(Deno.env.get("SEALOG_AUTH_HOOK_SECRET") ?? "", /^v1,whsec_/);
});

/** Signatures */

test("a validly signed delivery is accepted, recorded and logged for the hook tenant", async () => {
  const userId = crypto.randomUUID();
  const response = await deliverHook(passwordAttempt(userId, true, "2001:db8::7"));
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { decision: "continue" });
  assert.match(response.headers.get("Content-Type") ?? "", /^application\/json/);
  assert.deepEqual(await eventsOf(userId), [{
    type: "login_success",
    outcome: "success",
    method: "password",
    provider: "supabase",
    reason: null,
    ip: "2001:db8::7",
    source: "supabase_auth_hook",
    user_agent: null,
    user_pseudonym: null,
  }]);
  const [log, ...more] = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(more.length, 0, "exactly one access-log row");
  assert.equal(log!.tenant_id, HOOK_TENANT_ID);
  assert.equal(log!.scope, "auth-events");
  assert.equal(log!.key_id, null);
  assert.equal(log!.status_code, 200);
  assert.equal(log!.path, "/auth-events");
});

test("a delivery signed with the wrong secret is refused and records nothing", async () => {
  const userId = crypto.randomUUID();
  const response = await deliverHook(passwordAttempt(userId, false), { secret: newHookSecret() });
  assert.equal(response.status, 401);
  assert.equal(response.body.code, "invalid_webhook_signature");
  assert.equal(response.headers.get("Content-Type"), "application/problem+json");
  assert.deepEqual(await eventsOf(userId), []);
  const [log] = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(log!.status_code, 401);
  assert.equal(log!.error_code, "invalid_webhook_signature");
  assert.equal(log!.tenant_id, null, "an unverified delivery is attributed to no tenant");
});

test("a body changed after signing is refused", async () => {
  const userId = crypto.randomUUID();
  const payload = passwordAttempt(userId, false);
  const tampered = JSON.stringify({ ...payload, valid: true });
  const response = await deliverHook(payload, { body: tampered });
  assert.equal(response.status, 401);
  assert.equal(response.body.code, "invalid_webhook_signature");
  // Whitespace counts too: the signature covers the exact bytes.
  const spaced = await deliverHook(payload, { body: JSON.stringify(payload, null, 1) });
  assert.equal(spaced.status, 401);
  assert.deepEqual(await eventsOf(userId), []);
});

test("a timestamp more than 5 minutes off, either way, is refused", async () => {
  const userId = crypto.randomUUID();
  for (const offsetS of [-301, -3600, 301]) {
    const response = await deliverHook(passwordAttempt(userId, true), {
      timestamp: new Date(Date.now() + offsetS * 1000),
    });
    assert.equal(response.status, 401, `offset ${offsetS}s`);
    assert.equal(response.body.code, "webhook_timestamp_out_of_range", `offset ${offsetS}s`);
  }
  // Within the tolerance it is fine.
  const recent = await deliverHook(passwordAttempt(userId, true), {
    timestamp: new Date(Date.now() - 240_000),
  });
  assert.equal(recent.status, 200);
  assert.equal((await eventsOf(userId)).length, 1);
});

test("a replayed webhook-id is refused, even with a fresh valid signature", async () => {
  const userId = crypto.randomUUID();
  const id = `msg_${crypto.randomUUID()}`;
  const first = await deliverHook(passwordAttempt(userId, false), { id });
  assert.equal(first.status, 200);
  const replay = await deliverHook(passwordAttempt(userId, false), { id });
  assert.equal(replay.status, 409);
  assert.equal(replay.body.code, "webhook_replayed");
  assert.equal((await eventsOf(userId)).length, 1, "the replay recorded nothing");
  const [log] = await accessLogRows(replay.headers.get("X-Request-Id"));
  assert.equal(log!.status_code, 409);
  assert.equal(log!.error_code, "webhook_replayed");
  // Replay protection is per delivery id, not per payload: Supabase retries with a new id.
  const retry = await deliverHook(passwordAttempt(userId, false));
  assert.equal(retry.status, 200);
});

test("concurrent deliveries of one webhook-id: exactly one is accepted", async () => {
  const userId = crypto.randomUUID();
  const id = `msg_${crypto.randomUUID()}`;
  // The ledger is partitioned by day, so no unique index makes the id unique: the hook
  // function does, one delivery of an id at a time.
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => deliverHook(passwordAttempt(userId, false), { id })),
  );
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, ...Array(11).fill(409)]);
  assert.equal((await eventsOf(userId)).length, 1, "one delivery recorded one event");
});

test("missing or malformed webhook headers are refused", async () => {
  const userId = crypto.randomUUID();
  for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const response = await deliverHook(passwordAttempt(userId, true), {
      headers: { [header]: null },
    });
    assert.equal(response.status, 401, `without ${header}`);
    assert.equal(response.body.code, "invalid_webhook_signature", `without ${header}`);
  }
  const cases: Record<string, Record<string, string>> = {
    "empty signature": { "webhook-signature": "" },
    "unversioned signature": { "webhook-signature": "c2lnbmF0dXJl" },
    "non-numeric timestamp": { "webhook-timestamp": "yesterday" },
    "id with spaces": { "webhook-id": "msg 1" },
  };
  for (const [name, headers] of Object.entries(cases)) {
    const response = await deliverHook(passwordAttempt(userId, true), { headers });
    assert.equal(response.status, 401, name);
  }
  assert.deepEqual(await eventsOf(userId), []);
});

test("webhook headers take the hook path even with an API key", async () => {
  const tenant = await createTenant();
  const userId = crypto.randomUUID();
  const response = await deliverHook(passwordAttempt(userId, true), {
    secret: newHookSecret(),
    headers: { Authorization: `Bearer ${tenant.apiKey}` },
  });
  assert.equal(response.status, 401);
  assert.equal(response.body.code, "invalid_webhook_signature");
});

/** Replies per hook type */

test("password hook: continue for a right or a wrong password below the threshold", async () => {
  const userId = crypto.randomUUID();
  const wrong = await deliverHook(passwordAttempt(userId, false));
  assert.equal(wrong.status, 200);
  assert.deepEqual(wrong.body, { decision: "continue" });
  const right = await deliverHook(passwordAttempt(userId, true));
  assert.deepEqual(right.body, { decision: "continue" });
  assert.deepEqual(
    (await eventsOf(userId)).map((e) => [e.type, e.outcome, e.reason]),
    [["login_failure", "failure", "invalid_password"], ["login_success", "success", null]],
  );
});

test("MFA hook: continue, recorded as mfa_success or mfa_failure with the factor type", async () => {
  const userId = crypto.randomUUID();
  const ok = await deliverHook(mfaAttempt(userId, true, "totp"));
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { decision: "continue" });
  const bad = await deliverHook(mfaAttempt(userId, false, "phone"));
  assert.deepEqual(bad.body, { decision: "continue" });
  assert.deepEqual(
    (await eventsOf(userId)).map((e) => [e.type, e.outcome, e.method, e.reason]),
    [["mfa_success", "success", "totp", null], ["mfa_failure", "failure", "phone", "invalid_code"]],
  );
});

test("custom access token hook: the claims come back unchanged and are never stored", async () => {
  const userId = crypto.randomUUID();
  const payload = customAccessToken(userId, {
    user_metadata: { name: "Zoë 🦊", nested: { list: [1, 2.5, null, true, "x"] } },
    app_metadata: { provider: "email", roles: ["admin"] },
    custom: "kept as is",
  });
  const response = await deliverHook(payload);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { claims: payload.claims });
  assert.deepEqual(Object.keys(response.body), ["claims"]);
  assert.deepEqual(
    (await eventsOf(userId)).map((e) => [e.type, e.outcome, e.method, e.provider]),
    [["token_issued", "success", "password", "supabase"]],
  );
});

test("payloads without metadata are recognised by their shape", async () => {
  const userId = crypto.randomUUID();
  const { metadata: _p, ...password } = passwordAttempt(userId, true);
  const { metadata: _m, ...mfa } = mfaAttempt(userId, true);
  const { metadata: _t, ...token } = customAccessToken(userId);
  assert.deepEqual((await deliverHook(password)).body, { decision: "continue" });
  assert.deepEqual((await deliverHook(mfa)).body, { decision: "continue" });
  assert.deepEqual((await deliverHook(token)).body, { claims: token.claims });
  assert.deepEqual((await eventsOf(userId)).map((e) => [e.type, e.ip]), [
    ["login_success", null],
    ["mfa_success", null],
    ["token_issued", null],
  ]);
});

test("other hooks and malformed payloads are refused with 400 and record nothing", async () => {
  const userId = crypto.randomUUID();
  const cases: Record<string, unknown> = {
    "send-email hook": {
      metadata: { name: "send-email" },
      user: { id: userId, email: "x@example.com" },
      email_data: { token: "123456" },
    },
    "user id not a uuid": { user_id: "someone@example.com", valid: false },
    "valid not a boolean": { user_id: userId, valid: "no" },
    "claims not an object": { user_id: userId, claims: "x", authentication_method: "password" },
    "no known shape": { hello: "world" },
    "an array": [1, 2, 3],
  };
  for (const [name, payload] of Object.entries(cases)) {
    const response = await deliverHook(payload);
    assert.equal(response.status, 400, name);
    assert.equal(response.body.code, "invalid_auth_hook", name);
  }
  const malformed = await deliverHook({}, { body: "{not json" });
  // Signed over the object, sent as garbage: the signature fails first.
  assert.equal(malformed.status, 401);
  assert.deepEqual(await eventsOf(userId), []);
});

test("a signed body that is not JSON gets 400 malformed_json", async () => {
  const body = "{not json";
  const response = await call("/auth-events", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...signHook(body) },
    body,
  });
  assert.equal(response.status, 400);
  assert.equal(response.body.code, "malformed_json");
});

/** Brute-force lockout */

test("the 10th failure within 15 minutes locks the user out; even the right password is rejected", async () => {
  const userId = crypto.randomUUID();
  for (let attempt = 1; attempt <= 9; attempt++) {
    const response = await deliverHook(passwordAttempt(userId, false));
    assert.deepEqual(response.body, { decision: "continue" }, `attempt ${attempt}`);
  }
  const tenth = await deliverHook(passwordAttempt(userId, false));
  assert.equal(tenth.status, 200);
  assert.deepEqual(tenth.body, {
    decision: "reject",
    message: "Too many failed sign-in attempts. Try again later.",
    should_logout_user: false,
  });
  const right = await deliverHook(passwordAttempt(userId, true));
  assert.equal(right.body.decision, "reject", "a right password does not end the lock");
  const counts = await sql`
    select type, count(*)::int as n from sealog.auth_events
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId}
     group by type order by type`;
  assert.deepEqual(counts.map((row) => [row.type, row.n]), [
    ["account_locked", 2],
    ["login_failure", 10],
  ]);
});

test("the lock is per user: another user of the same tenant signs in", async () => {
  const locked = crypto.randomUUID();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await deliverHook(passwordAttempt(locked, false));
  }
  assert.equal((await deliverHook(passwordAttempt(locked, true))).body.decision, "reject");
  const other = await deliverHook(passwordAttempt(crypto.randomUUID(), true));
  assert.deepEqual(other.body, { decision: "continue" });
});

test("the lock ends once the failures are older than the window", async () => {
  const userId = crypto.randomUUID();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await deliverHook(passwordAttempt(userId, false));
  }
  assert.equal((await deliverHook(passwordAttempt(userId, true))).body.decision, "reject");
  // Move this user's history 14 minutes back: still within the window, still locked.
  await sql`
    update sealog.auth_events set occurred_at = occurred_at - interval '14 minutes'
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId}`;
  assert.equal((await deliverHook(passwordAttempt(userId, true))).body.decision, "reject");
  // Another 2 minutes: the failures left the 15-minute window.
  await sql`
    update sealog.auth_events set occurred_at = occurred_at - interval '2 minutes'
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId}`;
  assert.deepEqual((await deliverHook(passwordAttempt(userId, true))).body, {
    decision: "continue",
  });
});

test("MFA failures and API-reported failures do not count towards the password lockout", async () => {
  const userId = crypto.randomUUID();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await deliverHook(mfaAttempt(userId, false));
  }
  await sql`
    insert into sealog.auth_events (tenant_id, event_id, occurred_at, source, type, outcome, user_id)
    select ${HOOK_TENANT_ID}, gen_random_uuid(), now(), 'api', 'login_failure', 'failure', ${userId}
      from generate_series(1, 10)`;
  assert.deepEqual((await deliverHook(passwordAttempt(userId, true))).body, {
    decision: "continue",
  });
});

test("concurrent failures are counted one at a time: exactly one 10th failure", async () => {
  const userId = crypto.randomUUID();
  const replies = await Promise.all(
    Array.from({ length: 14 }, () => deliverHook(passwordAttempt(userId, false))),
  );
  assert.ok(replies.every((reply) => reply.status === 200));
  const decisions = replies.map((reply) => reply.body.decision);
  assert.equal(decisions.filter((d) => d === "continue").length, 9);
  assert.equal(decisions.filter((d) => d === "reject").length, 5);
  const counts = await sql`
    select type, count(*)::int as n from sealog.auth_events
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId}
     group by type order by type`;
  assert.deepEqual(counts.map((row) => [row.type, row.n]), [
    ["account_locked", 5],
    ["login_failure", 10],
  ]);
});
