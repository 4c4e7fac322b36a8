/**
 * The wrappers against the real stack: a wrapped `@anthropic-ai/sdk` client (streamed) and a
 * wrapped `openai` client (failing) talk to the local fake provider; the SDK flushes to the
 * real ingest function; the rows hold usage, cost, status, error_type and risk tags, and no
 * text of the conversation.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createClient, wrapAnthropic, wrapOpenAI } from "../../sdk/mod.ts";
import { json, sse, startFakeProvider } from "../sdk/wrap_fake_provider.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

test("SDK wrappers: streamed and failed provider calls are stored as events", async () => {
  const tenant = await createTenant();
  const provider = startFakeProvider((request) =>
    request.path === "/v1/messages"
      ? sse([
        {
          type: "message_start",
          message: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            model: "claude-fake-1",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 30, output_tokens: 1, cache_read_input_tokens: 70 },
          },
        },
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: "Your ticket goes to ana.lima@mailbox.org" },
        },
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 12 } },
        { type: "message_stop" },
      ], "named")
      : json({ error: { type: "insufficient_quota", message: "no quota" } }, 429)
  );
  const sealog = createClient({ url: BASE_URL, apiKey: tenant.apiKey, warnOnExit: false });
  const sessionId = `wrap-${crypto.randomUUID()}`;
  const errors: unknown[] = [];
  const options = { sessionId, agentId: "travel-agent", onError: (e: unknown) => errors.push(e) };
  const anthropic = wrapAnthropic(
    new Anthropic({ apiKey: "k", baseURL: provider.url.replace(/\/v1$/, ""), maxRetries: 0 }),
    sealog,
    { ...options, prices: { "claude-fake-1": { inputUsdPerMTok: 3, outputUsdPerMTok: 15 } } },
  );
  const openai = wrapOpenAI(
    new OpenAI({ apiKey: "k", baseURL: provider.url, maxRetries: 0 }),
    sealog,
    options,
  );
  try {
    const stream = await anthropic.messages.create({
      model: "claude-fake-1",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "Book it on card 4532 0151 1283 0366." }],
    });
    for await (const _ of stream);
    await assert.rejects(
      openai.chat.completions.create({ model: "gpt-4o-mini", messages: [] }),
      OpenAI.RateLimitError,
    );
    await sealog.flush();
    const stats = await sealog.shutdown();
    assert.equal(stats.accepted, 2);
    assert.deepEqual(errors, []);

    const rows = await sql`
      select provider, model, status, error_type, agent_id, input_tokens::int,
             output_tokens::int, cache_read_input_tokens::int, cost_micro_usd::int,
             to_json(risk_tags) as risk_tags, row_to_json(l)::text as whole
        from sealog.llm_request_logs l
       where tenant_id = ${tenant.tenantId} and session_id = ${sessionId}
       order by provider`;
    assert.equal(rows.length, 2);
    const [claude, gpt] = rows;
    assert.deepEqual(
      [claude!.model, claude!.status, claude!.error_type, claude!.agent_id],
      ["claude-fake-1", "ok", null, "travel-agent"],
    );
    assert.deepEqual(
      [claude!.input_tokens, claude!.output_tokens, claude!.cache_read_input_tokens],
      [100, 12, 70],
    );
    // 30 × 3 + 70 × 3 (no cache price given: the input price) + 12 × 15 = 480.
    assert.equal(claude!.cost_micro_usd, 480);
    assert.deepEqual([...claude!.risk_tags].sort(), ["PII_CREDIT_CARD", "PII_EMAIL"]);
    assert.deepEqual([gpt!.provider, gpt!.status, gpt!.error_type], [
      "openai",
      "error",
      "insufficient_quota",
    ]);
    for (const row of rows) {
      for (const text of ["mailbox", "4532 0151", "no quota", "Book it"]) {
        assert.ok(!row.whole.includes(text), `no conversation text in the row: ${text}`);
      }
    }
  } finally {
    await provider.close();
  }
});
