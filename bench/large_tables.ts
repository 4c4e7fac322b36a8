/**
 * Sections of deno task bench on a large telemetry table: `rows` rows (10 million in a full
 * run) over 100 daily partitions, the last 10 of them past the 90-day retention, written
 * server-side in key order for a tenant of their own.
 *   erasure  one end user erased (sealog.request_erasure, no grace period) with 10k rows,
 *            then one with 100k rows, among them
 *   purge    sealog.purge_telemetry() on the expired days, and ingest latency while it runs
 *            against the same load without it
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import type postgres from "postgres";
import { API_KEY, ingestHeaders, load, type LoadOptions, progress, startLoad } from "./load.ts";

const DAYS = 100;
const SUBJECTS = { "10k": 10_000, "100k": 100_000 } as const;

const round = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seeds the table; returns the seed tenant and how fast the rows went in. */
export async function seedLargeTable(sql: postgres.Sql, rows: number) {
  const perDay = Math.ceil(rows / DAYS);
  const [tenant] = await sql`select sealog_admin.create_tenant('bench large table', 1000) as id`;
  const tenantId = tenant!.id as string;
  await sql`select sealog.maintain_partitions(now(), 7, ${DAYS + 1}::int)`;
  // Each subject's rows are spread evenly over the days (fewer when a day has fewer rows);
  // everyone else is one of 100k users.
  const subject10k = Math.min(Math.ceil(SUBJECTS["10k"] / DAYS), perDay);
  const subject100k = Math.min(Math.ceil(SUBJECTS["100k"] / DAYS), perDay - subject10k);
  const started = performance.now();
  for (let day = 1; day <= DAYS; day++) {
    if (day % 10 === 1) {
      progress(`seeding ${rows.toLocaleString("en-US")} rows: day ${day} of ${DAYS}`);
    }
    await sql.begin(async (tx) => {
      // Bench data only: a crash would lose a seed, not an acknowledged event.
      await tx`set local synchronous_commit = off`;
      await tx`
          insert into sealog.llm_request_logs (
            tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens,
            output_tokens, cost_micro_usd, status, end_user_id
          )
          select ${tenantId}::uuid,
                 date_trunc('day', now() at time zone 'utc') at time zone 'utc'
                   - make_interval(days => ${day}::int) + g * (interval '1 day' / ${
        perDay + 1
      }::int),
                 ('b' || lpad(to_hex(${day}::int), 7, '0') || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                 'large-' || (g % 1000), 'gpt-4o-mini', 'openai', 1200, 350, 4210, 'ok',
                 case when g <= ${subject10k}::int then 'subject-10k'
                      when g <= ${subject10k + subject100k}::int then 'subject-100k'
                      else 'user-' || (g % 100000) end
            from generate_series(1, ${perDay}::int) as g`;
    });
  }
  const seconds = (performance.now() - started) / 1000;
  await sql`analyze sealog.llm_request_logs`;
  return {
    tenantId,
    subjectRows: { "10k": subject10k * DAYS, "100k": subject100k * DAYS },
    rows: perDay * DAYS,
    partitions: DAYS,
    seconds: round(seconds),
    rowsPerS: Math.round((perDay * DAYS) / seconds),
  };
}

/** Section: erasing one end user, all or nothing, with 10k and with 100k telemetry rows. */
export async function erasure(
  sql: postgres.Sql,
  seed: { tenantId: string; rows: number; subjectRows: Record<keyof typeof SUBJECTS, number> },
) {
  const { tenantId, rows: totalRows } = seed;
  const results = [];
  for (const [name, expected] of Object.entries(seed.subjectRows)) {
    const subject = `subject-${name}`;
    const hash = createHash("sha256").update(`${tenantId}:${subject}`).digest();
    progress(`erasure of an end user with ${name} rows among ${totalRows.toLocaleString("en-US")}`);
    const started = performance.now();
    const [request] = await sql`
      select (r).status, (r).receipt from (
        select sealog.request_erasure('tenant', ${tenantId}::uuid, 'end_user', ${
      Buffer.from(hash)
    }::bytea,
          null, null, ${subject}, null, interval '0') as r) as erased`;
    const seconds = (performance.now() - started) / 1000;
    const anonymised = Number(request!.receipt?.anonymised?.["sealog.llm_request_logs"] ?? -1);
    results.push({
      subjectRows: expected,
      totalRows,
      status: request!.status as string,
      rowsAnonymised: anonymised,
      seconds: round(seconds),
    });
  }
  return results;
}

/** Section: the telemetry purge, and ingest p99 during it against the same load without. */
export async function purge(sql: postgres.Sql, totalRows: number) {
  const loadOptions: LoadOptions = {
    path: "/ingest",
    method: "POST",
    headers: ingestHeaders(API_KEY),
    batch: 100,
    connections: 16,
    seconds: 15,
    warmupSeconds: 2,
  };
  progress("ingest without a purge (batch 100, 16 connections)");
  const without = await load(loadOptions);

  progress(`purge of the expired days among ${totalRows.toLocaleString("en-US")} rows, under load`);
  const during = startLoad({ ...loadOptions, seconds: 1800, warmupSeconds: 0 });
  await sleep(2_000);
  const started = performance.now();
  const [result] = await sql`select sealog.purge_telemetry(now()) as summary`;
  const seconds = (performance.now() - started) / 1000;
  await sleep(1_000);
  const withPurge = await during.stop();

  const latency = (run: typeof without) => ({
    requestsPerS: run.requestsPerS,
    eventsPerS: run.eventsPerS,
    latencyMs: run.latencyMs,
    non2xx: run.requests - run.ok,
    seconds: run.seconds,
  });
  return {
    totalRows,
    seconds: round(seconds),
    summary: result!.summary,
    ingestWithout: latency(without),
    ingestDuring: latency(withPurge),
    p99Ratio: round(withPurge.latencyMs.p99 / without.latencyMs.p99),
  };
}
