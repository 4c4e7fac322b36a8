/**
 * wrapOpenAI with the real `openai` package against a local fake of the OpenAI API: chat
 * completions and responses, streaming and not, tool calls, errors, retries and abort. The
 * caller gets exactly what the unwrapped client returns; each call is one event, scanned.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { wrapOpenAI } from "../../sdk/mod.ts";
import { json, type Script, sse, startFakeProvider } from "./wrap_fake_provider.ts";
import { ANSWER_EMAIL, fieldsOf, PROMPT, startSealog } from "./wrap_support.ts";

const COMPLETION = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{
    index: 0,
    finish_reason: "tool_calls",
    message: {
      role: "assistant",
      content: null,
      tool_calls: [{
        id: "call_1",
        type: "function",
        function: {
          name: "send_ticket",
          arguments: JSON.stringify({ to: ANSWER_EMAIL }),
        },
      }],
    },
  }],
  usage: {
    prompt_tokens: 120,
    completion_tokens: 30,
    total_tokens: 150,
    prompt_tokens_details: { cached_tokens: 100 },
    completion_tokens_details: { reasoning_tokens: 10 },
  },
};

const CHUNKS = [
  {
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: { role: "assistant", content: "Mail " } }],
  },
  {
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta: { content: "ana.lima@" } }],
  },
  {
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{
      index: 0,
      delta: { content: "mailbox.org" },
      finish_reason: "stop",
    }],
  },
];
const USAGE_CHUNK = {
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "gpt-4o-mini",
  choices: [],
  usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 },
};

/** A wrapped and an unwrapped client of one fake provider, and Sealog's events. */
function setup(
  script: Script,
  options: Parameters<typeof wrapOpenAI>[2] = {},
  maxRetries = 0,
) {
  const provider = startFakeProvider(script);
  const sealog = startSealog();
  const plain = new OpenAI({
    apiKey: "sk-test",
    baseURL: provider.url,
    maxRetries,
  });
  const wrapped = wrapOpenAI(
    new OpenAI({ apiKey: "sk-test", baseURL: provider.url, maxRetries }),
    sealog.client,
    { sessionId: "trip-1", ...options },
  );
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

Deno.test("wrapOpenAI: a chat completion with a tool call is returned unchanged and recorded", async () => {
  const t = setup(() => json(COMPLETION));
  try {
    const expected = await t.plain.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
    });
    const got = await t.wrapped.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
      tools: [{
        type: "function",
        function: { name: "send_ticket", parameters: {} },
      }],
    });
    assert.deepEqual(got, expected);
    assert.equal(got._request_id, "req_fake");
    // The request reached the provider as written.
    assert.deepEqual(Object.keys(t.provider.requests[1]!.body).sort(), [
      "messages",
      "model",
      "tools",
    ]);
    const [event, ...more] = await t.sealog.events();
    assert.equal(more.length, 0);
    const expectedEvent = {
      session_id: "trip-1",
      model: "gpt-4o-mini",
      provider: "openai",
      status: "ok",
      input_tokens: 120,
      output_tokens: 30,
      cache_read_input_tokens: 100,
      reasoning_tokens: 10,
    };
    assert.deepEqual(fieldsOf(event, expectedEvent), expectedEvent);
    assert.equal(typeof event!.latency_ms, "number");
    // The card number from the prompt, the email from the tool call's arguments.
    assert.deepEqual(event!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL"]);
    assert.equal(event!.cost_micro_usd, undefined, "no price table, no cost");
    assert.ok(!JSON.stringify(event).includes("mailbox"));
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: withResponse() and asResponse() work through the wrapper", async () => {
  const t = setup(() => json(COMPLETION));
  try {
    const { data, response, request_id } = await t.wrapped.chat.completions
      .create({ model: "gpt-4o-mini", messages: PROMPT as never })
      .withResponse();
    assert.equal(data.id, "chatcmpl-1");
    assert.equal(response.status, 200);
    assert.equal(request_id, "req_fake");
    // A caller reading the raw body keeps it: the wrapper does not read it first.
    const raw = await t.wrapped.chat.completions
      .create({ model: "gpt-4o-mini", messages: PROMPT as never })
      .asResponse();
    assert.equal((await raw.json()).id, "chatcmpl-1");
    const events = await t.sealog.events();
    assert.equal(
      events.length,
      1,
      "the parsed call is recorded; the raw one has no usage to read",
    );
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: a streamed chat completion yields the same chunks; usage only when opted in", async () => {
  for (const includeStreamUsage of [false, true]) {
    const t = setup(
      (request) =>
        sse(
          request.body.stream_options ? [...CHUNKS, USAGE_CHUNK] : CHUNKS,
          "data",
        ),
      { includeStreamUsage },
    );
    try {
      const stream = await t.wrapped.chat.completions.create({
        model: "gpt-4o-mini",
        messages: PROMPT as never,
        stream: true,
      });
      // The unwrapped client, sent what the wrapper sends.
      const plain = await t.plain.chat.completions.create({
        model: "gpt-4o-mini",
        messages: PROMPT as never,
        stream: true,
        ...(includeStreamUsage ? { stream_options: { include_usage: true } } : {}),
      });
      assert.equal(
        Object.getPrototypeOf(stream),
        Object.getPrototypeOf(plain),
        "the SDK's Stream",
      );
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const expected = [];
      for await (const chunk of plain) expected.push(chunk);
      assert.deepEqual(chunks, expected);
      assert.equal(chunks.length, includeStreamUsage ? 4 : 3);
      const sent = t.provider.requests[0]!.body;
      assert.deepEqual(
        sent.stream_options,
        includeStreamUsage ? { include_usage: true } : undefined,
        "the request changes only when opted in",
      );
      const [event] = await t.sealog.events();
      assert.equal(event!.status, "ok");
      assert.equal(event!.input_tokens, includeStreamUsage ? 40 : 0);
      assert.equal(event!.output_tokens, includeStreamUsage ? 3 : 0);
      // The email arrives split across chunks; it is scanned joined.
      assert.deepEqual(event!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL"]);
    } finally {
      await t.close();
    }
  }
});

Deno.test("wrapOpenAI: tee() and toReadableStream() pass through the observer once", async () => {
  const t = setup(() => sse([...CHUNKS, USAGE_CHUNK], "data"));
  try {
    const request = {
      model: "gpt-4o-mini",
      messages: PROMPT as never,
      stream: true as const,
      stream_options: { include_usage: true },
    };
    const stream = await t.wrapped.chat.completions.create(request);
    const [left, right] = stream.tee();
    const a = [];
    for await (const chunk of left) a.push(chunk);
    const b = [];
    for await (const chunk of right) b.push(chunk);
    assert.deepEqual(a, b);
    assert.equal(a.length, 4);

    const readable = (await t.wrapped.chat.completions.create(request)).toReadableStream();
    const text = await new Response(readable).text();
    assert.equal(text.trim().split("\n").length, 4, "one JSON line per chunk");

    const events = await t.sealog.events();
    assert.equal(events.length, 2);
    assert.deepEqual(events.map((e) => e.input_tokens), [40, 40]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: responses.create, plain and streamed, with usage and a failed response", async () => {
  const response = (status: string) => ({
    id: "resp_1",
    object: "response",
    created_at: 1,
    model: "gpt-4.1-2025-04-14",
    status,
    error: status === "failed" ? { code: "server_error", message: "boom" } : null,
    output: [{
      type: "message",
      id: "msg_1",
      role: "assistant",
      status: "completed",
      content: [{
        type: "output_text",
        text: `Write to ${ANSWER_EMAIL}`,
        annotations: [],
      }],
    }],
    usage: {
      input_tokens: 50,
      output_tokens: 7,
      total_tokens: 57,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens_details: { reasoning_tokens: 2 },
    },
  });
  const t = setup((request, n) =>
    request.body.stream
      ? sse([
        {
          type: "response.created",
          sequence_number: 0,
          response: { ...response("in_progress"), usage: null },
        },
        {
          type: "response.output_text.delta",
          sequence_number: 1,
          delta: "Write to",
          item_id: "msg_1",
          output_index: 0,
          content_index: 0,
        },
        {
          type: "response.completed",
          sequence_number: 2,
          response: response("completed"),
        },
      ], "named")
      : json(response(n === 0 ? "completed" : "failed"))
  );
  try {
    const plain = await t.wrapped.responses.create({
      model: "gpt-4.1",
      input: PROMPT[1]!.content,
    });
    assert.equal(
      plain.output_text,
      `Write to ${ANSWER_EMAIL}`,
      "the SDK's own helpers still run",
    );
    await t.wrapped.responses.create({
      model: "gpt-4.1",
      input: "hello",
      instructions: "be brief",
    });
    const stream = await t.wrapped.responses.create({
      model: "gpt-4.1",
      input: "hi",
      stream: true,
    });
    const types = [];
    for await (const event of stream) types.push(event.type);
    assert.deepEqual(types, [
      "response.created",
      "response.output_text.delta",
      "response.completed",
    ]);
    const [ok, failed, streamed] = await t.sealog.events();
    assert.deepEqual(
      [
        ok!.model,
        ok!.input_tokens,
        ok!.output_tokens,
        ok!.cache_read_input_tokens,
        ok!.reasoning_tokens,
      ],
      ["gpt-4.1", 50, 7, 20, 2],
    );
    assert.deepEqual(ok!.risk_tags, ["PII_CREDIT_CARD", "PII_EMAIL"]);
    assert.equal(failed!.status, "error");
    assert.equal(failed!.error_type, "server_error");
    assert.equal(streamed!.status, "ok");
    assert.equal(streamed!.input_tokens, 50);
    assert.deepEqual(streamed!.risk_tags, ["PII_EMAIL"]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: a provider error reaches the caller unchanged and is recorded as error_type", async () => {
  const t = setup(() =>
    json({
      error: {
        message: "bad card 4532 0151 1283 0366",
        type: "invalid_request_error",
        code: null,
      },
    }, 400)
  );
  try {
    const error = await t.wrapped.chat.completions
      .create({ model: "gpt-4o-mini", messages: PROMPT as never })
      .then(() => assert.fail("must throw"), (e) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.status, 400);
    const [event] = await t.sealog.events();
    assert.equal(event!.status, "error");
    assert.equal(event!.error_type, "invalid_request_error");
    assert.equal(event!.input_tokens, 0);
    assert.ok(
      !JSON.stringify(event).includes("bad card"),
      "never the error's message",
    );
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: the SDK's retries make one call, recorded once", async () => {
  const t = setup(
    (_, n) =>
      n < 2 ? json({ error: { message: "busy", type: "server_error" } }, 500) : json(COMPLETION),
    {},
    2,
  );
  try {
    const got = await t.wrapped.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
    });
    assert.equal(got.id, "chatcmpl-1");
    assert.equal(t.provider.requests.length, 3);
    const events = await t.sealog.events();
    assert.equal(events.length, 1);
    assert.equal(events[0]!.status, "ok");
    assert.equal(events[0]!.input_tokens, 120);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: an aborted request and an aborted stream reach the caller and are recorded", async () => {
  const t = setup((request) =>
    request.body.stream
      ? sse(CHUNKS.slice(0, 1), "data", request.signal)
      : new Promise<Response>((resolve) =>
        request.signal.addEventListener("abort", () => resolve(json(COMPLETION)))
      )
  );
  try {
    const before = new AbortController();
    const pending = t.wrapped.chat.completions.create(
      { model: "gpt-4o-mini", messages: PROMPT as never },
      { signal: before.signal },
    );
    setTimeout(() => before.abort(), 50);
    await assert.rejects(pending, OpenAI.APIUserAbortError);

    const during = new AbortController();
    const stream = await t.wrapped.chat.completions.create(
      { model: "gpt-4o-mini", messages: PROMPT as never, stream: true },
      { signal: during.signal },
    );
    const seen = [];
    // The SDK ends an aborted stream quietly; the wrapper does not change that.
    for await (const chunk of stream) {
      seen.push(chunk);
      during.abort();
    }
    assert.equal(seen.length, 1);
    const events = await t.sealog.events();
    assert.deepEqual(events.map((e) => [e.status, e.error_type]), [
      ["error", "aborted"],
      ["error", "aborted"],
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: a stream left early is recorded once, as aborted", async () => {
  const t = setup(() => sse(CHUNKS, "data"));
  try {
    const stream = await t.wrapped.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
      stream: true,
    });
    for await (const _ of stream) break;
    const events = await t.sealog.events();
    assert.equal(events.length, 1);
    assert.deepEqual([events[0]!.status, events[0]!.error_type], [
      "error",
      "aborted",
    ]);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: Sealog's failures go to the error hook, never to the caller", async () => {
  const provider = startFakeProvider(() => json(COMPLETION));
  const hooked: unknown[] = [];
  const throwing = wrapOpenAI(
    new OpenAI({ apiKey: "sk-test", baseURL: provider.url, maxRetries: 0 }),
    {
      record: () => {
        throw new Error("sealog is broken");
      },
    },
    {
      sessionId: () => {
        throw new Error("no session");
      },
      onError: (e) => hooked.push(e),
    },
  );
  const refusing = wrapOpenAI(
    new OpenAI({ apiKey: "sk-test", baseURL: provider.url, maxRetries: 0 }),
    {
      record: () => ({
        ok: false,
        reason: "closed",
        message: "the client is shut down",
      }),
    },
    { sessionId: "s", onError: (e) => hooked.push(e) },
  );
  const hookThrows = wrapOpenAI(
    new OpenAI({ apiKey: "sk-test", baseURL: provider.url, maxRetries: 0 }),
    {
      record: () => {
        throw new Error("again");
      },
    },
    {
      sessionId: "s",
      onError: () => {
        throw new Error("and the hook too");
      },
    },
  );
  try {
    for (const client of [throwing, refusing, hookThrows]) {
      const got = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: PROMPT as never,
      });
      assert.equal(got.id, "chatcmpl-1");
    }
    assert.equal(hooked.length, 2);
    assert.match(String(hooked[0]), /no session/);
    assert.match(String(hooked[1]), /refused the call \(closed\)/);
  } finally {
    await provider.close();
  }
});

Deno.test("wrapOpenAI: cost comes from the caller's price table, and only for listed models", async () => {
  const t = setup(() => json(COMPLETION), {
    prices: {
      "gpt-4o-mini": {
        inputUsdPerMTok: 0.15,
        outputUsdPerMTok: 0.6,
        cacheReadUsdPerMTok: 0.075,
      },
    },
  });
  try {
    await t.wrapped.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
    });
    await t.wrapped.chat.completions.create({
      model: "gpt-5-unlisted",
      messages: PROMPT as never,
    });
    const [priced, unpriced] = await t.sealog.events();
    // 20 uncached input × 0.15 + 100 cached × 0.075 + 30 output × 0.6 = 28.5 → 29 (rounded).
    assert.equal(priced!.cost_micro_usd, 29);
    assert.equal(unpriced!.cost_micro_usd, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: the caller's client is left as it was, and other members pass through", async () => {
  const t = setup(() => json(COMPLETION));
  try {
    const original = new OpenAI({
      apiKey: "sk-test",
      baseURL: t.provider.url,
      maxRetries: 0,
    });
    const create = original.chat.completions.create;
    const wrapped = wrapOpenAI(original, t.sealog.client);
    assert.equal(original.chat.completions.create, create);
    assert.equal(wrapped.baseURL, t.provider.url);
    assert.equal(wrapped.models, original.models);
    await original.chat.completions.create({
      model: "gpt-4o-mini",
      messages: PROMPT as never,
    });
    assert.equal(
      (await t.sealog.events()).length,
      0,
      "the unwrapped client records nothing",
    );
  } finally {
    await t.close();
  }
});

Deno.test("wrapOpenAI: streamed tool-call arguments are joined and scanned", async () => {
  const chunk = (delta: Record<string, unknown>) => ({
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o-mini",
    choices: [{ index: 0, delta }],
  });
  const call = (index: number, args: string) => ({
    tool_calls: [{ index, function: { arguments: args } }],
  });
  const t = setup(() =>
    sse([
      chunk({
        role: "assistant",
        tool_calls: [{
          index: 0,
          id: "call_1",
          type: "function",
          function: { name: "send", arguments: "" },
        }],
      }),
      chunk(call(0, '{"to":"ana.lima@')),
      chunk(call(0, 'mailbox.org"}')),
    ], "data")
  );
  try {
    const stream = await t.wrapped.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "send it" }],
      stream: true,
    });
    let args = "";
    for await (const c of stream) {
      args += c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
    }
    assert.equal(args, `{"to":"${ANSWER_EMAIL}"}`);
    const [event] = await t.sealog.events();
    assert.deepEqual(event!.risk_tags, ["PII_EMAIL"]);
  } finally {
    await t.close();
  }
});
