/**
 * The SDK across a crash: PostgreSQL is stopped in immediate mode (or the pooler in front of
 * it is killed) while the client is recording and sending, and started again. The client retries through the 503s (honouring
 * Retry-After) and connection errors, and the database ends with exactly the events recorded:
 * none lost, none doubled. It restarts the shared test cluster, so it lives in
 * tests/disruptive/ (run alone).
 */
import assert from "node:assert/strict";
import { createClient } from "../../sdk/mod.ts";
import {
  startDatabase,
  startPooler,
  stopDatabaseImmediately,
  stopPoolerImmediately,
} from "../_support/database.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `condition` holds; the outer test runner bounds how long. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(10);
}

const OUTAGES = [
  { name: "database", stop: stopDatabaseImmediately, start: startDatabase },
  { name: "pooler", stop: stopPoolerImmediately, start: startPooler },
];

for (const outage of OUTAGES) {
  test(`SDK: N events recorded are N rows stored across an immediate ${outage.name} restart`, () =>
    recordAcrossRestart(outage));
}

async function recordAcrossRestart(
  outage: { name: string; stop: () => Promise<void>; start: () => Promise<void> },
): Promise<void> {
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  const client = createClient({
    url: BASE_URL,
    apiKey: tenant.apiKey,
    maxBatchEvents: 25,
    flushIntervalMs: 20,
    retry: { maxAttempts: 1_000, baseDelayMs: 100, maxDelayMs: 1_000 },
    warnOnExit: false,
  });
  const N = 1_500;
  let recorded = 0;
  // A steady producer, so that requests are under way when the database goes down.
  const producer = (async () => {
    for (let i = 0; i < N; i++) {
      const result = client.record({
        sessionId: `sdk-restart-${i % 5}`,
        model: "claude-sonnet-4",
        provider: "anthropic",
        usage: { inputTokens: 200, outputTokens: 50 },
        messages: [{ role: "user", content: `ticket ${i}: reach me at sam${i}@example.com` }],
      });
      assert.equal(result.ok, true);
      recorded++;
      if (i % 10 === 9) await sleep(15);
    }
  })();

  await until(() => client.stats().accepted > 0);
  await outage.stop();
  const retriesBefore = client.stats().retries;
  // The outage is felt: requests fail and are retried.
  await until(() => client.stats().retries > retriesBefore && recorded > N / 2);
  await outage.start();
  await producer;
  const stats = await client.shutdown({ timeoutMs: 180_000 });

  assert.equal(recorded, N);
  assert.equal(stats.failed + stats.dropped + stats.rejected + stats.unsent, 0);
  assert.equal(stats.accepted + stats.duplicates, N);
  const [row] = await sql`
    select count(*)::int as count, count(distinct event_id)::int as distinct_ids
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId}`;
  assert.equal(row!.count, N);
  assert.equal(row!.distinct_ids, N);
}
