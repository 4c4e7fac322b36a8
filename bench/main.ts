/**
 * deno task bench: run by scripts/bench.sh against a local stack of its own.
 *
 * Sections, each one bounded in time:
 *   database ceiling  the same rows COPYed straight into sealog.llm_request_logs, one connection
 *   ingest            POST /ingest over real HTTP, batch sizes × concurrency, against the
 *                     HTTP ceiling (a bare hono route in the same server, same bodies)
 *   auth              GET /ingest/whoami with valid and with invalid keys
 *   P1, P2, P6        ingest against COPY, against pgbench, one tenant against 16, with
 *                     evidence of what bounds each (bench/ratios.ts, bench/profile.ts)
 *   reads             GET /tenant/usage, access-log pages and the NDJSON export on the large
 *                     table's tenant (bench/reads.ts)
 *   erasure, purge    on tables of a tenth of --large-rows rows, then of --large-rows rows
 *                     (default 10 million) over 100 daily partitions: bench/large_tables.ts
 *
 * Writes bench/results/bench.json, bench.md and ingest-latency.svg (bench-quick.* with --quick).
 * --only reads seeds the large table at --large-rows and runs the reads section alone;
 * (bench/results/reads-only.json); --only purge seeds both sizes and runs the purge section alone
 * (bench/results/purge-only.json); --only ratios runs P1, P2 and P6 alone
 * (bench/results/ratios-only.json).
 */
import { Buffer } from "node:buffer";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";
import { DB_POOL_SIZE_DEFAULT } from "../supabase/functions/_shared/config.ts";
import { latencyChartSvg } from "./chart.ts";
import { erasure, pauseScheduledPurges, purge, seedLargeTable } from "./large_tables.ts";
import { reads, readsMarkdown } from "./reads.ts";
import { API_KEY, ingestHeaders, load, type LoadResult, progress, TENANT_ID } from "./load.ts";
import { databaseCeiling, p1, p2, p6, type RowTally, tally } from "./ratios.ts";
import type { Profile } from "./profile.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    "large-rows": { type: "string" },
    // --only reads: the large table's seed at --large-rows and the reads section, nothing else;
    // --only purge: both sizes' seeds and the purges, nothing else; --only ratios: P1, P2, P6.
    only: { type: "string" },
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
    ratioSeconds: 3,
    ratioWarmup: 1,
  }
  : {
    batches: [1, 10, 100, 500],
    concurrency: [1, 4, 16, 64],
    seconds: 6,
    ceilingSeconds: 3,
    warmup: 2,
    copyRows: 200_000,
    largeRows: 10_000_000,
    ratioSeconds: 6,
    ratioWarmup: 1,
  };
if (flags["large-rows"]) PLAN.largeRows = Number(flags["large-rows"]);

const RESULTS_DIR = new URL("./results/", import.meta.url);
// Quick runs are for development: they never overwrite the committed full-run results.
const RESULT_NAME = flags.quick ? "bench-quick" : "bench";

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
    poolSize: Number(Deno.env.get("SEALOG_DB_POOL_SIZE") ?? DB_POOL_SIZE_DEFAULT),
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
    `Large tables: ${int(report.smallTable.rows)}, then ${int(report.largeTable.rows)} telemetry ` +
    `rows and as many access-log rows over ${report.largeTable.partitions} daily partitions, ` +
    `seeded server-side at ${int(report.largeTable.rowsPerS)} rows/s (both tables at once).`,
    "",
    ...readsMarkdown(report.reads),
    "| erasure of one end user | rows deleted | seconds | status | then the rollups' fold: deltas, seconds |",
    "|---|---:|---:|---|---:|",
    ...report.erasure.map((e) =>
      `| ${int(e.subjectRows)} rows among ${int(e.totalRows)} | ${int(e.rowsDeleted)} | ` +
      `${e.seconds} | ${e.status} | ${int(e.fold.deltas)}, ${e.fold.seconds} |`
    ),
    "",
    ...report.erasure.flatMap((e) =>
      e.profile
        ? [
          `Erasure of ${int(e.subjectRows)} rows: its costliest statements ` +
          `(pg_stat_statements), ${int(e.profile.wal.bytesPerCommit)} WAL bytes, ` +
          `backends: ${JSON.stringify(e.profile.waits)}.`,
          "",
          "| top level | calls | mean ms | total ms | statement |",
          "|---|---:|---:|---:|---|",
          ...statementRows(e.profile.statements.slice(0, 6)),
          "",
        ]
        : []
    ),
    ...purgesMarkdown(report.purges),
    ...ratiosMarkdown(report),
  ];
  return lines.join("\n");
}

/** The purges at both sizes: each call, then ingest during them against between them. */
function purgesMarkdown(purges: Awaited<ReturnType<typeof purge>>[]): string[] {
  return [
    "| purge under ingest load (100 events/request, 16 connections) | rows per table | run | seconds, commit included | in the function, ms | partitions dropped | rows deleted | complete |",
    "|---|---:|---|---:|---:|---:|---:|---|",
    ...purges.flatMap((p) =>
      [
        ...p.catchUp.purges.map((run) => ({ ...run, at: "catch-up" })),
        ...p.scheduled.purges,
      ].map((run) =>
        `| ${run.category} | ${int(p.totalRows)} | ${run.at} | ${run.seconds} | ` +
        `${run.functionMs ?? "–"} | ${run.partitionsDropped} | ${
          int(run.rowsDeleted)
        } | ${run.complete} |`
      )
    ),
    "",
    `Ingest under the purges (1 event/request, 16 connections, one load run per row, at half the rate the stack answered saturated just before: ${
      purges.map((p) =>
        `${int(p.load.ratePerSecond ?? 0)} of ${int(p.load.capacityRequestsPerS)}/s at ${
          int(p.totalRows)
        } rows`
      ).join(", ")
    }): the requests in flight during each purge call against those in flight during a control window of the same length 0.75 s after it, with load alone.`,
    "",
    "| ingest, 1 event/request, 16 connections | requests/s | non-2xx | responses during / without | p50 ms during / without | p99 ms during / without | p99 ÷ without |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...purges.flatMap((p) =>
      ([
        ["the catch-up purges", p.catchUp],
        ["the next scheduled purges", p.scheduled],
        [`a CPU spin of ${p.yardsticks.callMs} ms (the median scheduled call)`, p.yardsticks.spin],
        [`a sleep of ${p.yardsticks.callMs} ms`, p.yardsticks.sleep],
      ] as const).map(([name, r]) =>
        `| ${name}, ${int(p.totalRows)} rows | ${
          int(r.ingest.requestsPerS)
        } | ${r.ingest.non2xx} | ` +
        `${int(r.during.requests)} / ${
          int(r.without.requests)
        } | ${r.during.p50} / ${r.without.p50} | ` +
        `${r.during.p99} / ${r.without.p99} | ${r.p99Ratio} |`
      )
    ),
    "",
    `Ingest p99 during the scheduled purges ÷ without: ${
      purges.map((p) => `**${p.scheduled.p99Ratio}** at ${int(p.totalRows)} rows`).join(", ")
    } (goal ≤ 1.5); during the catch-up: ${
      purges.map((p) => `${p.catchUp.p99Ratio} at ${int(p.totalRows)} rows`).join(", ")
    }. The yardsticks, calls as long as the median scheduled one in their own load runs: a backend that only spins on the CPU, ${
      purges.map((p) => `${p.yardsticks.spin.p99Ratio} at ${int(p.totalRows)} rows`).join(", ")
    }; one that only sleeps, ${
      purges.map((p) => `${p.yardsticks.sleep.p99Ratio} at ${int(p.totalRows)} rows`).join(", ")
    }.`,
    "",
  ];
}

function statementRows(statements: Profile["statements"]): string[] {
  return statements.map((st) =>
    `| ${st.toplevel} | ${int(st.calls)} | ${st.mean_ms} | ${int(st.total_ms)} | \`${
      String(st.query).replaceAll("|", "\\|")
    }\` |`
  );
}

function ratiosMarkdown(report: Awaited<ReturnType<typeof ratios>>): string[] {
  const { p1: r1, p2: r2, p6: r6 } = report;
  const profiles: Profile[] = [
    ...r1.profiles,
    ...r2.profiles,
    ...r6.flatMap((c) => (c.profile ? [c.profile] : [])),
  ];
  return [
    "## How close to the hardware (each side alternated twice, 16 connections)",
    "",
    "| ratio | measured | against | ratio | goal |",
    "|---|---:|---:|---:|---:|",
    `| P1, 100 events/request | ${int(r1.batch100.eventsPerS)} events/s | COPY ${
      int(r1.copyRowsPerS)
    } rows/s | **${r1.batch100.ratio}** | ≥ 0.5 |`,
    `| P1, 500 events/request | ${int(r1.batch500.eventsPerS)} events/s | COPY ${
      int(r1.copyRowsPerS)
    } rows/s | **${r1.batch500.ratio}** | |`,
    ...(r1.batch100Pool16
      ? [
        `| P1, 100 events/request, functions pool of 16 | ${
          int(r1.batch100Pool16.eventsPerS)
        } events/s | COPY ${int(r1.copyRowsPerS)} rows/s | **${r1.batch100Pool16.ratio}** | |`,
      ]
      : []),
    `| P2, 1 event/request | ${int(r2.requestsPerS)} requests/s | pgbench ${
      int(r2.pgbenchTps)
    } transactions/s | **${r2.ratio}** | ≥ 0.5 |`,
    ...(r2.pool16
      ? [
        `| P2, 1 event/request, functions pool of 16 | ${
          int(r2.pool16.requestsPerS)
        } requests/s | pgbench ${int(r2.pgbenchTps)} transactions/s | **${r2.pool16.ratio}** | |`,
      ]
      : []),
    ...r6.map((c) =>
      `| P6, ${c.name} | one: ${int(c.one.requestsPerS)} requests/s | 16 tenants: ${
        int(c.sixteen.requestsPerS)
      } requests/s | **${c.ratio}** | ≥ 0.9 |`
    ),
    "",
    "Evidence (first round of each side): CPU in cores of each process group, the machine's " +
    "busy share (other work included), the stack's backends by wait event (mean per sample; " +
    "CPU = no wait), and WAL commits per flush.",
    "",
    "| load | postgres | functions | pgbouncer | load generator | machine busy | backends: waits | commits/s | commits per WAL flush | ms per flush | WAL bytes/commit |",
    "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|",
    ...profiles.map((p) =>
      `| ${p.label} | ${p.cpuCores.postgres} | ${p.cpuCores.functions} | ${p.cpuCores.pgbouncer} | ${
        p.cpuCores["load generator"]
      } | ${pct(p.machineBusy)} | ${p.activeBackends}: ${
        Object.entries(p.waits).slice(0, 4).map(([w, n]) => `${w} ${n}`).join(", ")
      } | ${int(p.wal.commitsPerS)} | ${p.wal.commitsPerFlush} | ${p.wal.msPerFlush} | ${
        int(p.wal.bytesPerCommit)
      } |`
    ),
    "",
    "Costliest statements (pg_stat_statements, nested included) during single-event ingest:",
    "",
    "| top level | calls | mean ms | total ms | statement |",
    "|---|---:|---:|---:|---|",
    ...statementRows((r2.profiles[0]?.statements ?? []).slice(0, 8)),
    "",
  ];
}

/** Section: P1, P2 and P6 (bench/ratios.ts). */
async function ratios(sql: postgres.Sql, rows: RowTally) {
  const plan = {
    seconds: PLAN.ratioSeconds,
    warmup: PLAN.ratioWarmup,
    copyRows: PLAN.copyRows / 2,
  };
  const p1Result = await p1(sql, plan, rows);
  const p2Result = await p2(sql, plan, rows);
  const p6Result = await p6(sql, plan, rows);
  return { p1: p1Result, p2: p2Result, p6: p6Result };
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
    const ratioRows = tally();
    const { p1: p1Result, p2: p2Result, p6: p6Result } = await ratios(sql, ratioRows);
    const [count] = await sql`
      select count(*)::bigint as stored from sealog.llm_request_logs where tenant_id = ${TENANT_ID}`;
    const stored = count!.stored;
    // The purges at a tenth of the size, then at the full size with the other sections.
    const resumePurges = await pauseScheduledPurges(sql);
    let smallSeed, smallPurge, seed, readsResult, erasureResult, purgeResult;
    try {
      const smallRows = Math.round(PLAN.largeRows / 10);
      progress(`large tables: ${smallRows.toLocaleString("en-US")} rows over 100 daily partitions`);
      smallSeed = await seedLargeTable(sql, smallRows);
      smallPurge = await purge(sql, smallSeed.rows);
      progress(
        `large tables: ${PLAN.largeRows.toLocaleString("en-US")} rows over 100 daily partitions`,
      );
      seed = await seedLargeTable(sql, PLAN.largeRows);
      readsResult = await reads(sql, seed, { logRows: PLAN.largeRows * 0.3, samples: 20 });
      erasureResult = await erasure(sql, seed);
      purgeResult = await purge(sql, seed.rows);
    } finally {
      await resumePurges();
    }
    return {
      startedAt,
      quick: flags.quick,
      plan: PLAN,
      machine: info,
      databaseCeiling: databaseCeilingResult,
      ingest,
      auth: authResult,
      poolerVsDirect: poolerResult,
      p1: p1Result,
      p2: p2Result,
      p6: p6Result,
      rowCheck: {
        acknowledged: ingest.expectedRows + ratioRows.acknowledged +
          (poolerResult
            ? poolerResult.pooler.acknowledgedEvents + poolerResult.direct.acknowledgedEvents
            : 0),
        stored: Number(stored),
        inFlightBound: ingest.inFlightBound + ratioRows.inFlightBound +
          (poolerResult ? 4 * 2 * 16 * 100 : 0),
      },
      largeTable: { ...seed, tenantId: undefined, subjectRows: undefined },
      smallTable: { ...smallSeed, tenantId: undefined, subjectRows: undefined },
      reads: readsResult,
      erasure: erasureResult,
      purges: [smallPurge, purgeResult],
      durationS: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (flags.only === "purge") {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  const resumePurges = await pauseScheduledPurges(sql);
  try {
    const purges = [];
    for (const rows of [PLAN.largeRows / 10, PLAN.largeRows]) {
      progress(`large tables: ${rows.toLocaleString("en-US")} rows, then the purges`);
      const seed = await seedLargeTable(sql, rows);
      purges.push(await purge(sql, seed.rows));
    }
    await Deno.mkdir(RESULTS_DIR, { recursive: true });
    await Deno.writeTextFile(
      new URL("purge-only.json", RESULTS_DIR),
      JSON.stringify({ startedAt: new Date().toISOString(), purges }, null, 2) + "\n",
    );
    console.log(purgesMarkdown(purges).join("\n"));
  } finally {
    await resumePurges();
    await sql.end({ timeout: 5 });
  }
  Deno.exit(0);
}

if (flags.only === "ratios") {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const startedAt = new Date().toISOString();
    const info = await machine(sql);
    const result = await ratios(sql, tally());
    await Deno.mkdir(RESULTS_DIR, { recursive: true });
    await Deno.writeTextFile(
      new URL("ratios-only.json", RESULTS_DIR),
      JSON.stringify({ startedAt, machine: info, ...result }, null, 2) + "\n",
    );
    console.log(ratiosMarkdown(result).join("\n"));
  } finally {
    await sql.end({ timeout: 5 });
  }
  Deno.exit(0);
}

if (flags.only !== undefined) {
  if (flags.only !== "reads") throw new Error(`--only: unknown section ${flags.only}`);
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    progress(`large table: ${PLAN.largeRows.toLocaleString("en-US")} rows, then the reads`);
    const seed = await seedLargeTable(sql, PLAN.largeRows);
    const result = await reads(sql, seed, { logRows: PLAN.largeRows * 0.3, samples: 20 });
    await Deno.mkdir(RESULTS_DIR, { recursive: true });
    await Deno.writeTextFile(
      new URL("reads-only.json", RESULTS_DIR),
      JSON.stringify({ seed: { ...seed, tenantId: undefined }, reads: result }, null, 2) + "\n",
    );
    console.log(readsMarkdown(result).join("\n"));
  } finally {
    await sql.end({ timeout: 5 });
  }
  Deno.exit(0);
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
