/**
 * POST /ingest over real HTTP against the real database: every rule of the event schema,
 * each bad case included, and what is (and is not) stored.
 */
import assert from "node:assert/strict";
import { telemetryEvent } from "../_support/events.ts";
import { call, createTenant, sql, test, type TestTenant } from "../_support/stack.ts";

const ingest = (tenant: TestTenant, body: unknown) =>
  call("/ingest", { method: "POST", apiKey: tenant.apiKey, json: body });

async function storedEvents(tenantId: string) {
  // Arrays come back as JSON: the test pool does not fetch array types (stack.ts).
  return await sql`
    select *, to_jsonb(risk_tags) as risk_tags from sealog.llm_request_logs
     where tenant_id = ${tenantId} order by occurred_at, event_id`;
}

test("a valid batch is stored and answered 200 after commit", async () => {
  const tenant = await createTenant();
  const events = [
    telemetryEvent({
      risk_tags: ["PII_EMAIL", "SECRET_API_KEY"],
      cost_micro_usd: 1500,
      latency_ms: 812,
    }),
    telemetryEvent({ status: "error", error_type: "rate_limit_exceeded", reasoning_tokens: 7 }),
  ];
  const response = await ingest(tenant, { events });
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { accepted: 2, duplicates: 0, rejected: [] });
  const rows = await storedEvents(tenant.tenantId);
  assert.equal(rows.length, 2);
  const first = rows.find((row) => row.event_id === events[0]!.event_id)!;
  assert.deepEqual(first.risk_tags, ["PII_EMAIL", "SECRET_API_KEY"]);
  assert.equal(Number(first.cost_micro_usd), 1500);
});

test("a resent event is stored once and reported as a duplicate; a new occurred_at is a new event", async () => {
  const tenant = await createTenant();
  const event = telemetryEvent();
  assert.equal((await ingest(tenant, { events: [event] })).body.accepted, 1);
  const again = await ingest(tenant, { events: [event, event] });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { accepted: 0, duplicates: 2, rejected: [] });
  const moved = await ingest(tenant, {
    events: [{ ...event, occurred_at: new Date(Date.now() - 86_400_000).toISOString() }],
  });
  // README "Idempotency": an event is its (event_id, occurred_at); retries resend both unchanged.
  assert.deepEqual(moved.body, { accepted: 1, duplicates: 0, rejected: [] });
  assert.equal((await storedEvents(tenant.tenantId)).length, 2);
});

test("event ids are unique per tenant, not globally", async () => {
  const [a, b] = [await createTenant(), await createTenant()];
  const event = telemetryEvent();
  assert.equal((await ingest(a, { events: [event] })).body.accepted, 1);
  assert.equal((await ingest(b, { events: [event] })).body.accepted, 1);
});

test("some invalid events: 207, the valid ones stored, each rejection listed", async () => {
  const tenant = await createTenant();
  const good = telemetryEvent();
  const response = await ingest(tenant, {
    events: [
      good,
      telemetryEvent({ session_id: "../etc/passwd" }),
      telemetryEvent({ prompt: "hello" }),
    ],
  });
  assert.equal(response.status, 207);
  assert.equal(response.body.accepted, 1);
  assert.deepEqual(
    response.body.rejected.map((r: { index: number; code: string }) => [r.index, r.code]),
    [
      [1, "invalid_session_id"],
      [2, "content_not_accepted"],
    ],
  );
  const rows = await storedEvents(tenant.tenantId);
  assert.deepEqual(rows.map((row) => row.event_id), [good.event_id]);
});

test("no valid event: 422 problem+json listing the rejections, nothing stored", async () => {
  const tenant = await createTenant();
  const response = await ingest(tenant, {
    events: [telemetryEvent({ input_tokens: -1 }), { nope: 1 }],
  });
  assert.equal(response.status, 422);
  assert.equal(response.headers.get("Content-Type"), "application/problem+json");
  assert.equal(response.body.code, "no_valid_events");
  assert.deepEqual(response.body.rejected.map((r: { code: string }) => r.code), [
    "invalid_counter",
    "unknown_field",
  ]);
  assert.equal((await storedEvents(tenant.tenantId)).length, 0);
});

test("content keys are refused at any depth, with content_not_accepted", async () => {
  const tenant = await createTenant();
  const cases = [
    { messages: [{ role: "user", content: "hi" }] },
    { completion: "text" },
    { model: { prompt: "x" } },
    { metadata: { nested: [{ deep: { system_prompt: "x" } }] } },
    { tool_calls: [] },
    { userPrompt: "x" },
    { Response: "x" },
  ];
  const response = await ingest(tenant, { events: cases.map((extra) => telemetryEvent(extra)) });
  assert.equal(response.status, 422);
  for (const rejection of response.body.rejected) {
    assert.equal(rejection.code, "content_not_accepted");
  }
  const envelope = await ingest(tenant, { events: [telemetryEvent()], prompt: "hello" });
  assert.equal(envelope.status, 422);
  assert.equal(envelope.body.code, "content_not_accepted");
  assert.equal((await storedEvents(tenant.tenantId)).length, 0);
});

test("unknown fields are refused with unknown_field", async () => {
  const tenant = await createTenant();
  const response = await ingest(tenant, { events: [telemetryEvent({ temperature: 0.2 })] });
  assert.equal(response.body.rejected[0].code, "unknown_field");
});

test("session ids: the allowed alphabet only, never '.', '..' or containing '..', never rewritten", async () => {
  const tenant = await createTenant();
  const bad = [
    ".",
    "..",
    "a..b",
    "../x",
    "a/b",
    "",
    "x".repeat(129),
    "ses sion",
    "s%2e%2e",
    "é",
    "a\\b",
  ];
  const response = await ingest(tenant, {
    events: bad.map((session_id) => telemetryEvent({ session_id })),
  });
  assert.equal(response.status, 422);
  for (const rejection of response.body.rejected) {
    assert.equal(rejection.code, "invalid_session_id");
  }
  const good = ["a", "A-Z_0.9:x", "x".repeat(128), ".hidden", "v1.2"];
  const ok = await ingest(tenant, {
    events: good.map((session_id) => telemetryEvent({ session_id })),
  });
  assert.equal(ok.status, 200);
  const stored = (await storedEvents(tenant.tenantId)).map((row) => row.session_id).sort();
  assert.deepEqual(stored, [...good].sort());
});

test("counters: integers from 0 to 2^53-1 only", async () => {
  const tenant = await createTenant();
  const bad = [-1, 1.5, "10", null, 2 ** 53, 1e300];
  const response = await ingest(tenant, {
    events: bad.map((input_tokens) => telemetryEvent({ input_tokens })),
  });
  assert.equal(response.status, 422);
  for (const rejection of response.body.rejected) assert.equal(rejection.code, "invalid_counter");
  const missing = telemetryEvent();
  delete missing.output_tokens;
  assert.equal(
    (await ingest(tenant, { events: [missing] })).body.rejected[0].code,
    "invalid_counter",
  );
  const optional = await ingest(tenant, { events: [telemetryEvent({ latency_ms: 0.5 })] });
  assert.equal(optional.body.rejected[0].code, "invalid_counter");
  const edge = await ingest(tenant, {
    events: [telemetryEvent({ input_tokens: 2 ** 53 - 1, output_tokens: 0, cost_micro_usd: null })],
  });
  assert.equal(edge.status, 200);
  const [row] = await storedEvents(tenant.tenantId);
  assert.equal(BigInt(row!.input_tokens), 2n ** 53n - 1n);
});

test("-0 is stored as 0 and exponent forms that are integers are accepted", async () => {
  const tenant = await createTenant();
  const event = telemetryEvent();
  const body = JSON.stringify({ events: [event] })
    .replace('"input_tokens":100', '"input_tokens":-0')
    .replace('"output_tokens":20', '"output_tokens":2e1');
  const response = await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    headers: { "Content-Type": "application/json" },
    body,
  });
  assert.equal(response.status, 200);
  const [row] = await storedEvents(tenant.tenantId);
  assert.equal(Number(row!.input_tokens), 0);
  assert.equal(Number(row!.output_tokens), 20);
});

test("occurred_at: RFC 3339, at most 5 minutes ahead, at most 90 days old", async () => {
  const tenant = await createTenant();
  const minute = 60_000;
  const cases: [unknown, string][] = [
    ["2026-02-30T00:00:00Z", "invalid_occurred_at"],
    ["yesterday", "invalid_occurred_at"],
    [1732350000, "invalid_occurred_at"],
    ["2026-11-23 10:00:00", "invalid_occurred_at"],
    [new Date(Date.now() + 6 * minute).toISOString(), "occurred_at_out_of_range"],
    [new Date(Date.now() - 91 * 24 * 60 * minute).toISOString(), "occurred_at_out_of_range"],
  ];
  const response = await ingest(tenant, {
    events: cases.map(([occurred_at]) => telemetryEvent({ occurred_at })),
  });
  assert.deepEqual(
    response.body.rejected.map((r: { code: string }) => r.code),
    cases.map(([, code]) => code),
  );
  const ok = await ingest(tenant, {
    events: [
      telemetryEvent({ occurred_at: new Date(Date.now() + 4 * minute).toISOString() }),
      telemetryEvent({ occurred_at: new Date(Date.now() - 89 * 24 * 60 * minute).toISOString() }),
      telemetryEvent({ occurred_at: "2026-11-20T12:00:00.123456+05:30" }),
    ],
  });
  assert.equal(ok.status, 200);
});

test("strings are truncated by code points, never splitting a surrogate pair", async () => {
  const tenant = await createTenant();
  const emoji = "😀"; // two UTF-16 units, one code point
  const event = telemetryEvent({
    model: "m" + emoji.repeat(300),
    provider: "p".repeat(100),
    error_type: emoji.repeat(200),
  });
  assert.equal((await ingest(tenant, { events: [event] })).status, 200);
  const [row] = await storedEvents(tenant.tenantId);
  assert.equal([...row!.model].length, 256);
  assert.equal(row!.model, "m" + emoji.repeat(255));
  assert.equal(row!.provider, "p".repeat(64));
  assert.equal(row!.error_type, emoji.repeat(128));
  assert.ok(row!.model.isWellFormed());
});

test("a NUL character or an unpaired surrogate rejects the event", async () => {
  const tenant = await createTenant();
  const body = JSON.stringify({
    events: [
      telemetryEvent({ model: "gpt\u0000" }),
      telemetryEvent({ agent_id: "agent" }),
    ],
  }).replace('"agent"', '"\\ud800agent"');
  const response = await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    headers: { "Content-Type": "application/json" },
    body,
  });
  assert.equal(response.status, 422);
  assert.deepEqual(response.body.rejected.map((r: { code: string }) => r.code), [
    "invalid_string",
    "invalid_string",
  ]);
});

test("end_user_id and agent_id are at most 128 characters; risk tags are bounded and well-formed", async () => {
  const tenant = await createTenant();
  const tags = Array.from({ length: 33 }, (_, i) => `TAG_${i}`);
  const response = await ingest(tenant, {
    events: [
      telemetryEvent({ end_user_id: "u".repeat(129) }),
      telemetryEvent({ agent_id: "a".repeat(129) }),
      telemetryEvent({ risk_tags: tags }),
      telemetryEvent({ risk_tags: ["pii_email"] }),
      telemetryEvent({ risk_tags: ["PII_EMAIL", "PII_EMAIL"] }),
      telemetryEvent({ status: "maybe" }),
      telemetryEvent({ event_id: "not-a-uuid" }),
      "not an object",
    ],
  });
  assert.deepEqual(response.body.rejected.map((r: { code: string }) => r.code), [
    "invalid_end_user_id",
    "invalid_agent_id",
    "invalid_risk_tags",
    "invalid_risk_tags",
    "invalid_risk_tags",
    "invalid_status",
    "invalid_event_id",
    "invalid_event",
  ]);
  const ok = await ingest(tenant, {
    events: [
      telemetryEvent({
        end_user_id: "u".repeat(128),
        agent_id: "a".repeat(128),
        risk_tags: tags.slice(0, 32),
      }),
    ],
  });
  assert.equal(ok.status, 200);
});

test("the envelope: 1 to 500 events, nothing else", async () => {
  const tenant = await createTenant();
  const empty = await ingest(tenant, { events: [] });
  assert.equal(empty.status, 422);
  assert.equal(empty.body.code, "invalid_request");
  const tooMany = await ingest(tenant, {
    events: Array.from({ length: 501 }, () => telemetryEvent()),
  });
  assert.equal(tooMany.status, 422);
  assert.equal(tooMany.body.code, "too_many_events");
  for (
    const body of [[], "events", { events: "x" }, { events: [telemetryEvent()], extra: 1 }, null]
  ) {
    const response = await ingest(tenant, body);
    assert.equal(response.status, 422, JSON.stringify(body));
    assert.equal(response.body.code, "invalid_request");
  }
  const full = await ingest(tenant, {
    events: Array.from({ length: 500 }, () => telemetryEvent()),
  });
  assert.equal(full.status, 200);
  assert.equal(full.body.accepted, 500);
});

test("a rejected request stores nothing and is logged with its status", async () => {
  const tenant = await createTenant();
  const response = await ingest(tenant, { events: [telemetryEvent({ content: "secret prompt" })] });
  assert.equal(response.status, 422);
  assert.equal((await storedEvents(tenant.tenantId)).length, 0);
  const [log] = await sql`
    select status_code, error_code from sealog.api_access_log
     where request_id = ${response.headers.get("X-Request-Id")}::uuid`;
  assert.deepEqual({ ...log }, { status_code: 422, error_code: "no_valid_events" });
});
