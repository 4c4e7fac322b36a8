/**
 * The client's delivery behaviour against a local test double of POST /ingest: batching,
 * concurrency, retries and their limits, 207 rejections, the buffer's overflow policy,
 * shutdown's deadline, and that what is sent carries no text.
 */
import assert from "node:assert/strict";
import {
  type ClientOptions,
  createClient,
  type DeliveryError,
  type RejectedEvent,
} from "../../sdk/mod.ts";
import { accept, type FakeIngest, problem, startFakeIngest } from "./fake_ingest.ts";

/** A client against `fake` with fast retries and no real waiting, unless overridden. */
function clientFor(fake: FakeIngest, options: Partial<ClientOptions> = {}) {
  const warnings: string[] = [];
  const client = createClient({
    url: fake.url,
    apiKey: "slg_live_test",
    flushIntervalMs: 10_000,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    logger: { warn: (message) => warnings.push(message) },
    ...options,
  });
  return { client, warnings };
}

const call = (i = 0) => ({
  sessionId: "session-1",
  model: "gpt-4o-mini",
  provider: "openai",
  usage: { inputTokens: 100 + i, outputTokens: 20 },
  latencyMs: 512,
});

/** Waits until `condition` holds, checking every 5 ms; fails after `limitMs`. */
async function until(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const WIRE_FIELDS = new Set([
  "event_id",
  "session_id",
  "occurred_at",
  "model",
  "provider",
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
  "reasoning_tokens",
  "latency_ms",
  "cost_micro_usd",
  "status",
  "error_type",
  "risk_tags",
  "end_user_id",
  "agent_id",
]);

Deno.test("the request carries risk tags and counts, and none of the messages' text", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake);
  const messages = [
    { role: "system", content: "You are a concierge for Globex holidays." },
    {
      role: "user",
      content: "Book Lisbon for Maria Oliveira, maria.oliveira@example.pt, +351 912 345 678, " +
        "card 4532 0151 1283 0366, passport renewal pending",
    },
    { role: "assistant", content: [{ type: "text", text: "Booked. Confirmation sent to Maria." }] },
  ];
  const result = client.record({ ...call(), messages });
  assert.equal(result.ok, true);
  await client.shutdown();
  await fake.close();

  assert.equal(fake.requests.length, 1);
  const body = fake.requests[0]!.body;
  const words = JSON.stringify(messages).match(/[A-Za-z0-9@.+]{4,}/g)!
    .filter((word) =>
      !["role", "system", "user", "assistant", "content", "type", "text"].includes(word)
    );
  // Generated values (a random event_id, the timestamp) may hold any four digits by chance.
  const sent = JSON.stringify(
    JSON.parse(body).events.map((
      { event_id: _, occurred_at: __, ...rest }: Record<string, unknown>,
    ) => rest),
  );
  for (const word of words) assert.equal(sent.includes(word), false, `"${word}" was sent`);
  const [event] = fake.requests[0]!.events;
  for (const key of Object.keys(event!)) assert.ok(WIRE_FIELDS.has(key), `unexpected field ${key}`);
  assert.deepEqual(event!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL", "PII_PHONE"]);
  assert.deepEqual(Object.keys(JSON.parse(body)), ["events"]);
  assert.equal(fake.requests[0]!.headers.get("authorization"), "Bearer slg_live_test");
  assert.equal(fake.requests[0]!.headers.get("content-type"), "application/json");
});

Deno.test("batches hold at most 500 events, and every event is sent once", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake);
  for (let i = 0; i < 1_234; i++) assert.equal(client.record(call(i)).ok, true);
  await client.flush();
  assert.deepEqual(fake.requests.map((r) => r.events.length).sort((a, b) => b - a), [
    500,
    500,
    234,
  ]);
  assert.equal(fake.stored.size, 1_234);
  assert.equal((await client.shutdown()).accepted, 1_234);
  await fake.close();
});

Deno.test("batches stay within the byte limit, measured on the serialised body", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake, { maxBatchBytes: 8_192 });
  for (let i = 0; i < 300; i++) client.record({ ...call(i), model: `model-${"é".repeat(200)}` });
  await client.flush();
  for (const request of fake.requests) {
    assert.ok(new TextEncoder().encode(request.body).length <= 8_192);
  }
  assert.ok(fake.requests.length > 1);
  assert.equal(fake.stored.size, 300);
  await client.shutdown();
  await fake.close();
});

Deno.test("a full batch leaves at once; a partial one when the flush interval passes", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake, { maxBatchEvents: 10, flushIntervalMs: 50 });
  for (let i = 0; i < 10; i++) client.record(call(i));
  await until(() => fake.stored.size === 10);
  for (let i = 0; i < 3; i++) client.record(call(i));
  // No flush() call: the interval alone sends the three.
  await until(() => fake.stored.size === 13);
  assert.deepEqual(fake.requests.map((r) => r.events.length), [10, 3]);
  await client.shutdown();
  await fake.close();
});

Deno.test("no more requests are under way than maxConcurrentRequests", async () => {
  let open = 0;
  let most = 0;
  const fake: FakeIngest = startFakeIngest(async (request) => {
    open++;
    most = Math.max(most, open);
    await new Promise((resolve) => setTimeout(resolve, 20));
    open--;
    return accept(fake, request);
  });
  const { client } = clientFor(fake, { maxBatchEvents: 50, maxConcurrentRequests: 2 });
  for (let i = 0; i < 1_000; i++) client.record(call(i));
  await client.flush();
  assert.equal(most, 2);
  assert.equal(fake.requests.length, 20);
  assert.equal(fake.stored.size, 1_000);
  await client.shutdown();
  await fake.close();
});

Deno.test("503s and 5xx are retried with the same body until stored; nothing is counted twice", async () => {
  const fake: FakeIngest = startFakeIngest((request, n) => {
    if (n === 0) return problem(503, "database_unavailable", { "Retry-After": "0" });
    if (n === 1) return problem(500, "internal_error");
    // The third attempt is stored, but its answer is lost: the fourth finds duplicates.
    if (n === 2) {
      accept(fake, request);
      return problem(502, "bad_gateway");
    }
    return accept(fake, request);
  });
  const { client } = clientFor(fake);
  for (let i = 0; i < 25; i++) client.record(call(i));
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(fake.requests.length, 4);
  assert.equal(
    new Set(fake.requests.map((r) => r.body)).size,
    1,
    "every attempt sends the same bytes",
  );
  assert.equal(fake.stored.size, 25);
  assert.equal(stats.retries, 3);
  assert.equal(stats.accepted + stats.duplicates, 25);
  assert.equal(stats.duplicates, 25);
  assert.equal(stats.failed, 0);
});

Deno.test("network errors and timeouts are retried", async () => {
  const fake = startFakeIngest();
  let calls = 0;
  const { client } = clientFor(fake, {
    requestTimeoutMs: 50,
    fetch: (input, init) => {
      calls++;
      if (calls === 1) return Promise.reject(new TypeError("connection refused"));
      // The second attempt hangs until the client's timeout aborts it.
      if (calls === 2) {
        return new Promise((_, reject) =>
          init.signal!.addEventListener(
            "abort",
            () => reject(new DOMException("aborted", "AbortError")),
          )
        );
      }
      return fetch(input, init);
    },
  });
  for (let i = 0; i < 5; i++) client.record(call(i));
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(calls, 3);
  assert.equal(stats.retries, 2);
  assert.equal(fake.stored.size, 5);
});

Deno.test("429 is retried no sooner than its Retry-After", async () => {
  const times: number[] = [];
  const fake: FakeIngest = startFakeIngest((request, n) => {
    times.push(performance.now());
    if (n === 0) return problem(429, "rate_limited", { "Retry-After": "1" });
    return accept(fake, request);
  });
  const { client } = clientFor(fake, { random: () => 0, maxBatchEvents: 5 });
  for (let i = 0; i < 5; i++) client.record(call(i));
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(stats.rateLimited, 1);
  assert.equal(stats.retries, 1);
  assert.equal(fake.stored.size, 5);
  // Timers may fire a few milliseconds early; the wait was a second, not the jitter's 0.
  assert.ok(times[1]! - times[0]! >= 950, `retried after ${times[1]! - times[0]!} ms`);
});

Deno.test("other 4xx are never retried and are reported to onError", async () => {
  for (
    const [status, code] of [
      [400, "malformed_json"],
      [401, "unauthorized"],
      [403, "insufficient_scope"],
      [413, "payload_too_large"],
      [415, "unsupported_media_type"],
      [422, "content_not_accepted"],
    ] as const
  ) {
    const fake = startFakeIngest(() => problem(status, code));
    const errors: DeliveryError[] = [];
    const { client } = clientFor(fake, { onError: (error) => errors.push(error) });
    for (let i = 0; i < 3; i++) client.record(call(i));
    await client.flush();
    const stats = await client.shutdown();
    await fake.close();
    assert.equal(fake.requests.length, 1, `${status} was retried`);
    assert.equal(stats.failed, 3);
    assert.equal(stats.retries, 0);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.status, status);
    assert.equal(errors[0]!.code, code);
    assert.equal(errors[0]!.reason, "not_retryable");
    assert.equal(errors[0]!.eventIds.length, 3);
  }
});

Deno.test("events rejected in a 207 go to onRejected and are not retried", async () => {
  const fake: FakeIngest = startFakeIngest((request) => {
    const [, second] = request.events;
    return Response.json({
      accepted: request.events.length - 1,
      duplicates: 0,
      rejected: [{
        index: 1,
        event_id: second!.event_id,
        code: "occurred_at_out_of_range",
        message: "too old",
      }],
    }, { status: 207 });
  });
  const rejected: RejectedEvent[] = [];
  const { client } = clientFor(fake, { onRejected: (events) => rejected.push(...events) });
  const ids = Array.from({ length: 4 }, (_, i) => client.record(call(i))).map((r) =>
    r.ok ? r.eventId : ""
  );
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(fake.requests.length, 1);
  assert.deepEqual(rejected, [{
    index: 1,
    eventId: ids[1],
    code: "occurred_at_out_of_range",
    message: "too old",
  }]);
  assert.equal(stats.accepted, 3);
  assert.equal(stats.rejected, 1);
  assert.equal(stats.retries, 0);
});

Deno.test("a 422 with no valid event reports each one to onRejected, without retry", async () => {
  const fake = startFakeIngest((request) =>
    new Response(
      JSON.stringify({
        code: "no_valid_events",
        status: 422,
        rejected: request.events.map((event, index) => ({
          index,
          event_id: event.event_id,
          code: "invalid_session_id",
          message: "bad",
        })),
      }),
      { status: 422, headers: { "Content-Type": "application/problem+json" } },
    )
  );
  const rejected: RejectedEvent[] = [];
  const { client } = clientFor(fake, { onRejected: (events) => rejected.push(...events) });
  for (let i = 0; i < 3; i++) client.record(call(i));
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(fake.requests.length, 1);
  assert.deepEqual(rejected.map((r) => r.index), [0, 1, 2]);
  assert.equal(stats.rejected, 3);
});

Deno.test("retries stop after maxAttempts, and the batch is reported as failed", async () => {
  const fake = startFakeIngest(() => problem(500, "internal_error"));
  const errors: DeliveryError[] = [];
  const { client } = clientFor(fake, {
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    onError: (error) => errors.push(error),
  });
  client.record(call());
  await client.flush();
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(fake.requests.length, 3);
  assert.equal(stats.failed, 1);
  assert.equal(errors[0]!.reason, "retries_exhausted");
});

Deno.test("overflow drop-newest: a full buffer refuses new events and counts them", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake, { maxBufferedEvents: 5 });
  const results = Array.from({ length: 8 }, (_, i) => client.record(call(i)));
  assert.deepEqual(results.map((r) => r.ok), [true, true, true, true, true, false, false, false]);
  assert.deepEqual(results.slice(5).map((r) => !r.ok && r.reason), [
    "buffer_full",
    "buffer_full",
    "buffer_full",
  ]);
  assert.equal(client.stats().dropped, 3);
  await client.flush();
  const kept = results.slice(0, 5).map((r) => r.ok && r.eventId);
  assert.deepEqual(fake.requests[0]!.events.map((e) => e.event_id), kept);
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(stats.recorded, 8);
  assert.equal(stats.accepted, 5);
});

Deno.test("overflow drop-oldest: the oldest waiting events make room for new ones", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake, { maxBufferedEvents: 5, overflow: "drop-oldest" });
  const results = Array.from({ length: 8 }, (_, i) => client.record(call(i)));
  assert.ok(results.every((r) => r.ok));
  await client.flush();
  const newest = results.slice(3).map((r) => r.ok && r.eventId);
  assert.deepEqual(fake.requests[0]!.events.map((e) => e.event_id), newest);
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(stats.dropped, 3);
  assert.equal(stats.accepted, 5);
});

Deno.test("shutdown flushes what is buffered, then refuses new events", async () => {
  const fake = startFakeIngest();
  const { client, warnings } = clientFor(fake);
  for (let i = 0; i < 7; i++) client.record(call(i));
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(stats.accepted, 7);
  assert.equal(stats.unsent, 0);
  assert.deepEqual(warnings, []);
  assert.deepEqual(client.record(call()), {
    ok: false,
    reason: "closed",
    message: "the client is shut down",
  });
});

Deno.test("shutdown's deadline abandons what the server never answers, and warns", async () => {
  const fake: FakeIngest = startFakeIngest(() => fake.closing);
  const { client, warnings } = clientFor(fake, { maxBatchEvents: 5, maxConcurrentRequests: 1 });
  for (let i = 0; i < 12; i++) client.record(call(i));
  await until(() => fake.requests.length === 1);
  const stats = await client.shutdown({ timeoutMs: 100 });
  assert.equal(stats.unsent, 12);
  assert.equal(stats.buffered + stats.inFlight, 0);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /12 event\(s\) unsent/);
  await fake.close();
});

Deno.test("invalid calls are refused by record(), counted, and never sent", async () => {
  const fake = startFakeIngest();
  const { client } = clientFor(fake);
  const result = client.record({ ...call(), sessionId: "../etc" });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, "invalid");
  const stats = await client.shutdown();
  await fake.close();
  assert.equal(stats.invalid, 1);
  assert.equal(stats.recorded, 0);
  assert.equal(fake.requests.length, 0);
});

Deno.test("the exit warning hook is registered per client and removed by shutdown", async () => {
  const process = (globalThis as { process?: { listenerCount(event: string): number } }).process;
  if (!process) return;
  const fake = startFakeIngest();
  const before = process.listenerCount("exit");
  const { client } = clientFor(fake);
  assert.equal(process.listenerCount("exit"), before + 1);
  await client.shutdown();
  assert.equal(process.listenerCount("exit"), before);
  await fake.close();
});
