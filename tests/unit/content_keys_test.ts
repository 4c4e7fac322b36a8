import assert from "node:assert/strict";
import { findContentKey, isContentKey } from "../../supabase/functions/_shared/content_keys.ts";

Deno.test("content keys are recognised whatever their case or separators", () => {
  for (
    const key of [
      "prompt",
      "Prompts",
      "MESSAGES",
      "content",
      "completion",
      "input",
      "output",
      "text",
      "response",
      "request",
      "body",
      "choices",
      "tool_calls",
      "toolCalls",
      "system_prompt",
      "userPrompt",
      "llm-output",
      "raw_input",
    ]
  ) {
    assert.ok(isContentKey(key), key);
  }
});

Deno.test("the event's own fields are never taken for content", () => {
  for (
    const key of [
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
    ]
  ) {
    assert.ok(!isContentKey(key), key);
  }
});

Deno.test("findContentKey searches any depth without recursion limits", () => {
  assert.equal(findContentKey({ a: [{ b: { c: [{ messages: [] }] } }] }), "messages");
  assert.equal(findContentKey({ a: 1, b: [1, "prompt"] }), null, "values are not keys");
  let deep: unknown = { prompt: "x" };
  for (let i = 0; i < 100_000; i++) deep = { nested: deep };
  assert.equal(findContentKey(deep), "prompt");
});

Deno.test("the answers kept for keys already seen stay right past the bound and on repeats", () => {
  // More distinct keys than are kept, then keys seen before: every answer as on first sight.
  for (let i = 0; i < 3000; i++) {
    assert.equal(isContentKey(`field_${i}`), false);
    assert.equal(isContentKey(`field_${i}_prompt`), true);
  }
  for (const key of ["user_prompt", "model", "field_1", "field_2999_prompt", "x".repeat(65)]) {
    assert.equal(isContentKey(key), isContentKey(key));
  }
  assert.equal(isContentKey("user_prompt"), true);
  assert.equal(isContentKey("model"), false);
  assert.equal(isContentKey(`${"x".repeat(70)}_message`), true);
});
