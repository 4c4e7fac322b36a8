import assert from "node:assert/strict";
import { riskTagsOf } from "../../sdk/src/client/messages.ts";

Deno.test("messages: strings inside any message shape are scanned", () => {
  assert.deepEqual(riskTagsOf("mail jo@fastmail.com"), ["PII_EMAIL"]);
  assert.deepEqual(riskTagsOf(["hi", "call +44 20 3318 4762"]), ["PII_PHONE"]);
  // OpenAI chat messages with a tool call.
  assert.deepEqual(
    riskTagsOf([
      { role: "system", content: "You are helpful." },
      { role: "user", content: "My card is 4532 0151 1283 0366" },
      {
        role: "assistant",
        tool_calls: [{ function: { name: "lookup", arguments: '{"email":"jo@fastmail.com"}' } }],
      },
    ]),
    ["PII_CREDIT_CARD", "PII_EMAIL"],
  );
  // Anthropic content blocks.
  assert.deepEqual(
    riskTagsOf([{ role: "user", content: [{ type: "text", text: "server 81.2.69.160" }] }]),
    ["PII_IP_ADDRESS"],
  );
});

Deno.test("messages: keys are not content, and odd inputs are harmless", () => {
  assert.deepEqual(riskTagsOf({ "jo@fastmail.com": "x" }), []);
  assert.deepEqual(riskTagsOf(undefined), []);
  assert.deepEqual(riskTagsOf(42), []);
  const cyclic: Record<string, unknown> = { text: "jo@fastmail.com" };
  cyclic.self = cyclic;
  assert.deepEqual(riskTagsOf(cyclic), ["PII_EMAIL"]);
  let deep: unknown = "jo@fastmail.com";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.deepEqual(riskTagsOf(deep), []);
});
