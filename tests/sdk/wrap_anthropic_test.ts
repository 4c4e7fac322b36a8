/**
 * wrapAnthropic with the real `@anthropic-ai/sdk` package against a local fake of the
 * Messages API: plain and streamed messages, tool use, cache usage, errors, retries and
 * abort. The caller gets exactly what the unwrapped client returns; each call is one event.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { wrapAnthropic, type WrapOptions } from "../../sdk/mod.ts";
import { json, type Script, sse, startFakeProvider } from "./wrap_fake_provider.ts";
import { ANSWER_EMAIL, fieldsOf, startSealog } from "./wrap_support.ts";

const MESSAGES = [{ role: "user" as const, content: "Charge card 4532 0151 1283 0366 please." }];

const MESSAGE = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-fake-1-20260101",
  stop_reason: "tool_use",
  stop_sequence: null,
  content: [
    { type: "text", text: "Sending the ticket." },
    { type: "tool_use", id: "toolu_1", name: "send_ticket", input: { to: ANSWER_EMAIL } },
  ],
  usage: {
    input_tokens: 12,
    output_tokens: 40,
    cache_read_input_tokens: 100,
    cache_creation_input_tokens: 8,
  },
};

const EVENTS = [
  {
    type: "message_start",
    message: {
      ...MESSAGE,
      content: [],
      stop_reason: null,
      usage: { ...MESSAGE.usage, output_tokens: 1 },
    },
  },
  { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Mail ana.lima@" } },
  { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "mailbox.org" } },
  { type: "content_block_stop", index: 0 },
  {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 25 },
  },
  { type: "message_stop" },
];

function setup(script: Script, options: WrapOptions = {}, maxRetries = 0) {
  const provider = startFakeProvider(script);
  const sealog = startSealog();
  const client = () =>
    new Anthropic({
      apiKey: "sk-ant-test",
      baseURL: provider.url.replace(/\/v1$/, ""),
      maxRetries,
    });
  const plain = client();
  const wrapped = wrapAnthropic(client(), sealog.client, { sessionId: "trip-2", ...options });
  return {
    provider,
    sealog,
    plain,
    wrapped,
    async close() {
      await sealog.close();
      await provider.close();
    },
  };
}

const REQUEST = {
  model: "claude-fake-1",
  max_tokens: 256,
  system: "You book trips.",
  messages: MESSAGES,
};

Deno.test("wrapAnthropic: a message with tool use is returned unchanged and recorded", async () => {
  const t = setup(() => json(MESSAGE), {
    prices: {
      "claude-fake-1": {
        inputUsdPerMTok: 3,
        outputUsdPerMTok: 15,
        cacheReadUsdPerMTok: 0.3,
        cacheWriteUsdPerMTok: 3.75,
      },
    },
  });
  try {
    const expected = await t.plain.messages.create(REQUEST);
    const got = await t.wrapped.messages.create(REQUEST);
    assert.deepEqual(got, expected);
    assert.equal(t.provider.requests[1]!.path, "/v1/messages");
    assert.deepEqual(
      t.provider.requests[1]!.body,
      t.provider.requests[0]!.body,
      "the request is unchanged",
    );
    const [event, ...more] = await t.sealog.events();
    assert.equal(more.length, 0);
    const expectedEvent = {
      session_id: "trip-2",
      provider: "anthropic",
      model: "claude-fake-1",
      status: "ok",
      // gen_ai.usage.input_tokens counts cached input too: 12 + 100 + 8.
      input_tokens: 120,
      output_tokens: 40,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 8,
      // 12 × 3 + 100 × 0.3 + 8 × 3.75 + 40 × 15 = 696 micro-dollars.
      cost_micro_usd: 696,
    };
    assert.deepEqual(fieldsOf(event, expectedEvent), expectedEvent);
    assert.deepEqual(event!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL"]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapAnthropic: a streamed message yields the same events, with usage from them", async () => {
  const t = setup(() => sse(EVENTS, "named"));
  try {
    const plain = await t.plain.messages.create({ ...REQUEST, stream: true });
    const expected = [];
    for await (const event of plain) expected.push(event);
    const stream = await t.wrapped.messages.create({ ...REQUEST, stream: true });
    assert.equal(Object.getPrototypeOf(stream), Object.getPrototypeOf(plain), "the SDK's Stream");
    const got = [];
    for await (const event of stream) got.push(event);
    assert.deepEqual(got, expected);
    const [event] = await t.sealog.events();
    assert.equal(event!.status, "ok");
    assert.equal(event!.input_tokens, 120);
    assert.equal(event!.output_tokens, 25, "message_delta's cumulative count wins");
    assert.deepEqual(event!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL"]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapAnthropic: the SDK's stream() helper still works on the wrapped client (it is not recorded)", async () => {
  const t = setup(() => sse(EVENTS, "named"));
  try {
    const final = await t.wrapped.messages.stream(REQUEST).finalMessage();
    assert.equal(final.usage.output_tokens, 25);
    // stream() calls the client's own create(), not the view's: documented in sdk/README.md.
    assert.equal((await t.sealog.events()).length, 0);
  } finally {
    await t.close();
  }
});

Deno.test("wrapAnthropic: errors, retries and abort reach the caller unchanged and are recorded", async () => {
  const t = setup(
    (request, n) => {
      if (request.body.max_tokens === 1) {
        return json({
          type: "error",
          error: { type: "rate_limit_error", message: "slow down 4532 0151 1283 0366" },
        }, 429);
      }
      if (request.body.max_tokens === 2) {
        return n % 2 === 1
          ? json({ type: "error", error: { type: "overloaded_error", message: "busy" } }, 529)
          : json(MESSAGE);
      }
      return new Promise<Response>((resolve) =>
        request.signal.addEventListener("abort", () => resolve(json(MESSAGE)))
      );
    },
    {},
  );
  const retrying = wrapAnthropic(
    new Anthropic({ apiKey: "k", baseURL: t.provider.url.replace(/\/v1$/, ""), maxRetries: 1 }),
    t.sealog.client,
    { sessionId: "trip-2" },
  );
  try {
    const error = await t.wrapped.messages.create({ ...REQUEST, max_tokens: 1 }).then(
      () => assert.fail("must throw"),
      (e) => e,
    );
    assert.ok(error instanceof Anthropic.RateLimitError);
    const ok = await retrying.messages.create({ ...REQUEST, max_tokens: 2 });
    assert.equal(ok.id, "msg_1");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      t.wrapped.messages.create(REQUEST, { signal: controller.signal }),
      Anthropic.APIUserAbortError,
    );
    const events = await t.sealog.events();
    assert.deepEqual(events.map((e) => [e.status, e.error_type ?? null, e.input_tokens]), [
      ["error", "rate_limit_error", 0],
      ["ok", null, 120],
      ["error", "aborted", 0],
    ]);
    assert.equal(t.provider.requests.length, 4, "the retried call was two requests, one event");
    assert.ok(!JSON.stringify(events).includes("slow down"));
  } finally {
    await t.close();
  }
});
