/**
 * The SDK against the real stack over real HTTP: every event recorded is stored exactly
 * once, although the tenant's rate limit answers most requests with 429; the risk tags
 * computed from the messages are stored and the text is not; and the example agent run
 * works end to end.
 */
import assert from "node:assert/strict";
import { createClient } from "../../sdk/mod.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const MESSAGES = [
  { role: "user", content: "I'm Ana, ana.lima@mailbox.org, card 4532 0151 1283 0366." },
  { role: "assistant", content: "Thanks Ana, noted." },
];

test("SDK: N events recorded are N rows stored, although the server answers 429", async () => {
  const tenant = await createTenant({ ratePerSecond: 2, burst: 2 });
  const client = createClient({
    url: BASE_URL,
    apiKey: tenant.apiKey,
    maxBatchEvents: 8,
    maxConcurrentRequests: 2,
    retry: { maxAttempts: 100, baseDelayMs: 50, maxDelayMs: 500 },
    warnOnExit: false,
  });
  const N = 96;
  for (let i = 0; i < N; i++) {
    const result = client.record({
      sessionId: `sdk-429-${i % 3}`,
      model: "gpt-4o-mini",
      provider: "openai",
      usage: { inputTokens: 100 + i, outputTokens: 20 },
      messages: MESSAGES,
    });
    assert.equal(result.ok, true);
  }
  await client.flush();
  const stats = await client.shutdown({ timeoutMs: 120_000 });

  assert.ok(stats.rateLimited > 0, "the rate limit answered 429 at least once");
  assert.equal(stats.failed + stats.dropped + stats.rejected + stats.unsent, 0);
  assert.equal(stats.accepted + stats.duplicates, N);
  const [row] = await sql`
    select count(*)::int as count, count(distinct event_id)::int as distinct_ids,
           sum(input_tokens)::int as input_tokens
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId}`;
  assert.equal(row!.count, N);
  assert.equal(row!.distinct_ids, N);
  assert.equal(
    row!.input_tokens,
    Array.from({ length: N }, (_, i) => 100 + i).reduce((a, b) => a + b),
  );
  const tags = await sql`
    select distinct unnest(risk_tags) as tag from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId} order by 1`;
  assert.deepEqual(tags.map((t) => t.tag), ["PII_CREDIT_CARD", "PII_EMAIL"]);
});

test("SDK: the example agent run records its calls against the stack", async () => {
  const tenant = await createTenant();
  const example = new URL("../../examples/agent_run.ts", import.meta.url);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-net", "--allow-env", example.pathname],
    env: { SEALOG_URL: BASE_URL, SEALOG_API_KEY: tenant.apiKey },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, stdout + new TextDecoder().decode(output.stderr));
  assert.match(stdout, /recorded 3 calls, 3 stored/);
  const rows = await sql`
    select session_id, to_jsonb(risk_tags) as risk_tags, end_user_id from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId}`;
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.end_user_id === "user_4f1c9a"));
  const stored = new Set(rows.flatMap((r) => r.risk_tags as string[]));
  assert.deepEqual([...stored].sort(), ["PII_CREDIT_CARD", "PII_EMAIL", "PII_PHONE"]);
});
