/**
 * Sections of deno task bench on large tables: `rows` telemetry rows and as many API
 * access-log rows (1 million, then 10 million in a full run) over 100 daily partitions, the
 * last 10 of them past the 90-day retention, written server-side in key order, each table for
 * a tenant of its own, the two tables at once over two connections. Telemetry rows look like
 * real traffic: each carries a latency (log-normal, 200 ms to 30 s), tokens and a cost, over
 * five models and seven agents, with 2% errors and some risk tags (the usage reads' real work).
 *   erasure  one end user erased (sealog.request_erasure, no grace period) with 10k rows,
 *            then one with 100k rows, among them
 *   purge    the purges (telemetry, access log, rollups, the drop of detached days) on the
 *            expired days under ingest load, once per size, and ingest p99 during them against
 *            the same load between them
 */
import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";
import { startProfile } from "./profile.ts";
import {
  API_KEY,
  ingestHeaders,
  load,
  type LoadOptions,
  type LoadResult,
  progress,
  startLoad,
  TENANT_ID,
} from "./load.ts";
import { startEvidence, writeEvidence } from "./purge_evidence.ts";
import { percentile } from "./stats.ts";
import { sideOf, type Windows } from "./purge_windows.ts";

const DAYS = 100;
const SUBJECTS = { "10k": 10_000, "100k": 100_000 } as const;

/** This bench run's start, naming its evidence files (.sealog/purge-evidence/). */
const STARTED = new Date().toISOString().slice(0, 19).replaceAll(":", "");
const round = (value: number) => Math.round(value * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seeds both tables afresh (emptied first); returns the seed tenant and how fast rows went in. */
export async function seedLargeTable(sql: postgres.Sql, rows: number) {
  const perDay = Math.ceil(rows / DAYS);
  // The sections before this one are over: their rows go, so each size is exactly its own.
  await sql`truncate sealog.llm_request_logs, sealog.api_access_log`;
  const [tenant] = await sql`select sealog_admin.create_tenant('bench large table', 1000) as id`;
  const tenantId = tenant!.id as string;
  // The access log's rows belong to another tenant: the reads section exports its tenant's log.
  const [logTenant] = await sql`select sealog_admin.create_tenant('bench large log', 1000) as id`;
  await sql`select sealog.maintain_partitions(now(), 7, ${DAYS + 1}::int)`;
  const logSql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  const accessLog = seedAccessLog(logSql, logTenant!.id, perDay)
    .finally(() => logSql.end({ timeout: 5 }));
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
            output_tokens, cache_read_input_tokens, reasoning_tokens, latency_ms, cost_micro_usd,
            status, error_type, risk_tags, agent_id, end_user_id
          )
          select ${tenantId}::uuid,
                 date_trunc('day', now() at time zone 'utc') at time zone 'utc'
                   - make_interval(days => ${day}::int) + g * (interval '1 day' / ${
        perDay + 1
      }::int),
                 ('b' || lpad(to_hex(${day}::int), 7, '0') || '-0000-4000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
                 'large-' || (g % 1000), m.model, m.provider, v.input_tokens, v.output_tokens,
                 v.input_tokens / 4, v.output_tokens / 5, v.latency_ms,
                 (v.input_tokens * m.input_micro_usd + v.output_tokens * m.output_micro_usd)::bigint,
                 case when v.error then 'error' else 'ok' end,
                 case when v.error then 'rate_limit' end,
                 case when g % 20 = 0 then array['PII_EMAIL']
                      when g % 97 = 0 then array['SECRET_API_KEY', 'PII_PHONE'] end::sealog.risk_tag[],
                 'agent-' || (g % 7),
                 case when g <= ${subject10k}::int then 'subject-10k'
                      when g <= ${subject10k + subject100k}::int then 'subject-100k'
                      else 'user-' || (g % 100000) end
            from generate_series(1, ${perDay}::int) as g
           -- Five models, an event's by its number; per-token prices in millionths of a dollar.
           cross join lateral (
             select * from (values (0, 'gpt-4o-mini', 'openai', 0.15, 0.6),
                                   (1, 'gpt-4o', 'openai', 2.5, 10.0),
                                   (2, 'claude-sonnet-4', 'anthropic', 3.0, 15.0),
                                   (3, 'claude-haiku-4', 'anthropic', 0.8, 4.0),
                                   (4, 'gemini-2.5-flash', 'gcp.gemini', 0.3, 2.5))
                      as m(n, model, provider, input_micro_usd, output_micro_usd)
              where m.n = g % 5) as m
           -- Latency log-normal (median 1.5 s, Box-Muller), kept within 200 ms to 30 s; tokens
           -- spread from 100 to 8,100 in and 20 to 2,020 out; 2% errors.
           cross join lateral (
             select least(greatest(exp(ln(1500) + 0.9 * sqrt(-2 * ln(1 - random()))
                                                    * cos(2 * pi() * random())), 200), 30000)::bigint as latency_ms,
                    100 + (g::bigint * 7919) % 8000 as input_tokens,
                    20 + (g::bigint * 104729) % 2000 as output_tokens,
                    random() < 0.02 as error) as v`;
    });
  }
  await accessLog;
  const seconds = (performance.now() - started) / 1000;
  // Every day has its own partition: a day left in the default would be deleted row by row,
  // not dropped, and the purge timed would not be the one a deployment runs.
  const [stray] = await sql`
    select (select count(*) from sealog.llm_request_logs_default) +
           (select count(*) from sealog.api_access_log_default) as rows`;
  if (Number(stray!.rows) > 0) throw new Error(`seed: ${stray!.rows} rows in default partitions`);
  await sql`analyze sealog.llm_request_logs, sealog.api_access_log`;
  // The rollups as they stand a minute after the seed: its deltas folded (pg_cron's job does it
  // every minute; a fold of the whole seed would otherwise run alongside the sections after), and
  // vacuumed, as autovacuum keeps 90 days of rollups that the fold no longer changes (the first
  // read of rows written just now would otherwise set their hint bits).
  await sql`select sealog.fold_usage_deltas()`;
  await sql`vacuum (analyze) sealog.usage_rollups, sealog.usage_risk_rollups`;
  return {
    tenantId,
    subjectRows: { "10k": subject10k * DAYS, "100k": subject100k * DAYS },
    rows: perDay * DAYS,
    partitions: DAYS,
    seconds: round(seconds),
    // Both tables' rows, written at once.
    rowsPerS: Math.round((2 * perDay * DAYS) / seconds),
  };
}

/** `perDay` access-log rows on each of the last 100 days, one transaction per day. */
async function seedAccessLog(sql: postgres.Sql, tenantId: string, perDay: number) {
  for (let day = 1; day <= DAYS; day++) {
    await sql.begin(async (tx) => {
      await tx`set local synchronous_commit = off`;
      await tx`
        insert into sealog.api_access_log (request_id, received_at, tenant_id, scope, method, path,
                                           status_code, duration_ms, user_agent, caller_kind, db_role)
        select gen_random_uuid(),
               date_trunc('day', now() at time zone 'utc') at time zone 'utc'
                 - make_interval(days => ${day}::int) + g * (interval '1 day' / ${perDay + 1}::int),
               ${tenantId}::uuid, 'ingest', 'POST', '/functions/v1/ingest', 200, g % 40,
               'bench-agent/1.0', 'tenant_key', 'sealog_functions'
          from generate_series(1, ${perDay}::int) as g`;
    });
  }
}

/** Load alone between a window and the next, so that each window's requests are its own (ms). */
const GAP_MS = 750;

/**
 * Runs one call under the load with its window, then a control window of the same length
 * GAP_MS after it, with load alone.
 */
async function windowed<T>(windows: Windows, call: () => Promise<T>) {
  await sleep(GAP_MS);
  const startedAt = Date.now();
  const started = performance.now();
  const result = await call();
  const seconds = (performance.now() - started) / 1000;
  const endedAt = Date.now();
  windows.purges.push([startedAt, endedAt]);
  await sleep(GAP_MS);
  windows.controls.push([Date.now(), Date.now() + (endedAt - startedAt)]);
  await sleep(endedAt - startedAt);
  return { result, seconds };
}

/**
 * Yardsticks for the purges' windows, as long as their median call: a backend that spins on
 * the CPU for that long, doing nothing else, and one that sleeps for that long. The spin shows
 * what any work of that length costs ingest on these shared cores, the sleep what the windows
 * show with no work at all.
 */
async function yardsticks(sql: postgres.Sql, ms: number, windows: Windows, kind: "spin" | "sleep") {
  const runs = [];
  for (let i = 0; i < YARDSTICK_CALLS; i++) {
    const { seconds } = await windowed(windows, () =>
      kind === "spin"
        // A DO block takes no parameters; ms is a number this function computed.
        ? sql.unsafe(
          `do $$ declare v_end timestamptz := clock_timestamp() + interval '${
            Math.round(ms)
          } milliseconds'; begin while clock_timestamp() < v_end loop end loop; end $$`,
        )
        : sql`select pg_sleep(${ms / 1000})`);
    runs.push({ category: kind, seconds: round(seconds) });
  }
  return runs;
}
const YARDSTICK_CALLS = 24;

/**
 * The purges of the day-partitioned tables and the rollups' own, each timed by the client
 * (commits included) and by itself, as pg_cron would run them at `at` (null: now), then the drop
 * of the days they detached (sealog-purge-detached-days, within the minute). Each runs as its
 * job does (sealog.one_day_per_transaction): a call that detaches nothing (the row deletes), then
 * one expired day per call, each its own transaction, until none is left or a step removed none;
 * the same loop as the job's DO block, here because the report needs each step's summary. Each
 * job's window goes into `windows.purges`, and after it a control window of the same length, with
 * load alone: the requests in flight during the controls are the baseline of those in flight
 * during the calls, drawn the same way from the same run.
 */
async function purgeAll(sql: postgres.Sql, at: Date | null, windows: Windows) {
  const runs = [];
  for (
    const [category, step] of [
      [
        "telemetry",
        (days: number) =>
          sql`select sealog.purge_telemetry(coalesce(${at}, now()), ${days}) as summary`,
      ],
      [
        "api_access_logs",
        (days: number) =>
          sql`select sealog.purge_api_access_log(coalesce(${at}, now()), ${days}) as summary`,
      ],
      // Telemetry's rollups, in their own job and transactions (sealog-purge-usage-rollups).
      [
        "usage_rollups",
        (days: number) =>
          sql`select sealog.purge_usage_rollups(coalesce(${at}, now()), ${days}) as summary`,
      ],
      // The days the jobs above detached, dropped in transactions of their own.
      [
        "detached days",
        (days: number) => sql`select sealog.purge_detached_days(${days}) as summary`,
      ],
    ] as const
  ) {
    const { result: steps, seconds } = await windowed(windows, async () => {
      const summaries: Record<string, unknown>[] = [];
      const call = async (days: number) => {
        const [row] = await step(days);
        summaries.push(row!.summary as Record<string, unknown>);
        return summaries.at(-1)!;
      };
      let summary = await call(0);
      while (Number(summary.partitions_left ?? 0) > 0) {
        summary = await call(1);
        if (!Number(summary.partitions_dropped ?? 0)) break;
      }
      return summaries;
    });
    const sum = (key: string) => steps.reduce((n, s) => n + Number(s[key] ?? 0), 0);
    const last = steps.at(-1)!;
    runs.push({
      category,
      seconds: round(seconds),
      transactions: steps.length,
      functionMs: last.duration_ms === undefined ? null : sum("duration_ms"),
      rowsDeleted: sum("rows_deleted"),
      partitionsDropped: sum("partitions_dropped"),
      complete: (last.complete ?? true) as boolean,
    });
  }
  return runs;
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
    // Evidence of where the time goes, for the larger subject (its nested statements).
    const profile = name === "100k" ? startProfile(`erasure of ${name} rows`) : null;
    const started = performance.now();
    const [request] = await sql`
      select (r).status, (r).receipt from (
        select sealog.request_erasure('tenant', ${tenantId}::uuid, 'end_user', ${
      Buffer.from(hash)
    }::bytea,
          null, null, ${subject}, null, interval '0') as r) as erased`;
    const seconds = (performance.now() - started) / 1000;
    const evidence = profile ? await profile.stop() : null;
    // The subject's telemetry rows are deleted (docs/erasure.md); -1 when the receipt lacks them.
    const deleted = Number(request!.receipt?.deleted?.["sealog.llm_request_logs"] ?? -1);
    // The deletes' negative deltas, folded into the rollups of every day the subject used, now
    // and timed: pg_cron's next fold would otherwise do it alongside the purge section's load
    // (about 14 s of one core after the 100k erasure in the run of 10:38, and that section's
    // p99 came from one of its windows). Not in the erasure's time: the receipt is whole without.
    const foldStarted = performance.now();
    const [fold] = await sql`select sealog.fold_usage_deltas() as deltas`;
    results.push({
      subjectRows: expected,
      totalRows,
      status: request!.status as string,
      rowsDeleted: deleted,
      seconds: round(seconds),
      fold: {
        deltas: Number(fold!.deltas),
        seconds: round((performance.now() - foldStarted) / 1000),
      },
      profile: evidence,
    });
  }
  return results;
}

/**
 * Pauses pg_cron's purge jobs, whose hourly runs would otherwise drop the seeded expired days
 * before the measured purge (or during the load it is compared with); returns their resume.
 */
export async function pauseScheduledPurges(sql: postgres.Sql): Promise<() => Promise<void>> {
  const jobs = await sql<{ jobid: string }[]>`
    select jobid from cron.job where jobname like 'sealog-purge-%' and active`;
  for (const { jobid } of jobs) await sql`select cron.alter_job(${jobid}::bigint, active => false)`;
  return async () => {
    for (const { jobid } of jobs) {
      await sql`select cron.alter_job(${jobid}::bigint, active => true)`;
    }
  };
}

/**
 * One load run's requests in flight during a purge call against those in flight during its
 * control window (the same length, load alone, moments later). Both sides are drawn the same
 * way, so both favour slow requests alike: a request overlaps a window with a probability that
 * grows with its own latency (a first version compared the overlapping requests with all the
 * others, and its "during" p50 came out 1.5 times the rest's with no purge effect to show).
 * Requests that overlap both a call and a control, or an excluded window (none since the
 * rollups expire by partition drop: earlier runs' vacuums of them), count on neither side.
 */
function splitByWindows(run: LoadResult, windows: Windows) {
  const during: number[] = [];
  const without: number[] = [];
  for (const [end, latency] of run.timeline ?? []) {
    const side = sideOf(end - latency, end, windows);
    if (side === "during") during.push(latency);
    else if (side === "control") without.push(latency);
  }
  const summary = (latencies: number[]) => {
    const sorted = Float64Array.from(latencies).sort();
    return {
      requests: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    };
  };
  const [d, w] = [summary(during), summary(without)];
  return {
    during: d,
    without: w,
    p99Ratio: d.p99 === null || w.p99 === null ? null : round(d.p99 / w.p99),
  };
}

/**
 * Section: the purges under ingest load, and ingest p99 during them against the same load
 * without them, both from one load run: the requests in flight during each purge call against
 * those in flight during a control window of the same length moments later. Twice: the catch-up run on the seed (its 10 expired days and
 * most of an 11th, the first run of a deployment that has never purged), then the steady state
 * that follows, the next scheduled runs: twelve hourly runs (an hour of the boundary day's rows
 * each), then twelve midnights' (one whole day detached and dropped each).
 */
export async function purge(sql: postgres.Sql, totalRows: number) {
  // Single-event requests, what an SDK sends per call: about five times as many requests a
  // side as 100-event ones, so that a disk stall, which holds up the requests in flight on the
  // 16 connections, is a small share of either side. At half the rate this machine answers
  // (measured first): saturated, every request queues for the CPU, and any work at all, a
  // purge's or not, lengthens the queue; below it, a purge slows ingest only by making it wait.
  // Spaced evenly in time (bench/loadgen/run.mjs), so that every purge call meets the load.
  const saturating: LoadOptions = {
    path: "/ingest",
    method: "POST",
    headers: ingestHeaders(API_KEY),
    batch: 1,
    connections: 16,
    seconds: 6,
    warmupSeconds: 2,
  };
  const capacity = (await load(saturating)).requestsPerS;
  const loadOptions: LoadOptions = {
    ...saturating,
    seconds: 1800,
    timeline: true,
    ratePerSecond: Math.round(capacity / 2),
  };
  const underLoad = async <Runs extends { category: string; at?: string }[]>(
    name: string,
    runs: (windows: Windows) => Promise<Runs>,
  ) => {
    const evidence = startEvidence();
    const during = startLoad(loadOptions);
    await sleep(2_000 + 3_000); // the warm-up, then load alone
    const windows: Windows = { purges: [], controls: [], excluded: [] };
    const purges = await runs(windows);
    await sleep(3_000);
    const run = await during.stop();
    // What explains a slow request, for bench/purge_why.ts: not a result, so not committed.
    const file = await writeEvidence(`${STARTED}-${totalRows}-${name}`, {
      name,
      totalRows,
      windows,
      labels: purges.map((p) => `${p.category}${p.at ? ` ${p.at}` : ""}`),
      timeline: run.timeline,
      loopStalls: run.loopStalls,
      ...await evidence.stop(TENANT_ID),
    });
    progress(`purge: evidence in ${file}`);
    return {
      purges,
      ingest: {
        requestsPerS: run.requestsPerS,
        eventsPerS: run.eventsPerS,
        non2xx: run.requests - run.ok,
        statuses: run.statuses,
        seconds: run.seconds,
      },
      ...splitByWindows(run, windows),
    };
  };

  // What the catch-up has to remove, counted now: nothing else (pg_cron's runs are paused) may.
  const [expired] = await sql`
    select (select count(*) from sealog.llm_request_logs
             where occurred_at < sealog.retention_cutoff('telemetry', now())) as telemetry,
           (select count(*) from sealog.api_access_log
             where received_at < sealog.retention_cutoff('api_access_logs', now())) as access_log`;
  // The seed's dirty pages are written before the load, not by a checkpoint during it: its
  // sync phase (fsync of every seeded day's files) stalls every commit's WAL flush.
  await sql`checkpoint`;
  progress(`purge: catch-up among ${totalRows.toLocaleString("en-US")} rows, under load`);
  const catchUp = await underLoad("catch-up", (windows) => purgeAll(sql, null, windows));
  // The catch-up's writes (its dropped days): hours pass before the next run.
  await sql`checkpoint`;

  const [next] = await sql<{ hour: Date; midnight: Date }[]>`
    select now() + interval '1 hour' as hour,
           date_trunc('day', now() + interval '1 hour', 'UTC') + interval '1 day' as midnight`;
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  // Twelve of each, 96 calls: about 2,000 requests a side, so that one stall of the disk's (every
  // commit's WAL flush held up 0.2 to 0.5 s, several times a minute here, at the purges or not)
  // no longer makes either side's p99 alone (docs/performance.md).
  const RUNS = [...Array(12).keys()];
  const times = [
    ...RUNS.map((n) => ["an hour later", new Date(next!.hour.getTime() + n * HOUR)] as const),
    ...RUNS.map((n) => ["at midnight", new Date(next!.midnight.getTime() + n * DAY)] as const),
  ];
  progress(`purge: the next scheduled runs among ${totalRows.toLocaleString("en-US")} rows`);
  const scheduled = await underLoad("scheduled", async (windows) => {
    const runs = [];
    for (const [label, at] of times) {
      const ran = await purgeAll(sql, at, windows);
      runs.push(
        ...ran.map((run) => ({ ...run, at: `${label} (${at.toISOString().slice(0, 16)})` })),
      );
    }
    return runs;
  });
  // The yardsticks, as long as the median scheduled call (its window).
  const callMs = percentile(
    Float64Array.from(scheduled.purges.map((run) => run.seconds * 1000)).sort(),
    50,
  )!;
  const spin = await underLoad("spin", (windows) => yardsticks(sql, callMs, windows, "spin"));
  const idle = await underLoad("sleep", (windows) => yardsticks(sql, callMs, windows, "sleep"));

  return {
    totalRows,
    load: { capacityRequestsPerS: capacity, ratePerSecond: loadOptions.ratePerSecond },
    yardsticks: { callMs: round(callMs), spin, sleep: idle },
    expiredRows: {
      telemetry: Number(expired!.telemetry),
      apiAccessLogs: Number(expired!.access_log),
    },
    catchUp,
    scheduled,
  };
}
