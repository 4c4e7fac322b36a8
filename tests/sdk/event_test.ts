import assert from "node:assert/strict";
import { InvalidEventError, toWireEvent } from "../../sdk/src/client/event.ts";

const NOW = new Date("2026-05-01T12:00:00.000Z");

Deno.test("event: camelCase call to the ingest schema's snake_case fields, absent ones left out", () => {
  const event = toWireEvent(
    {
      sessionId: "run-42",
      model: "gpt-4o-mini",
      provider: "openai",
      usage: {
        inputTokens: 120,
        outputTokens: 30,
        cacheReadInputTokens: 100,
        cacheCreationInputTokens: 0,
        reasoningTokens: 12,
      },
      latencyMs: 812.6,
      costMicroUsd: 41.2,
      status: "error",
      errorType: "rate_limit",
      endUserId: "user_8f3a",
      agentId: "support-bot",
      occurredAt: "2026-05-01T11:59:00Z",
      riskTags: ["ACME_INTERNAL"],
    },
    ["PII_EMAIL"],
    NOW,
  );
  assert.equal(typeof event.event_id, "string");
  const { event_id: _id, ...rest } = event;
  assert.deepEqual(rest, {
    session_id: "run-42",
    occurred_at: "2026-05-01T11:59:00.000Z",
    model: "gpt-4o-mini",
    provider: "openai",
    input_tokens: 120,
    output_tokens: 30,
    cache_read_input_tokens: 100,
    cache_creation_input_tokens: 0,
    reasoning_tokens: 12,
    latency_ms: 813,
    cost_micro_usd: 41,
    status: "error",
    error_type: "rate_limit",
    risk_tags: ["ACME_INTERNAL", "PII_EMAIL"],
    end_user_id: "user_8f3a",
    agent_id: "support-bot",
  });
  const minimal = toWireEvent({ sessionId: "s", model: "m" }, [], NOW);
  assert.deepEqual(Object.keys(minimal).sort(), [
    "event_id",
    "input_tokens",
    "model",
    "occurred_at",
    "output_tokens",
    "session_id",
  ]);
  assert.equal(minimal.occurred_at, NOW.toISOString());
});

Deno.test("event: each event gets its own UUID once; a caller's UUID is kept", () => {
  const ids = new Set(
    Array.from(
      { length: 1_000 },
      () => toWireEvent({ sessionId: "s", model: "m" }, [], NOW).event_id,
    ),
  );
  assert.equal(ids.size, 1_000);
  for (const id of ids) {
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  const mine = "0f8fad5b-d9cb-469f-a165-70867728950e";
  assert.equal(toWireEvent({ sessionId: "s", model: "m", eventId: mine }, [], NOW).event_id, mine);
});

Deno.test("event: model, provider and error type are truncated by code points, never mid-pair", () => {
  const event = toWireEvent(
    {
      sessionId: "s",
      model: "😀".repeat(300),
      provider: "p".repeat(70),
      errorType: "e".repeat(200),
    },
    [],
    NOW,
  );
  assert.equal(Array.from(event.model).length, 256);
  assert.equal(event.model.isWellFormed(), true);
  assert.equal(event.provider?.length, 64);
  assert.equal(event.error_type?.length, 128);
});

Deno.test("event: what the server would reject is refused at record time", () => {
  const base = { sessionId: "s", model: "m" };
  for (
    const [name, call] of [
      ["session id with ..", { ...base, sessionId: "a..b" }],
      ["session id .", { ...base, sessionId: "." }],
      ["session id with /", { ...base, sessionId: "a/b" }],
      ["session id too long", { ...base, sessionId: "a".repeat(129) }],
      ["no model", { sessionId: "s" }],
      ["fractional tokens", { ...base, usage: { inputTokens: 1.5 } }],
      ["negative tokens", { ...base, usage: { outputTokens: -1 } }],
      ["unsafe integer", { ...base, usage: { inputTokens: 2 ** 53 } }],
      ["string tokens", { ...base, usage: { inputTokens: "5" } }],
      ["NaN latency", { ...base, latencyMs: NaN }],
      ["bad status", { ...base, status: "failed" }],
      ["end user id too long", { ...base, endUserId: "u".repeat(129) }],
      ["NUL in agent id", { ...base, agentId: "a\u0000b" }],
      ["lone surrogate in model", { ...base, model: "m\ud800" }],
      ["lowercase risk tag", { ...base, riskTags: ["pii"] }],
      ["33 risk tags", { ...base, riskTags: Array.from({ length: 33 }, (_, i) => `TAG_${i}`) }],
      ["bad event id", { ...base, eventId: "42" }],
      ["bad date", { ...base, occurredAt: "yesterday" }],
    ] as const
  ) {
    assert.throws(() => toWireEvent(call as never, [], NOW), InvalidEventError, name);
  }
});
