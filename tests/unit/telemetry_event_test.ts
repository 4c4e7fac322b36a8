/** The event validator, with fast-check properties over generated events. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { validateEvent, validateEvents } from "../../supabase/functions/ingest/telemetry_event.ts";
import { isContentKey } from "../../supabase/functions/_shared/content_keys.ts";
import { telemetryEvent } from "../_support/events.ts";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

const validEvent = fc.record({
  event_id: fc.uuid({ version: 4 }),
  session_id: fc.stringMatching(/^[A-Za-z0-9_:-][A-Za-z0-9._:-]{0,127}$/).filter((s) =>
    !s.includes("..")
  ),
  occurred_at: fc.integer({ min: -89 * 86_400_000, max: 4 * 60_000 }).map(at),
  model: fc.string({ minLength: 1, maxLength: 300, unit: "grapheme" }),
  input_tokens: fc.maxSafeNat(),
  output_tokens: fc.maxSafeNat(),
  risk_tags: fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,20}$/), { maxLength: 32 }),
});

Deno.test("every generated valid event is accepted, with strings within their limits", () => {
  fc.assert(fc.property(validEvent, (event) => {
    const outcome = validateEvent(event, NOW);
    assert.ok("event" in outcome, JSON.stringify(outcome));
    assert.ok([...outcome.event.model].length <= 256);
    assert.ok(outcome.event.model.isWellFormed());
  }));
});

Deno.test("any extra key rejects the event: content keys with content_not_accepted, others unknown_field", () => {
  const extraKey = fc.string({ minLength: 1, maxLength: 20 }).filter((key) =>
    ![
      "event_id",
      "session_id",
      "occurred_at",
      "model",
      "input_tokens",
      "output_tokens",
      "risk_tags",
      "provider",
      "cache_read_input_tokens",
      "cache_creation_input_tokens",
      "reasoning_tokens",
      "latency_ms",
      "cost_micro_usd",
      "status",
      "error_type",
      "end_user_id",
      "agent_id",
    ].includes(key)
  );
  fc.assert(fc.property(validEvent, extraKey, fc.jsonValue(), (event, key, value) => {
    const outcome = validateEvent({ ...event, [key]: value }, NOW);
    assert.ok("code" in outcome);
    const expected = isContentKey(key) ? "content_not_accepted" : "unknown_field";
    // A content key hidden inside the value wins too.
    if (outcome.code !== expected) assert.equal(outcome.code, "content_not_accepted");
  }));
});

Deno.test("a counter that is not a safe non-negative integer always rejects with invalid_counter", () => {
  const badNumber = fc.oneof(
    fc.double({ noInteger: true }),
    fc.integer({ max: -1 }),
    fc.constantFrom(2 ** 53, Number.MAX_VALUE, Infinity, -Infinity, NaN),
    fc.string(),
    fc.constant(null),
    fc.boolean(),
  );
  const field = fc.constantFrom(
    "input_tokens",
    "output_tokens",
    "latency_ms",
    "cost_micro_usd",
    "reasoning_tokens",
  );
  fc.assert(fc.property(validEvent, field, badNumber, (event, name, value) => {
    const optionalNull = value === null && !["input_tokens", "output_tokens"].includes(name);
    const outcome = validateEvent({ ...event, [name]: value }, NOW);
    if (optionalNull) assert.ok("event" in outcome);
    else assert.deepEqual("code" in outcome && outcome.code, "invalid_counter");
  }));
});

Deno.test("a session id outside the rules is never accepted and never rewritten", () => {
  fc.assert(fc.property(validEvent, fc.string({ maxLength: 140 }), (event, sessionId) => {
    const outcome = validateEvent({ ...event, session_id: sessionId }, NOW);
    const legal = /^[A-Za-z0-9._:-]{1,128}$/.test(sessionId) && sessionId !== "." &&
      !sessionId.includes("..");
    if (legal) assert.equal("event" in outcome && outcome.event.session_id, sessionId);
    else assert.ok("code" in outcome);
  }));
});

Deno.test("NUL and lone surrogates in any string field reject the event", () => {
  const poison = fc.constantFrom("\u0000", "\ud800", "\udfff", "a\ud83d");
  const field = fc.constantFrom("model", "provider", "error_type", "end_user_id", "agent_id");
  fc.assert(fc.property(validEvent, field, poison, (event, name, bad) => {
    const outcome = validateEvent({ ...event, [name]: `x${bad}` }, NOW);
    assert.deepEqual("code" in outcome && outcome.code, "invalid_string");
  }));
});

Deno.test("occurred_at boundaries: 5 minutes ahead and 90 days back", () => {
  const minute = 60_000;
  const day = 86_400_000;
  assert.ok("event" in validateEvent(telemetryEvent({ occurred_at: at(5 * minute) }), NOW));
  assert.equal(
    (validateEvent(telemetryEvent({ occurred_at: at(5 * minute + 1000) }), NOW) as { code: string })
      .code,
    "occurred_at_out_of_range",
  );
  assert.ok("event" in validateEvent(telemetryEvent({ occurred_at: at(-90 * day) }), NOW));
  assert.equal(
    (validateEvent(telemetryEvent({ occurred_at: at(-90 * day - 1000) }), NOW) as { code: string })
      .code,
    "occurred_at_out_of_range",
  );
});

Deno.test("validateEvents keeps batch indexes for valid events and rejections", () => {
  const { valid, rejected } = validateEvents([
    telemetryEvent({ occurred_at: at(0) }),
    42,
    telemetryEvent({ occurred_at: at(0) }),
  ], NOW);
  assert.deepEqual(valid.map((event) => event.i), [0, 2]);
  assert.deepEqual(rejected.map((r) => [r.index, r.code]), [[1, "invalid_event"]]);
});
