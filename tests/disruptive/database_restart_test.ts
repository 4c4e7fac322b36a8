/**
 * PostgreSQL restarted in immediate mode (as a crash would) in the middle of ingest load, and
 * likewise the transaction pooler in front of it (killed, then started again).
 * During the outage every request is answered, quickly, with 503 and Retry-After; after
 * the database returns, ingest recovers within seconds; honest clients that resend a batch
 * on 503 end with exactly the events they sent: nothing lost, nothing doubled.
 * It restarts the shared test cluster, so it lives in tests/disruptive/ (run alone).
 */
import assert from "node:assert/strict";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";
import {
  startDatabase,
  startPooler,
  stopDatabaseImmediately,
  stopPoolerImmediately,
} from "../_support/database.ts";
import { telemetryEvent } from "../_support/events.ts";

const CLIENTS = 6;
const BATCH = 10;
/** A request that takes longer than this counts as a hang. */
const HANG_MS = 10_000;
/** After the database is back, ingest must answer 200 again within this. */
const RECOVERY_MS = 10_000;

type Answer = { status: number; retryAfter: string | null; code: string | null; ms: number };

async function post(apiKey: string, events: unknown[]): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${BASE_URL}/ingest`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ events }),
    signal: AbortSignal.timeout(HANG_MS),
  });
  const body = await response.json().catch(() => ({}));
  return {
    status: response.status,
    retryAfter: response.headers.get("Retry-After"),
    code: body.code ?? null,
    ms: performance.now() - started,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const OUTAGES = [
  { name: "database", stop: stopDatabaseImmediately, start: startDatabase },
  { name: "pooler", stop: stopPoolerImmediately, start: startPooler },
];

for (const outage of OUTAGES) {
  test(`a ${outage.name} restart under load: 503 with Retry-After, quick recovery, exact count`, () =>
    restartUnderLoad(outage));
}

async function restartUnderLoad(
  outage: { name: string; stop: () => Promise<void>; start: () => Promise<void> },
): Promise<void> {
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  const sent = new Set<string>();
  const answers: Answer[] = [];
  let running = true;

  // An honest client: a batch is resent, unchanged, until it is acknowledged. It waits as
  // Retry-After says, capped so that the test stays short.
  async function client(index: number) {
    while (running) {
      const events = Array.from(
        { length: BATCH },
        () => telemetryEvent({ session_id: `restart-${index}` }),
      );
      for (const event of events) sent.add(event.event_id as string);
      // Bounded, so that a stack that never recovers fails the test instead of hanging it.
      const giveUp = performance.now() + 60_000;
      for (;;) {
        const answer = await post(tenant.apiKey, events);
        answers.push(answer);
        if (answer.status === 200) break;
        if (answer.status !== 503) throw new Error(`unexpected ${answer.status} ${answer.code}`);
        if (performance.now() > giveUp) throw new Error("no 200 within 60 s of resending");
        await sleep(Math.min(Number(answer.retryAfter) * 1000, 250));
      }
    }
  }

  const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
  await sleep(1_500);
  const beforeOutage = answers.length;
  await outage.stop();
  // Longer than the pooler's query_wait_timeout (3 s), which answers queries queued while the
  // database is down.
  await sleep(5_000);
  const duringOutage = answers.slice(beforeOutage);
  await outage.start();
  const restarted = performance.now();

  // Recovery: the first acknowledged ingest after the database accepts connections again.
  let recoveredMs = Infinity;
  while (performance.now() - restarted < RECOVERY_MS) {
    const probe = await post(tenant.apiKey, [telemetryEvent({ session_id: "restart-probe" })])
      .catch(() => null);
    if (probe?.status === 200) {
      recoveredMs = performance.now() - restarted;
      break;
    }
    await sleep(100);
  }
  await sleep(1_500);
  running = false;
  await Promise.all(clients);

  assert.ok(duringOutage.length > 0, "requests were answered during the outage");
  const outage503 = duringOutage.filter((answer) => answer.status === 503);
  assert.ok(outage503.length > 0, "the outage was seen as 503");
  for (const answer of answers.filter((answer) => answer.status !== 200)) {
    assert.equal(answer.status, 503);
    assert.equal(answer.code, "database_unavailable");
    assert.match(answer.retryAfter ?? "", /^[1-9][0-9]*$/);
  }
  const slowest = Math.max(...duringOutage.map((answer) => answer.ms));
  assert.ok(slowest < HANG_MS, `slowest answer during the outage took ${Math.round(slowest)} ms`);
  assert.ok(recoveredMs < RECOVERY_MS, "ingest recovered after the restart");
  console.log(
    `${outage.name} restart: ${answers.length} answers, ${outage503.length} × 503 during the outage ` +
      `(slowest ${Math.round(slowest)} ms), recovered ${Math.round(recoveredMs)} ms after restart`,
  );

  const [stored] = await sql`
    select count(*)::int as count, count(distinct event_id)::int as distinct_ids
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId} and session_id like 'restart-%' and session_id <> 'restart-probe'`;
  assert.equal(stored!.count, sent.size, "every acknowledged event is stored, once");
  assert.equal(stored!.distinct_ids, sent.size);
}
