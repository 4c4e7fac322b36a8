/**
 * The SDK's wire event against the server's validator (ingest/telemetry_event.ts), with
 * fast-check over hostile calls: every event the SDK builds is accepted by the server, so
 * every event the server would reject is refused by the SDK at record() time
 * (InvalidEventError), never sent and lost. And the SDK refuses only what the server would:
 * a call passed through unchanged is refused exactly when the server rejects its event.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { z } from "zod";
import {
  InvalidEventError,
  type LlmCall,
  toWireEvent,
  type WireEvent,
} from "../../sdk/src/client/event.ts";
import { TelemetryEvent, validateEvent } from "../../supabase/functions/ingest/telemetry_event.ts";

const NOW = new Date("2026-05-01T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: "binary", maxLength }),
    fc.string({ unit: "grapheme", maxLength: Math.ceil(maxLength / 2) }),
    fc.constantFrom(
      "",
      "a\u0000b",
      "\ud800",
      "x\udc00y",
      "é".repeat(maxLength + 1),
    ),
  );

const number = fc.oneof(
  fc.nat(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    -0,
    0.5,
    2 ** 53 - 1,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
);

const tag = fc.oneof(
  fc.stringMatching(/^[A-Z][A-Z0-9_]{1,63}$/),
  fc.string({ maxLength: 70 }),
);

const occurredAt = fc.oneof(
  fc.date({
    min: new Date(NOW.getTime() - 100 * DAY),
    max: new Date(NOW.getTime() + DAY),
  }),
  fc.integer({ min: NOW.getTime() - 100 * DAY, max: NOW.getTime() + DAY }),
  fc.constantFrom(
    "2026-05-01T11:59:00Z",
    "2026-04-31T00:00:00Z",
    "yesterday",
    "1999-01-01",
  ),
  fc.string({ maxLength: 30 }),
);

const call = fc.record({
  sessionId: fc.oneof(
    fc.stringMatching(/^[A-Za-z0-9._:-]{1,130}$/),
    fc.constantFrom(".", "..", "a..b", "", "a/b"),
  ),
  model: text(300),
  provider: fc.option(text(80), { nil: undefined }),
  usage: fc.option(
    fc.record({
      inputTokens: fc.option(number, { nil: undefined }),
      outputTokens: fc.option(number, { nil: undefined }),
      cacheReadInputTokens: fc.option(number, { nil: undefined }),
      cacheCreationInputTokens: fc.option(number, { nil: undefined }),
      reasoningTokens: fc.option(number, { nil: undefined }),
    }, { requiredKeys: [] }),
    { nil: undefined },
  ),
  latencyMs: fc.option(number, { nil: undefined }),
  costMicroUsd: fc.option(number, { nil: undefined }),
  status: fc.option(fc.constantFrom("ok", "error", "OK", "failed"), {
    nil: undefined,
  }),
  errorType: fc.option(text(140), { nil: undefined }),
  endUserId: fc.option(text(140), { nil: undefined }),
  agentId: fc.option(text(140), { nil: undefined }),
  occurredAt: fc.option(occurredAt, { nil: undefined }),
  riskTags: fc.option(fc.array(tag, { maxLength: 40 }), { nil: undefined }),
  eventId: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })), {
    nil: undefined,
  }),
}, { requiredKeys: ["sessionId", "model"] }) as fc.Arbitrary<LlmCall>;

const scanned = fc.array(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,63}$/), {
  maxLength: 8,
});

/** The SDK's event for `c`, or the InvalidEventError it refused it with. */
function sdkEvent(c: LlmCall, tags: string[]) {
  try {
    return { event: toWireEvent(c, tags, NOW) };
  } catch (error) {
    assert.ok(
      error instanceof InvalidEventError,
      `not an InvalidEventError: ${error}`,
    );
    return { refused: error.message };
  }
}

Deno.test("every event the SDK builds is accepted by the server's validator", () => {
  fc.assert(
    fc.property(call, scanned, (c, tags) => {
      const built = sdkEvent(c, tags);
      if ("refused" in built) return;
      const outcome = validateEvent(built.event, NOW.getTime());
      assert.ok(
        "event" in outcome,
        `SDK sent, server rejects: ${JSON.stringify(outcome)}`,
      );
    }),
    { numRuns: 3000 },
  );
});

Deno.test("a call sent unchanged is refused by the SDK exactly when the server rejects it", () => {
  const calls = fc.record({
    base: call,
    eventId: fc.oneof(fc.uuid(), fc.string({ maxLength: 40 })).map((id) => id.toLowerCase()),
    occurredAt: fc.date({
      min: new Date(NOW.getTime() - 100 * DAY),
      max: new Date(NOW.getTime() + DAY),
      noInvalidDate: true,
    }).map((date) => date.toISOString()),
  }).map(({ base, eventId, occurredAt }) => ({ ...base, eventId, occurredAt }))
    .filter((c) => verbatimFields(c));
  fc.assert(
    fc.property(calls, (c) => {
      const built = sdkEvent(c, []);
      const raw = rawEvent(c);
      const outcome = validateEvent(raw, NOW.getTime());
      assert.equal(
        "refused" in built,
        !("event" in outcome),
        `SDK ${"refused" in built ? `refused (${built.refused})` : "sent"}, server ${
          JSON.stringify(outcome)
        }`,
      );
    }),
    { numRuns: 3000 },
  );
});

/** Integers only: the SDK rounds latency and cost, which the server would refuse. */
function verbatimFields(c: LlmCall): boolean {
  return [c.latencyMs, c.costMicroUsd].every((value) =>
    value === undefined ||
    (typeof value === "number" && Number.isInteger(value))
  );
}

/** The call's fields under the wire names, unconverted (what a hand-written client sends). */
function rawEvent(c: LlmCall): Record<string, unknown> {
  const usage = c.usage ?? {};
  const event: Record<string, unknown> = {
    event_id: c.eventId,
    session_id: c.sessionId,
    occurred_at: c.occurredAt,
    model: c.model,
    provider: c.provider,
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    cache_read_input_tokens: usage.cacheReadInputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    reasoning_tokens: usage.reasoningTokens,
    latency_ms: c.latencyMs,
    cost_micro_usd: c.costMicroUsd,
    status: c.status,
    error_type: c.errorType,
    risk_tags: c.riskTags === undefined ? undefined : [...new Set(c.riskTags)].sort(),
    end_user_id: c.endUserId,
    agent_id: c.agentId,
  };
  for (const key of Object.keys(event)) {
    if (event[key] === undefined) delete event[key];
  }
  return event;
}

// The SDK's WireEvent has exactly the server schema's fields (checked by deno check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameFields: Same<keyof WireEvent, keyof z.input<typeof TelemetryEvent>> = true;
void sameFields;
