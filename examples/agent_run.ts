/**
 * A fake agent run recorded with the Sealog SDK: a travel assistant takes a request full of
 * personal data, calls a model three times (plan, tool call, answer), and each call is
 * recorded. The messages are scanned here; only risk tags, token counts and model names are
 * sent. At the end it prints what the server holds for the session.
 *
 *   SEALOG_API_KEY=slg_live_… deno run --allow-net --allow-env examples/agent_run.ts
 *
 * SEALOG_URL defaults to the local stack, http://127.0.0.1:54321/functions/v1.
 */
import { createClient, type LlmCall, scan } from "../sdk/mod.ts";

const url = Deno.env.get("SEALOG_URL") ?? "http://127.0.0.1:54321/functions/v1";
const apiKey = Deno.env.get("SEALOG_API_KEY");
if (!apiKey) {
  console.error("Set SEALOG_API_KEY to a key with the ingest scope (deno task key --help).");
  Deno.exit(2);
}

const client = createClient({
  url,
  apiKey,
  onRejected: (events) => console.error("refused by the server:", events),
  onError: (error) => console.error("not delivered:", error.reason, error.status, error.code ?? ""),
});

const sessionId = `agent-run-${crypto.randomUUID()}`;
const userId = "user_4f1c9a"; // a pseudonym, never the customer's name or address

const request = "Hi, I'm Maria Oliveira. Please book me a flight to Lisbon on 12 June and " +
  "send the confirmation to maria.oliveira@example.pt or text +351 912 345 678. " +
  "Charge my card 4532 0151 1283 0366.";

// What the scanner sees in the request: tags, counts and offsets, never the text itself.
const { tags, counts, findings } = scan(request);
console.log("scan(request):", { tags, counts, offsets: findings.map((f) => [f.start, f.end]) });

/** One model call of the fake agent, timed and recorded. */
async function modelCall(step: string, messages: unknown[], output: string): Promise<void> {
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30)); // "the model"
  const call: LlmCall = {
    sessionId,
    endUserId: userId,
    agentId: "travel-assistant",
    model: "gpt-4o-mini",
    provider: "openai",
    usage: { inputTokens: tokens(JSON.stringify(messages)), outputTokens: tokens(output) },
    latencyMs: performance.now() - started,
    costMicroUsd: 150,
    status: "ok",
    messages: [...messages, { role: "assistant", content: output }],
  };
  const result = client.record(call);
  console.log(`${step}:`, result.ok ? result.riskTags : result);
}

/** A rough token count: about four characters per token. */
const tokens = (text: string) => Math.ceil(text.length / 4);

const system = { role: "system", content: "You are a travel assistant. Use tools to book." };
const user = { role: "user", content: request };
await modelCall("plan", [system, user], "I'll search flights to LIS on June 12 first.");
await modelCall(
  "tool call",
  [system, user, {
    role: "assistant",
    tool_calls: [{
      function: { name: "book_flight", arguments: '{"to":"LIS","card":"4532015112830366"}' },
    }],
  }],
  "Booking reference K7Q2ZD.",
);
await modelCall(
  "answer",
  [system, user, { role: "tool", content: "booked: K7Q2ZD" }],
  "Booked! Confirmation K7Q2ZD was sent to maria.oliveira@example.pt.",
);

// shutdown() flushes, waiting at most 10 s, and warns if anything is left unsent.
const stats = await client.shutdown();
console.log("client stats:", stats);

const response = await fetch(`${url}/ingest/sessions/${sessionId}`, {
  headers: { Authorization: `Bearer ${apiKey}` },
});
console.log(`GET /ingest/sessions/${sessionId}:`, response.status, await response.json());
console.log(`recorded ${stats.recorded} calls, ${stats.accepted} stored`);
Deno.exit(stats.accepted === stats.recorded ? 0 : 1);
