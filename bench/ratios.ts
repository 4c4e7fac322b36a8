/**
 * Sections of deno task bench that say how close ingest is to the hardware, each a ratio
 * measured in one run, its two sides alternated twice so that drift in the machine's load
 * hits both, with evidence of what bounds it (bench/profile.ts):
 *   P1  events/s at 100 and 500 events per request ÷ COPY of the same rows, one connection
 *       (100 events also through a functions server with a pool of 16)
 *   P2  single-event requests/s ÷ pgbench's transactions/s for a durable transaction writing
 *       the rows one such request writes (bench/pgbench_ingest.sql), both at 16 connections
 *   P6  one tenant over 16 connections ÷ 16 tenants over 16 connections, for single-event and
 *       100-event requests, and a flood of unknown keys (one reserved bucket) ÷ 16 tenants' keys
 */
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";
import { issueKey } from "../cli/lib/keys.ts";
import { API_KEY, ingestHeaders, load, type LoadResult, progress, TENANT_ID } from "./load.ts";
import { type Profile, startProfile } from "./profile.ts";

export type RatioPlan = { seconds: number; warmup: number; copyRows: number };

const CONNECTIONS = 16;
const ROUNDS = 2;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const ratio = (value: number, ceiling: number) =>
  ceiling > 0 ? Math.round((value / ceiling) * 1000) / 1000 : null;

/** Events the bench tenant acknowledged in a run, and how many more may have committed. */
export type RowTally = { acknowledged: number; inFlightBound: number };
const tally = (): RowTally => ({ acknowledged: 0, inFlightBound: 0 });
function count(rows: RowTally, run: LoadResult, batch: number, connections: number) {
  rows.acknowledged += (run.ok + run.warmupOk) * batch;
  rows.inFlightBound += 2 * connections * batch;
}

/** Rows/s of one COPY of the bench's event rows over one connection (then removed). */
export async function databaseCeiling(sql: postgres.Sql, rows: number) {
  const occurredAt = new Date().toISOString();
  function* lines() {
    for (let i = 0; i < rows; i++) {
      yield `${TENANT_ID}\t${occurredAt}\t${crypto.randomUUID()}\tbench-copy-${i % 8}\t` +
        `gpt-4o-mini\topenai\t1200\t350\t512\t840\t4210\tok\t{PII_EMAIL}\tbench-agent\n`;
    }
  }
  const started = performance.now();
  const writable = await sql`
    copy sealog.llm_request_logs (
      tenant_id, occurred_at, event_id, session_id, model, provider, input_tokens, output_tokens,
      cache_read_input_tokens, latency_ms, cost_micro_usd, status, risk_tags, agent_id
    ) from stdin`.writable();
  await pipeline(Readable.from(lines(), { objectMode: false }), writable);
  const seconds = (performance.now() - started) / 1000;
  // These rows are the ceiling's, not ingest's: remove them so the row-count check stays exact.
  await sql`delete from sealog.llm_request_logs
             where tenant_id = ${TENANT_ID} and session_id like 'bench-copy-%'`;
  return { rows, seconds: Math.round(seconds * 100) / 100, rowsPerS: Math.round(rows / seconds) };
}

function ingest(plan: RatioPlan, batch: number, keys?: string[], baseUrl?: string) {
  return load({
    path: "/ingest",
    ...(baseUrl && { baseUrl }),
    method: "POST",
    headers: ingestHeaders(API_KEY),
    batch,
    ...(keys && { keys }),
    connections: CONNECTIONS,
    seconds: plan.seconds,
    warmupSeconds: plan.warmup,
  });
}

/** Runs `work` with evidence taken on the first round only (the profile costs a little CPU). */
async function profiled<T>(round: number, label: string, work: () => Promise<T>) {
  if (round > 0) return { result: await work(), profile: null };
  const profile = startProfile(label);
  const result = await work();
  return { result, profile: await profile.stop() };
}

/** P1: ingest events/s at 100 and 500 events per request ÷ the COPY ceiling. */
export async function p1(sql: postgres.Sql, plan: RatioPlan, rows: RowTally) {
  const copy: number[] = [];
  const runs: Record<100 | 500, LoadResult[]> = { 100: [], 500: [] };
  const wideRuns: LoadResult[] = [];
  const profiles: Profile[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    progress(`P1, round ${round + 1}: COPY of ${plan.copyRows} rows, then ingest at 100 and 500`);
    copy.push((await databaseCeiling(sql, plan.copyRows)).rowsPerS);
    for (const batch of [100, 500] as const) {
      const { result, profile } = await profiled(
        round,
        `ingest, ${batch} events/request, ${CONNECTIONS} connections`,
        () => ingest(plan, batch),
      );
      count(rows, result, batch, CONNECTIONS);
      runs[batch].push(result);
      if (profile) profiles.push(profile);
    }
    const wideUrl = Deno.env.get("SEALOG_BENCH_WIDE_BASE_URL");
    if (wideUrl) {
      const wide = await ingest(plan, 100, undefined, wideUrl);
      count(rows, wide, 100, CONNECTIONS);
      wideRuns.push(wide);
    }
  }
  const copyRowsPerS = Math.round(mean(copy));
  const side = (batch: 100 | 500) => {
    const eventsPerS = Math.round(mean(runs[batch].map((r) => r.eventsPerS ?? 0)));
    return {
      eventsPerS,
      p99: Math.max(...runs[batch].map((r) => r.latencyMs.p99)),
      non2xx: runs[batch].reduce((sum, r) => sum + r.requests - r.ok, 0),
      ratio: ratio(eventsPerS, copyRowsPerS),
    };
  };
  const wideEventsPerS = wideRuns.length
    ? Math.round(mean(wideRuns.map((r) => r.eventsPerS ?? 0)))
    : null;
  return {
    copyRowsPerS,
    copyRuns: copy,
    batch100: side(100),
    batch500: side(500),
    // The same 100-event load through a functions server with a pool of 16.
    batch100Pool16: wideEventsPerS === null
      ? null
      : { eventsPerS: wideEventsPerS, ratio: ratio(wideEventsPerS, copyRowsPerS) },
    profiles,
  };
}

async function runPgbench(seconds: number, tenantId: string, keyId: string) {
  const binary = Deno.env.get("SEALOG_PGBENCH") ?? "pgbench";
  const output = await new Deno.Command(binary, {
    args: [
      "-n", // no vacuum of pgbench's own tables: it has none here
      "-M",
      "prepared",
      "-c",
      String(CONNECTIONS),
      "-j",
      "2",
      "-T",
      String(seconds),
      "-D",
      `tenant=${tenantId}`,
      "-D",
      `key=${keyId}`,
      "-f",
      new URL("./pgbench_ingest.sql", import.meta.url).pathname,
      operatorDatabaseUrl(),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(text)?.[1];
  if (!output.success || !tps) {
    throw new Error(`pgbench failed: ${new TextDecoder().decode(output.stderr)}${text}`);
  }
  const failed = Number(/number of failed transactions: (\d+)/.exec(text)?.[1] ?? 0);
  return { tps: Math.round(Number(tps)), failed };
}

/**
 * P2: single-event ingest requests/s ÷ pgbench's durable transactions/s of the same rows; also
 * through a functions server with a pool of 16 (SEALOG_BENCH_WIDE_BASE_URL), the database
 * concurrency of pgbench's 16 clients, where the default pool of 2 allows two transactions.
 */
export async function p2(sql: postgres.Sql, plan: RatioPlan, rows: RowTally) {
  // A tenant of its own for pgbench, with its key and its 16 rate-limit shards.
  const [tenant] = await sql`select sealog_admin.create_tenant('bench pgbench', 100000) as id`;
  const tenantId = tenant!.id as string;
  const { key_id: keyId } = await issueKey(sql, tenantId, { scopes: ["ingest"] });
  await sql`insert into sealog.rate_limit_buckets (tenant_id, shard, tokens, refilled_at, last_allowed)
            select ${tenantId}::uuid, s, 1e9, now(), true from generate_series(0, 15) as s`;
  const ingestRuns: LoadResult[] = [];
  const wideRuns: LoadResult[] = [];
  const wideUrl = Deno.env.get("SEALOG_BENCH_WIDE_BASE_URL");
  const pgbenchRuns: { tps: number; failed: number }[] = [];
  const profiles: Profile[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    progress(`P2, round ${round + 1}: single-event ingest, pgbench, ingest with a pool of 16`);
    const http = await profiled(
      round,
      `ingest, 1 event/request, ${CONNECTIONS} connections`,
      () => ingest(plan, 1),
    );
    count(rows, http.result, 1, CONNECTIONS);
    ingestRuns.push(http.result);
    const bench = await profiled(
      round,
      `pgbench, the same rows, ${CONNECTIONS} clients`,
      () => runPgbench(plan.seconds, tenantId, keyId),
    );
    pgbenchRuns.push(bench.result);
    const wide = wideUrl
      ? await profiled(
        round,
        `ingest, 1 event/request, ${CONNECTIONS} connections, pool of 16`,
        () => ingest(plan, 1, undefined, wideUrl),
      )
      : null;
    if (wide) {
      count(rows, wide.result, 1, CONNECTIONS);
      wideRuns.push(wide.result);
    }
    for (const p of [http.profile, bench.profile, wide?.profile]) if (p) profiles.push(p);
  }
  const requestsPerS = Math.round(mean(ingestRuns.map((r) => r.requestsPerS)));
  const pgbenchTps = Math.round(mean(pgbenchRuns.map((r) => r.tps)));
  const wideRequestsPerS = wideRuns.length
    ? Math.round(mean(wideRuns.map((r) => r.requestsPerS)))
    : null;
  return {
    requestsPerS,
    requestsPerSRuns: ingestRuns.map((r) => r.requestsPerS),
    p99: Math.max(...ingestRuns.map((r) => r.latencyMs.p99)),
    non2xx: [...ingestRuns, ...wideRuns].reduce((sum, r) => sum + r.requests - r.ok, 0),
    pgbenchTps,
    pgbenchTpsRuns: pgbenchRuns.map((r) => r.tps),
    pgbenchFailed: pgbenchRuns.reduce((sum, r) => sum + r.failed, 0),
    ratio: ratio(requestsPerS, pgbenchTps),
    pool16: wideRequestsPerS === null ? null : {
      requestsPerS: wideRequestsPerS,
      requestsPerSRuns: wideRuns.map((r) => r.requestsPerS),
      p99: Math.max(...wideRuns.map((r) => r.latencyMs.p99)),
      ratio: ratio(wideRequestsPerS, pgbenchTps),
    },
    profiles,
  };
}

/** P6: one tenant (or the reserved bucket) ÷ 16 tenants, each over 16 connections. */
export async function p6(sql: postgres.Sql, plan: RatioPlan, rows: RowTally) {
  const keys: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const [tenant] = await sql`select sealog_admin.create_tenant(${`bench p6 ${i}`}, 100000) as id`;
    keys.push((await issueKey(sql, tenant!.id, { scopes: ["ingest"] })).api_key);
  }
  // Well-formed, the length of a real key, unknown: each takes the full path to the database.
  const unknownKeys = keys.map(() =>
    `slg_live_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`
  );
  const whoami = (keySet: string[]) =>
    load({
      path: "/ingest/whoami",
      keys: keySet,
      connections: CONNECTIONS,
      seconds: plan.seconds,
      warmupSeconds: plan.warmup,
    });
  const cases = [
    {
      name: "single-event ingest",
      one: () => ingest(plan, 1),
      sixteen: () => ingest(plan, 1, keys),
      batch: 1,
    },
    {
      name: "100-event ingest",
      one: () => ingest(plan, 100),
      sixteen: () => ingest(plan, 100, keys),
      batch: 100,
    },
    {
      name: "unknown keys (GET /ingest/whoami)",
      one: () => whoami(unknownKeys),
      sixteen: () => whoami(keys),
      batch: 0,
    },
  ];
  const results = [];
  for (const c of cases) {
    const one: LoadResult[] = [];
    const sixteen: LoadResult[] = [];
    let profile: Profile | null = null;
    for (let round = 0; round < ROUNDS; round++) {
      progress(`P6, ${c.name}, round ${round + 1}: one tenant, then 16 tenants`);
      const run = await profiled(round, `P6 ${c.name}: one tenant, 16 connections`, c.one);
      if (c.batch) count(rows, run.result, c.batch, CONNECTIONS);
      one.push(run.result);
      profile ??= run.profile;
      sixteen.push(await c.sixteen());
    }
    const rate = (runs: LoadResult[]) => Math.round(mean(runs.map((r) => r.requestsPerS)));
    const side = (runs: LoadResult[]) => ({
      requestsPerS: rate(runs),
      runs: runs.map((r) => r.requestsPerS),
      p99: Math.max(...runs.map((r) => r.latencyMs.p99)),
      statuses: runs.reduce<Record<string, number>>((all, r) => {
        for (const [status, n] of Object.entries(r.statuses)) all[status] = (all[status] ?? 0) + n;
        return all;
      }, {}),
    });
    results.push({
      name: c.name,
      one: side(one),
      sixteen: side(sixteen),
      ratio: ratio(rate(one), rate(sixteen)),
      profile,
    });
  }
  return results;
}

export { tally };
