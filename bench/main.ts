/**
 * deno task bench: run by scripts/bench.sh against a local stack of its own.
 *
 * Sections, each one bounded in time:
 *   database ceiling  the same rows COPYed straight into sealog.llm_request_logs, one connection
 *   ingest            POST /ingest over real HTTP, batch sizes × concurrency, against the
 *                     HTTP ceiling (a bare hono route in the same server, same bodies)
 *   auth              GET /ingest/whoami with valid and with invalid keys
 *   reads             GET /tenant/usage, access-log pages and the NDJSON export on the large
 *                     table's tenant (bench/reads.ts)
 *   erasure, purge    on a table of --large-rows rows (default 10 million) over 100 daily
 *                     partitions: bench/large_tables.ts
 *
 * Writes bench/results/bench.json, bench.md and ingest-latency.svg (bench-quick.* with --quick).
 */
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";
import { latencyChartSvg } from "./chart.ts";
import { erasure, purge, seedLargeTable } from "./large_tables.ts";
import { reads, readsMarkdown } from "./reads.ts";
import { API_KEY, ingestHeaders, load, type LoadResult, progress, TENANT_ID } from "./load.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    "large-rows": { type: "string" },
  },
});

const PLAN = flags.quick
  ? {
    batches: [1, 100],
    concurrency: [1, 16],
    seconds: 3,
    ceilingSeconds: 2,
    warmup: 1,
    copyRows: 20_000,
    largeRows: 200_000,
  }
  : {
    batches: [1, 10, 100, 500],
    concurrency: [1, 4, 16, 64],
    seconds: 8,
    ceilingSeconds: 4,
    warmup: 2,
    copyRows: 200_000,
    largeRows: 10_000_000,
  };
if (flags["large-rows"]) PLAN.largeRows = Number(flags["large-rows"]);

const RESULTS_DIR = new URL("./results/", import.meta.url);
// Quick runs are for development: they never overwrite the committed full-run results.
const RESULT_NAME = flags.quick ? "bench-quick" : "bench";

/** Section: the database ceiling, rows/s of one COPY over one connection. */
async function databaseCeiling(sql: postgres.Sql, rows: number) {
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
  return { rows, seconds: round(seconds), rowsPerS: Math.round(rows / seconds) };
}

/** Section: ingest over HTTP at every batch size and concurrency, with the HTTP ceiling. */
async function ingestGrid(dbRowsPerS: number) {
  const runs = [];
  let expectedRows = 0;
  // Requests cut off when a run's time is up may still commit after the client gave up.
  let inFlightBound = 0;
  for (const batch of PLAN.batches) {
    for (const connections of PLAN.concurrency) {
      progress(`ingest batch ${batch} × concurrency ${connections}`);
      const ceiling = await load({
        path: "/bench/noop",
        method: "POST",
        headers: ingestHeaders(API_KEY),
        batch,
        connections,
        seconds: PLAN.ceilingSeconds,
        warmupSeconds: PLAN.warmup,
      });
      const ingest = await load({
        path: "/ingest",
        method: "POST",
        headers: ingestHeaders(API_KEY),
        batch,
        connections,
        seconds: PLAN.seconds,
        warmupSeconds: PLAN.warmup,
      });
      expectedRows += (ingest.ok + ingest.warmupOk) * batch;
      inFlightBound += 2 * connections * batch;
      runs.push({
        batch,
        concurrency: connections,
        requestsPerS: ingest.requestsPerS,
        eventsPerS: ingest.eventsPerS ?? 0,
        latencyMs: ingest.latencyMs,
        non2xx: ingest.requests - ingest.ok,
        errors: ingest.errors + ingest.timeouts,
        httpCeilingRequestsPerS: ceiling.requestsPerS,
        httpCeilingLatencyMs: ceiling.latencyMs,
        ofHttpCeiling: ratio(ingest.requestsPerS, ceiling.requestsPerS),
        ofDatabaseCeiling: ratio(ingest.eventsPerS ?? 0, dbRowsPerS),
        loadgenCpuUsPerRequest: ingest.clientCpuUsPerRequest,
      });
    }
  }
  return { runs, expectedRows, inFlightBound };
}

/**
 * Section: the same ingest load through the transaction pooler (the stack's topology) and
 * straight to PostgreSQL (a second functions server, SEALOG_BENCH_DIRECT_BASE_URL), both as
 * the functions' login, alternated twice so that drift in the machine's load hits both.
 */
async function poolerVsDirect() {
  const direct = Deno.env.get("SEALOG_BENCH_DIRECT_BASE_URL");
  if (!direct) return null;
  const rounds: { pooler: LoadResult[]; direct: LoadResult[] } = { pooler: [], direct: [] };
  for (let round = 0; round < 2; round++) {
    for (const [name, baseUrl] of [["pooler", undefined], ["direct", direct]] as const) {
      progress(`pooler vs direct: ${name}, round ${round + 1}`);
      rounds[name].push(
        await load({
          path: "/ingest",
          baseUrl,
          method: "POST",
          headers: ingestHeaders(API_KEY),
          batch: 100,
          connections: 16,
          seconds: PLAN.seconds,
          warmupSeconds: PLAN.warmup,
        }),
      );
    }
  }
  const summary = (runs: LoadResult[]) => ({
    requestsPerS: Math.round(runs.reduce((sum, r) => sum + r.requestsPerS, 0) / runs.length),
    eventsPerS: Math.round(runs.reduce((sum, r) => sum + (r.eventsPerS ?? 0), 0) / runs.length),
    p50: Math.max(...runs.map((r) => r.latencyMs.p50)),
    p99: Math.max(...runs.map((r) => r.latencyMs.p99)),
    non2xx: runs.reduce((sum, r) => sum + r.requests - r.ok, 0),
    acknowledgedEvents: runs.reduce((sum, r) => sum + (r.ok + r.warmupOk) * 100, 0),
  });
  const pooler = summary(rounds.pooler);
  const directResult = summary(rounds.direct);
  return {
    pooler,
    direct: directResult,
    poolerCost: ratio(directResult.eventsPerS - pooler.eventsPerS, directResult.eventsPerS),
  };
}

/** Section: requests/s of GET /ingest/whoami with a valid key and with an unknown one. */
async function auth() {
  // Well-formed, the same length as a real key, and unknown: it takes the full path to the database.
  const unknownKey = `slg_live_${
    Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")
  }`;
  const results: Record<string, unknown> = {};
  for (const [name, key] of [["valid", API_KEY], ["invalid", unknownKey]] as const) {
    progress(`auth with ${name} keys`);
    const run = await load({
      path: "/ingest/whoami",
      headers: { Authorization: `Bearer ${key}` },
      connections: 16,
      seconds: PLAN.seconds,
      warmupSeconds: PLAN.warmup,
    });
    results[name] = {
      requestsPerS: run.requestsPerS,
      latencyMs: run.latencyMs,
      statuses: run.statuses,
    };
  }
  return results;
}

async function machine(sql: postgres.Sql) {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const memory = Deno.systemMemoryInfo();
  const [pg] = await sql`select current_setting('server_version') as version,
    current_setting('shared_buffers') as shared_buffers,
    current_setting('synchronous_commit') as synchronous_commit`;
  const nodeVersion = await new Deno.Command("node", { args: ["--version"], stdout: "piped" })
    .output().then((out) => new TextDecoder().decode(out.stdout).trim());
  return {
    nproc: navigator.hardwareConcurrency,
    cpu: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: round(memory.total / 2 ** 30),
    loadAverageAtStart: Deno.loadavg(),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    node: nodeVersion,
    postgres: pg,
    poolSize: Number(Deno.env.get("SEALOG_DB_POOL_SIZE") ?? 2),
  };
}

function round(value: number) {
  return Math.round(value * 100) / 100;
}

function ratio(value: number, ceiling: number) {
  return ceiling > 0 ? Math.round((value / ceiling) * 1000) / 1000 : null;
}

const pct = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const int = (value: number) => Math.round(value).toLocaleString("en-US");

function markdown(report: Awaited<ReturnType<typeof main>>): string {
  const m = report.machine;
  const lines = [
    `# Benchmarks`,
    "",
    `${report.startedAt}${
      report.quick ? " (quick run)" : ""
    }: ${m.nproc} × ${m.cpu}, ${m.memoryGiB} GiB, ` +
    `load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(" ")}; ` +
    `Deno ${m.deno}, Node ${m.node}, PostgreSQL ${m.postgres!.version}, pool ${m.poolSize}.`,
    "",
    `Database ceiling (COPY of ${int(report.databaseCeiling.rows)} rows, one connection): ` +
    `**${int(report.databaseCeiling.rowsPerS)} rows/s**.`,
    "",
    "| events/request | concurrency | requests/s | events/s | p50 ms | p95 ms | p99 ms | HTTP ceiling req/s | of HTTP ceiling | of DB ceiling | non-2xx |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...report.ingest.runs.map((r) =>
      `| ${r.batch} | ${r.concurrency} | ${int(r.requestsPerS)} | ${int(r.eventsPerS)} | ` +
      `${r.latencyMs.p50} | ${r.latencyMs.p95} | ${r.latencyMs.p99} | ${
        int(r.httpCeilingRequestsPerS)
      } | ` +
      `${pct(r.ofHttpCeiling)} | ${pct(r.ofDatabaseCeiling)} | ${r.non2xx + r.errors} |`
    ),
    "",
    "| auth (GET /ingest/whoami, 16 connections) | requests/s | p50 ms | p99 ms | statuses |",
    "|---|---:|---:|---:|---|",
    ...Object.entries(report.auth).map(([name, value]) => {
      const v = value as {
        requestsPerS: number;
        latencyMs: LoadResult["latencyMs"];
        statuses: object;
      };
      return `| ${name} key | ${int(v.requestsPerS)} | ${v.latencyMs.p50} | ${v.latencyMs.p99} | ` +
        `${JSON.stringify(v.statuses)} |`;
    }),
    "",
    ...(report.poolerVsDirect
      ? [
        "| ingest, 100 events/request, 16 connections, 2 rounds each | events/s | p50 ms | p99 ms | non-2xx |",
        "|---|---:|---:|---:|---:|",
        ...(["pooler", "direct"] as const).map((name) => {
          const r = report.poolerVsDirect![name];
          return `| ${
            name === "pooler" ? "through PgBouncer (transaction mode)" : "direct to PostgreSQL"
          } | ` +
            `${int(r.eventsPerS)} | ${r.p50} | ${r.p99} | ${r.non2xx} |`;
        }),
        "",
        `The pooler costs ${pct(report.poolerVsDirect.poolerCost)} of direct throughput.`,
        "",
      ]
      : []),
    `Every acknowledged event was stored: ${int(report.rowCheck.stored)} rows for ` +
    `${int(report.rowCheck.acknowledged)} acknowledged events (requests cut off at the end of a ` +
    `run may add up to ${int(report.rowCheck.inFlightBound)}).`,
    "",
    `Large table: ${int(report.largeTable.rows)} rows over ${report.largeTable.partitions} daily ` +
    `partitions, seeded server-side at ${int(report.largeTable.rowsPerS)} rows/s.`,
    "",
    ...readsMarkdown(report.reads),
    "| erasure of one end user | rows anonymised | seconds | status |",
    "|---|---:|---:|---|",
    ...report.erasure.map((e) =>
      `| ${int(e.subjectRows)} rows among ${int(e.totalRows)} | ${int(e.rowsAnonymised)} | ` +
      `${e.seconds} | ${e.status} |`
    ),
    "",
    `Purge of the expired days: **${report.purge.seconds} s** ` +
    `(${JSON.stringify(report.purge.summary)}).`,
    "",
    "| ingest, 100 events/request, 16 connections | requests/s | p50 ms | p95 ms | p99 ms | non-2xx |",
    "|---|---:|---:|---:|---:|---:|",
    ...([["without a purge", report.purge.ingestWithout], [
      "during the purge",
      report.purge.ingestDuring,
    ]] as const).map(([name, r]) =>
      `| ${name} | ${int(r.requestsPerS)} | ${r.latencyMs.p50} | ${r.latencyMs.p95} | ` +
      `${r.latencyMs.p99} | ${r.non2xx} |`
    ),
    "",
  ];
  return lines.join("\n");
}

async function main() {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const startedAt = new Date().toISOString();
    const started = performance.now();
    const info = await machine(sql);
    progress(`database ceiling: COPY of ${PLAN.copyRows} rows`);
    const databaseCeilingResult = await databaseCeiling(sql, PLAN.copyRows);
    const ingest = await ingestGrid(databaseCeilingResult.rowsPerS);
    const authResult = await auth();
    const poolerResult = await poolerVsDirect();
    const [count] = await sql`
      select count(*)::bigint as stored from sealog.llm_request_logs where tenant_id = ${TENANT_ID}`;
    const stored = count!.stored;
    progress(
      `large table: ${PLAN.largeRows.toLocaleString("en-US")} rows over 100 daily partitions`,
    );
    const seed = await seedLargeTable(sql, PLAN.largeRows);
    const readsResult = await reads(sql, seed, { logRows: PLAN.largeRows * 0.3, samples: 20 });
    const erasureResult = await erasure(sql, seed);
    const purgeResult = await purge(sql, seed.rows);
    return {
      startedAt,
      quick: flags.quick,
      plan: PLAN,
      machine: info,
      databaseCeiling: databaseCeilingResult,
      ingest,
      auth: authResult,
      poolerVsDirect: poolerResult,
      rowCheck: {
        acknowledged: ingest.expectedRows +
          (poolerResult
            ? poolerResult.pooler.acknowledgedEvents + poolerResult.direct.acknowledgedEvents
            : 0),
        stored: Number(stored),
        inFlightBound: ingest.inFlightBound + (poolerResult ? 4 * 2 * 16 * 100 : 0),
      },
      largeTable: { ...seed, tenantId: undefined, subjectRows: undefined },
      reads: readsResult,
      erasure: erasureResult,
      purge: purgeResult,
      durationS: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const report = await main();
await Deno.mkdir(RESULTS_DIR, { recursive: true });
await Deno.writeTextFile(
  new URL(`${RESULT_NAME}.json`, RESULTS_DIR),
  JSON.stringify(report, null, 2) + "\n",
);
await Deno.writeTextFile(new URL(`${RESULT_NAME}.md`, RESULTS_DIR), markdown(report));
const svg = await latencyChartSvg(
  report.ingest.runs.map((r) => ({
    batch: r.batch,
    concurrency: r.concurrency,
    eventsPerS: r.eventsPerS,
    p50: r.latencyMs.p50,
    p99: r.latencyMs.p99,
  })),
  `POST /ingest: latency vs throughput (${report.machine.nproc} × ${report.machine.cpu})`,
);
await Deno.writeTextFile(
  new URL(`${flags.quick ? "ingest-quick" : "ingest"}-latency.svg`, RESULTS_DIR),
  svg,
);
console.log(markdown(report));
progress(`done in ${report.durationS} s; results in bench/results/${RESULT_NAME}.*`);
const { acknowledged, stored, inFlightBound } = report.rowCheck;
if (stored < acknowledged || stored > acknowledged + inFlightBound) {
  progress(`FAILED: ${stored} rows stored for ${acknowledged} acknowledged events`);
  Deno.exit(1);
}
await import("./otlp.ts"); // OTLP spans/s against /ingest, same events: bench/otlp.ts
