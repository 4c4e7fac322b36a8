/**
 * Soak: N concurrent clients ingest for T seconds (SEALOG_SOAK_CLIENTS, default 16;
 * SEALOG_SOAK_SECONDS, default 90). Batches mix fresh events with resends of events
 * already sent, by this client or another, and now and then a whole batch is sent twice,
 * as a client that timed out would. The bar: no 5xx (indeed nothing but 200), the sum of
 * `accepted` over every response equals the distinct events sent, the table holds exactly
 * those rows, and the session totals add up. Runs in deno task soak.
 */
import assert from "node:assert/strict";
import { percentile } from "../../bench/stats.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";
import { telemetryEvent } from "../_support/events.ts";

const CLIENTS = Number(Deno.env.get("SEALOG_SOAK_CLIENTS") ?? 16);
const SECONDS = Number(Deno.env.get("SEALOG_SOAK_SECONDS") ?? 90);
const SESSIONS_PER_CLIENT = 4;

type Event = Record<string, unknown> & { event_id: string; session_id: string };

test(`soak: ${CLIENTS} clients for ${SECONDS} s, resends included, exact counts`, async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  const sent = new Map<string, Event>();
  const pool: Event[] = [];
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  let acceptedTotal = 0;
  let requests = 0;
  const deadline = performance.now() + SECONDS * 1000;

  async function send(events: Event[]) {
    const started = performance.now();
    const response = await fetch(`${BASE_URL}/ingest`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.json();
    latencies.push(performance.now() - started);
    requests++;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status !== 200) {
      throw new Error(`status ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
    assert.equal(body.accepted + body.duplicates, events.length);
    assert.deepEqual(body.rejected, []);
    acceptedTotal += body.accepted;
  }

  async function client(index: number) {
    let previous: Event[] | null = null;
    while (performance.now() < deadline) {
      if (previous && Math.random() < 0.05) {
        await send(previous); // the same batch again, as after a lost response
        continue;
      }
      const size = 1 + Math.floor(Math.random() * 50);
      const batch: Event[] = [];
      for (let i = 0; i < size; i++) {
        const resend = pool.length > 0 && Math.random() < 0.2;
        if (resend) {
          batch.push(pool[Math.floor(Math.random() * pool.length)]!);
        } else {
          const event = telemetryEvent({
            session_id: `soak-${index}-${Math.floor(Math.random() * SESSIONS_PER_CLIENT)}`,
            input_tokens: Math.floor(Math.random() * 5000),
            output_tokens: Math.floor(Math.random() * 1000),
            cost_micro_usd: Math.floor(Math.random() * 10_000),
          }) as Event;
          sent.set(event.event_id, event);
          pool.push(event);
          batch.push(event);
        }
      }
      if (pool.length > 5000) pool.splice(0, pool.length - 5000);
      await send(batch);
      previous = batch;
    }
  }

  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));

  const sorted = Float64Array.from(latencies).sort();
  console.log(JSON.stringify({
    clients: CLIENTS,
    seconds: SECONDS,
    requests,
    distinctEvents: sent.size,
    statuses: Object.fromEntries(statuses),
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
  }));
  assert.deepEqual([...statuses.keys()], [200], "every request was answered 200");
  assert.equal(acceptedTotal, sent.size, "each distinct event was accepted exactly once");

  const [stored] = await sql`
    select count(*)::int as rows, count(distinct event_id)::int as distinct_ids
      from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
  assert.equal(stored!.rows, sent.size, "nothing lost, nothing doubled");
  assert.equal(stored!.distinct_ids, sent.size);

  const expected = new Map<
    string,
    { calls: number; input: number; output: number; cost: number }
  >();
  for (const event of sent.values()) {
    const totals = expected.get(event.session_id) ?? { calls: 0, input: 0, output: 0, cost: 0 };
    totals.calls++;
    totals.input += event.input_tokens as number;
    totals.output += event.output_tokens as number;
    totals.cost += event.cost_micro_usd as number;
    expected.set(event.session_id, totals);
  }
  const sessions = await sql`
    select session_id, calls::int, input_tokens::bigint, output_tokens::bigint, cost_micro_usd::bigint
      from sealog.session_state where tenant_id = ${tenant.tenantId}`;
  assert.equal(sessions.length, expected.size);
  for (const session of sessions) {
    const totals = expected.get(session.session_id)!;
    assert.deepEqual(
      [
        session.calls,
        Number(session.input_tokens),
        Number(session.output_tokens),
        Number(session.cost_micro_usd),
      ],
      [totals.calls, totals.input, totals.output, totals.cost],
      `totals of ${session.session_id}`,
    );
  }
});
