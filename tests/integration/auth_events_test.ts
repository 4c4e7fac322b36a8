/**
 * POST /auth-events with a tenant key, over real HTTP against the real database: every rule
 * of the event schema, each bad case included; idempotency by event_id; tenant isolation;
 * and email addresses kept only as keyed hashes.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { authEvent } from "../_support/events.ts";
import {
  accessLogRows,
  call,
  createTenant,
  sql,
  test,
  type TestTenant,
} from "../_support/stack.ts";

const send = (tenant: TestTenant, body: unknown) =>
  call("/auth-events", { method: "POST", apiKey: tenant.apiKey, json: body });

async function stored(tenantId: string) {
  return Array.from(
    await sql`select *, host(ip) as ip_text, encode(user_pseudonym, 'hex') as pseudonym
                from sealog.auth_events where tenant_id = ${tenantId} order by occurred_at, event_id`,
  );
}

/** What the stack's SEALOG_PSEUDONYM_KEY makes of an address, computed independently here. */
function expectedPseudonym(address: string): string {
  const key = Deno.env.get("SEALOG_PSEUDONYM_KEY") ?? "";
  return createHmac("sha256", key).update(address.trim().toLowerCase()).digest("hex");
}

const codes = (body: { rejected: { index: number; code: string }[] }) =>
  body.rejected.map((r) => [r.index, r.code]);

test("a valid batch is stored for the key's tenant and answered 200 after commit", async () => {
  const tenant = await createTenant({ scopes: ["auth-events"] });
  const events = [
    authEvent({ ip: "198.51.100.23", user_agent: "Mozilla/5.0 (X11; Linux x86_64)" }),
    authEvent({
      type: "sso_grant",
      outcome: "failure",
      method: "sso/saml",
      provider: "okta",
      reason: "assertion_expired",
    }),
    authEvent({ type: "logout", user_id: null, method: null, provider: null }),
  ];
  const response = await send(tenant, { events });
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { accepted: 3, duplicates: 0, rejected: [] });
  const rows = await stored(tenant.tenantId);
  assert.equal(rows.length, 3);
  const first = rows.find((row) => row.event_id === events[0]!.event_id)!;
  assert.equal(first.source, "api");
  assert.equal(first.type, "login");
  assert.equal(first.user_id, events[0]!.user_id);
  assert.equal(first.ip_text, "198.51.100.23");
  assert.equal(first.user_agent, "Mozilla/5.0 (X11; Linux x86_64)");
  const sso = rows.find((row) => row.event_id === events[1]!.event_id)!;
  assert.deepEqual([sso.outcome, sso.method, sso.reason], [
    "failure",
    "sso/saml",
    "assertion_expired",
  ]);
  const [log] = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(log!.tenant_id, tenant.tenantId);
  assert.equal(log!.key_id, tenant.keyId);
  assert.equal(log!.scope, "auth-events");
  assert.equal(log!.status_code, 200);
});

test("a resent event is stored once and reported as a duplicate", async () => {
  const tenant = await createTenant();
  const event = authEvent();
  assert.deepEqual((await send(tenant, { events: [event] })).body, {
    accepted: 1,
    duplicates: 0,
    rejected: [],
  });
  const again = await send(tenant, { events: [event, { ...event, outcome: "failure" }] });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { accepted: 0, duplicates: 2, rejected: [] });
  const rows = await stored(tenant.tenantId);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.outcome, "success", "the first copy wins");
});

test("an event is its event_id and occurred_at: the same id at another instant is another event", async () => {
  const tenant = await createTenant();
  const event = authEvent();
  const earlier = {
    ...event,
    occurred_at: new Date(Date.parse(event.occurred_at as string) - 1000).toISOString(),
  };
  assert.deepEqual((await send(tenant, { events: [event] })).body.accepted, 1);
  assert.deepEqual((await send(tenant, { events: [earlier] })).body.accepted, 1);
  assert.deepEqual((await send(tenant, { events: [event, earlier] })).body, {
    accepted: 0,
    duplicates: 2,
    rejected: [],
  });
  assert.equal((await stored(tenant.tenantId)).length, 2);
});

test("concurrent resends at the midnight partition boundary: each auth event stored once", async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000 });
  // The last millisecond of yesterday (UTC) and the first of today: two daily partitions.
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const sides = [new Date(midnight.getTime() - 1), midnight].map((d) => d.toISOString());
  const events = Array.from({ length: 40 }, (_, i) => authEvent({ occurred_at: sides[i % 2] }));
  // A retry resends the event unchanged (id and occurred_at), so it meets the first copy in
  // its own day; 16 clients resend every event three times, shuffled.
  const answers = await Promise.all(Array.from({ length: 16 }, async () => {
    let accepted = 0;
    for (let round = 0; round < 3; round++) {
      const batch = [...events].sort(() => Math.random() - 0.5);
      const response = await send(tenant, { events: batch });
      assert.equal(response.status, 200, response.text);
      accepted += response.body.accepted;
    }
    return accepted;
  }));
  assert.equal(answers.reduce((a, b) => a + b, 0), 40, "each event is accepted exactly once");

  const rows = await sql`
    select tableoid::regclass::text as partition, count(*)::int as n
      from sealog.auth_events where tenant_id = ${tenant.tenantId}
     group by 1 order by 1`;
  const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll("-", "");
  assert.deepEqual(rows.map((r) => [r.partition, r.n]), [
    [`sealog.auth_events_p${day(new Date(midnight.getTime() - 1))}`, 20],
    [`sealog.auth_events_p${day(midnight)}`, 20],
  ]);
});

test("tenants are isolated: event ids are unique per tenant, and the tenant comes only from the key", async () => {
  const [a, b] = [await createTenant(), await createTenant()];
  const event = authEvent();
  assert.equal((await send(a, { events: [event] })).body.accepted, 1);
  const other = await call("/auth-events", {
    method: "POST",
    apiKey: b.apiKey,
    headers: { "X-Tenant-Id": a.tenantId },
    json: { events: [event] },
  });
  assert.equal(other.body.accepted, 1, "the same id in another tenant is not a duplicate");
  assert.equal((await stored(a.tenantId)).length, 1);
  assert.equal((await stored(b.tenantId)).length, 1);
  const smuggled = await send(b, { events: [authEvent({ tenant_id: a.tenantId })] });
  assert.equal(smuggled.status, 422);
  assert.deepEqual(codes(smuggled.body), [[0, "unknown_field"]]);
  assert.equal((await stored(a.tenantId)).length, 1);
});

test("a key needs the auth-events scope; a missing key gets 401 and nothing is stored", async () => {
  const ingestOnly = await createTenant({ scopes: ["ingest"] });
  const forbidden = await send(ingestOnly, { events: [authEvent()] });
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.body.code, "insufficient_scope");
  const anonymous = await call("/auth-events", { method: "POST", json: { events: [authEvent()] } });
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, "unauthorized");
  assert.equal((await stored(ingestOnly.tenantId)).length, 0);
  const [log] = await accessLogRows(forbidden.headers.get("X-Request-Id"));
  assert.equal(log!.status_code, 403);
  assert.equal(log!.scope, "auth-events");
});

test("a user id that is an email address is stored only as its keyed hash", async () => {
  const tenant = await createTenant();
  const events = [
    authEvent({
      outcome: "failure",
      user_id: "  Unknown.Person@Example.COM ",
      reason: "user_not_found",
    }),
    authEvent({
      outcome: "failure",
      user_id: "unknown.person@example.com",
      reason: "user_not_found",
    }),
    authEvent({ user_id: "other@example.org" }),
  ];
  const response = await send(tenant, { events });
  assert.equal(response.status, 200);
  const rows = await stored(tenant.tenantId);
  const byId = new Map(rows.map((row) => [row.event_id, row]));
  const [first, second, third] = events.map((e) => byId.get(e.event_id)!);
  assert.equal(first!.user_id, null);
  assert.equal(first!.pseudonym, expectedPseudonym("unknown.person@example.com"));
  assert.equal(second!.pseudonym, first!.pseudonym, "the same address correlates");
  assert.notEqual(third!.pseudonym, first!.pseudonym);
  const [clear] = await sql`
    select count(*)::int as n from sealog.auth_events e
     where e.tenant_id = ${tenant.tenantId} and e::text ilike '%example.%'`;
  assert.equal(clear!.n, 0);
});

test("some invalid events: 207, the valid ones stored, each rejection listed", async () => {
  const tenant = await createTenant();
  const good = authEvent();
  const secret = authEvent({ password: "hunter2" });
  const response = await send(tenant, { events: [good, authEvent({ type: "Login" }), secret] });
  assert.equal(response.status, 207);
  assert.equal(response.body.accepted, 1);
  assert.deepEqual(codes(response.body), [[1, "invalid_type"], [2, "secret_not_accepted"]]);
  assert.equal(response.body.rejected[1].event_id, secret.event_id);
  assert.deepEqual((await stored(tenant.tenantId)).map((row) => row.event_id), [good.event_id]);
  const [log] = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(log!.status_code, 207);
});

test("every field rule rejects its bad case with a stable code", async () => {
  const tenant = await createTenant();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const cases: [string, Record<string, unknown>, string][] = [
    ["not an object", null as unknown as Record<string, unknown>, "invalid_event"],
    ["unknown field", { country: "NL" }, "unknown_field"],
    ["content key", { message: "Invalid login for bob" }, "content_not_accepted"],
    ["nested content key", { reason: { prompt: "x" } }, "content_not_accepted"],
    ["password key", { password: "hunter2" }, "secret_not_accepted"],
    ["token key", { refresh_token: "abc" }, "secret_not_accepted"],
    ["otp key", { otp: "123456" }, "secret_not_accepted"],
    ["raw JWT in a value", {
      user_id: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    }, "secret_not_accepted"],
    ["missing event_id", { event_id: undefined }, "invalid_event_id"],
    ["event_id not a uuid", { event_id: "1234" }, "invalid_event_id"],
    ["type uppercase", { type: "LOGIN" }, "invalid_type"],
    ["type with spaces", { type: "log in" }, "invalid_type"],
    ["type too long", { type: "a".repeat(65) }, "invalid_type"],
    ["missing type", { type: undefined }, "invalid_type"],
    ["occurred_at not RFC 3339", { occurred_at: "yesterday" }, "invalid_occurred_at"],
    ["occurred_at without offset", { occurred_at: "2026-01-01T00:00:00" }, "invalid_occurred_at"],
    ["occurred_at too far ahead", {
      occurred_at: new Date(Date.now() + 600_000).toISOString(),
    }, "occurred_at_out_of_range"],
    ["occurred_at older than a year", {
      occurred_at: new Date(Date.now() - 366 * 86_400_000).toISOString(),
    }, "occurred_at_out_of_range"],
    ["outcome unknown", { outcome: "ok" }, "invalid_outcome"],
    ["missing outcome", { outcome: undefined }, "invalid_outcome"],
    ["user_id too long", { user_id: "u".repeat(129) }, "invalid_user_id"],
    ["user_id empty", { user_id: "" }, "invalid_user_id"],
    ["user_id with a control character", { user_id: "bob\nadmin" }, "invalid_user_id"],
    ["user_id with NUL", { user_id: "bob\u0000" }, "invalid_string"],
    ["user_id with an unpaired surrogate", { user_id: "bob\ud800" }, "invalid_string"],
    ["method free text", { method: "Password login" }, "invalid_method"],
    ["provider with @", { provider: "okta@corp" }, "invalid_provider"],
    ["reason free text", { reason: "wrong password for alice" }, "invalid_reason"],
    ["ip not an address", { ip: "localhost" }, "invalid_ip"],
    ["ip with a zone", { ip: "fe80::1%eth0" }, "invalid_ip"],
    [
      "user_agent with an email",
      { user_agent: "bot/1.0 (+mailto:ops@example.com)" },
      "invalid_user_agent",
    ],
    ["user_agent with NUL", { user_agent: "a\u0000b" }, "invalid_string"],
    ["user_agent empty", { user_agent: "" }, "invalid_user_agent"],
  ];
  const events = cases.map(([, overrides]) =>
    overrides === null ? null : authEvent({ occurred_at: hourAgo, ...overrides })
  );
  const response = await send(tenant, { events: [authEvent(), ...events] });
  assert.equal(response.status, 207);
  assert.deepEqual(
    codes(response.body),
    cases.map(([, , code], index) => [index + 1, code]),
  );
  for (const rejection of response.body.rejected) {
    assert.doesNotMatch(rejection.message, /hunter2|123456|ops@example|eyJ/, "no value is echoed");
  }
  assert.equal((await stored(tenant.tenantId)).length, 1);
});

test("long user agents are truncated to 256 code points without splitting a surrogate pair", async () => {
  const tenant = await createTenant();
  const event = authEvent({ user_agent: "🦊".repeat(300) });
  assert.equal((await send(tenant, { events: [event] })).status, 200);
  const [row] = await stored(tenant.tenantId);
  assert.equal(Array.from(row!.user_agent as string).length, 256);
  assert.ok((row!.user_agent as string).isWellFormed());
});

test("no valid event: 422 problem+json listing the rejections, nothing stored", async () => {
  const tenant = await createTenant();
  const response = await send(tenant, { events: [authEvent({ outcome: "maybe" })] });
  assert.equal(response.status, 422);
  assert.equal(response.headers.get("Content-Type"), "application/problem+json");
  assert.equal(response.body.code, "no_valid_events");
  assert.deepEqual(codes(response.body), [[0, "invalid_outcome"]]);
  assert.equal((await stored(tenant.tenantId)).length, 0);
});

test("the envelope: 1 to 500 events, nothing else", async () => {
  const tenant = await createTenant();
  const empty = await send(tenant, { events: [] });
  assert.equal(empty.status, 422);
  assert.equal(empty.body.code, "invalid_request");
  const extra = await send(tenant, { events: [authEvent()], tenant_id: tenant.tenantId });
  assert.equal(extra.body.code, "invalid_request");
  const many = await send(tenant, { events: Array.from({ length: 501 }, () => authEvent()) });
  assert.equal(many.status, 422);
  assert.equal(many.body.code, "too_many_events");
  const full = await send(tenant, { events: Array.from({ length: 500 }, () => authEvent()) });
  assert.equal(full.status, 200);
  assert.equal(full.body.accepted, 500);
  const notJson = await call("/auth-events", {
    method: "POST",
    apiKey: tenant.apiKey,
    headers: { "Content-Type": "text/plain" },
    body: "{}",
  });
  assert.equal(notJson.status, 415);
});
