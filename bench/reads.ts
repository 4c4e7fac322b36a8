/**
 * Section of deno task bench: tenant reads over real HTTP on the large table's tenant
 * (bench/large_tables.ts: its rows over 100 days, 90 of them within retention).
 *   usage       GET /tenant/usage over 89 days by day and model, sequential requests, with
 *               days in UTC, America/New_York and Asia/Kolkata (a half-hour offset); timed
 *               after 6 untimed ones, the first of which is reported (`firstMs`)
 *   access log  GET /tenant/access-log, a page of 100, on `logRows` seeded rows over 89 days:
 *               the newest page, and a page at a cursor 45 days deep (a page costs the same at
 *               any depth)
 *   export      GET /tenant/access-log/export of every seeded row: rows/s, and the functions
 *               server's resident memory (VmRSS) sampled during the stream against before it
 */
import type postgres from "postgres";
import { issueKey } from "../cli/lib/keys.ts";
import { BASE_URL, progress } from "./load.ts";
import { percentile } from "./stats.ts";

const DAY_MS = 86_400_000;
/** Untimed usage reads before each zone's timed ones: past the 6th, each statement's plan is kept. */
const USAGE_WARM_UP = 6;
const round = (value: number) => Math.round(value * 100) / 100;

/** Seeds the tenant's access log: `rows` rows spread evenly over the last 89 days. */
async function seedAccessLog(sql: postgres.Sql, tenantId: string, rows: number) {
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`
      insert into sealog.api_access_log (request_id, received_at, tenant_id, scope, method, path,
                                         status_code, duration_ms, user_agent, caller_kind, db_role)
      select gen_random_uuid(), now() - interval '89 days' + g * (interval '89 days' / ${rows}::int),
             ${tenantId}::uuid, 'ingest', 'POST', '/functions/v1/ingest',
             case when g % 50 = 0 then 429 else 200 end, g % 40, 'bench-agent/1.0', 'tenant_key',
             'sealog_edge'
        from generate_series(1, ${rows}::int) as g`;
  });
  await sql`analyze sealog.api_access_log`;
}

/**
 * Times `count` sequential GETs, with the statuses that were not 200 (a 503 is a timeout), after
 * `warmUp` untimed ones: a pooled server connection's first calls plan the read's statements
 * (a generic plan on the 6th), which a dashboard's steady reads no longer pay. The first warm-up
 * request's time is reported apart (`firstMs`), so that the cold cost stays visible.
 */
async function timeGets(path: string, key: string, count: number, warmUp = 0) {
  const times: number[] = [];
  const failed: Record<number, number> = {};
  let firstMs: number | undefined;
  for (let i = 0; i < warmUp; i++) {
    const started = performance.now();
    const response = await fetch(`${BASE_URL}${path}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    await response.arrayBuffer();
    firstMs ??= round(performance.now() - started);
  }
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${BASE_URL}${path}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) failed[response.status] = (failed[response.status] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  return {
    requests: count,
    p50: round(percentile(times, 50)!),
    p95: round(percentile(times, 95)!),
    failed,
    ...(firstMs === undefined ? {} : { warmUp, firstMs }),
  };
}

/** The access log's cursor at the row just before `ageMs` ago. */
async function cursorAt(key: string, ageMs: number): Promise<string> {
  const to = new Date(Date.now() - ageMs).toISOString();
  const response = await fetch(`${BASE_URL}/tenant/access-log?limit=1&to=${to}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  const cursor = (await response.json()).next_cursor;
  if (typeof cursor !== "string") throw new Error(`no cursor ${ageMs} ms back: ${response.status}`);
  return cursor;
}

/** Resident memory of a process in MiB, from /proc; null when it cannot be read. */
function rssMiB(pid: string | undefined): number | null {
  if (!pid) return null;
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kib ? round(Number(kib) / 1024) : null;
  } catch {
    return null;
  }
}

/** Streams the export, counting lines, while sampling the server's memory. */
async function timeExport(key: string, serverPid: string | undefined) {
  const rssBefore = rssMiB(serverPid);
  let rssPeak = rssBefore ?? 0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(serverPid) ?? 0);
  }, 50);
  const started = performance.now();
  const from = new Date(Date.now() - 89 * DAY_MS).toISOString();
  const response = await fetch(`${BASE_URL}/tenant/access-log/export?from=${from}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (response.status !== 200) throw new Error(`export: ${response.status}`);
  let rows = 0;
  for await (const chunk of response.body!) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return {
    rows,
    seconds: round(seconds),
    rowsPerS: Math.round(rows / seconds),
    serverRssMiB: { before: rssBefore, peak: rssBefore === null ? null : rssPeak },
  };
}

export async function reads(
  sql: postgres.Sql,
  seed: { tenantId: string; rows: number },
  options: { logRows: number; samples: number },
) {
  const key = (await issueKey(sql, seed.tenantId, { scopes: ["read", "audit"], label: "bench" }))
    .api_key;
  progress(`reads: seeding ${options.logRows.toLocaleString("en-US")} access-log rows`);
  await seedAccessLog(sql, seed.tenantId, options.logRows);
  const from = new Date(Date.now() - 89 * DAY_MS).toISOString();
  progress("reads: usage over 89 days by day and model");
  const usagePath = `/tenant/usage?from=${from}&granularity=day&group_by=model`;
  const usage = await timeGets(usagePath, key, options.samples, USAGE_WARM_UP);
  const usageNewYork = await timeGets(
    `${usagePath}&time_zone=America/New_York`,
    key,
    options.samples,
    USAGE_WARM_UP,
  );
  const usageKolkata = await timeGets(
    `${usagePath}&time_zone=Asia/Kolkata`,
    key,
    options.samples,
    USAGE_WARM_UP,
  );
  progress("reads: access-log pages of 100");
  const page = await timeGets("/tenant/access-log?limit=100", key, options.samples * 5);
  const deep = await timeGets(
    `/tenant/access-log?limit=100&cursor=${await cursorAt(key, 45 * DAY_MS)}`,
    key,
    options.samples * 5,
  );
  progress("reads: NDJSON export of the access log");
  const exported = await timeExport(key, Deno.env.get("SEALOG_BENCH_SERVER_PID"));
  return {
    telemetryRows: seed.rows,
    logRows: options.logRows,
    usage,
    usageNewYork,
    usageKolkata,
    page,
    deep,
    export: exported,
  };
}

/** The section's lines of bench.md. */
export function readsMarkdown(result: Awaited<ReturnType<typeof reads>>): string[] {
  const int = (n: number) => n.toLocaleString("en-US");
  return [
    `| tenant reads over HTTP (${int(result.telemetryRows)} telemetry rows, ${
      int(result.logRows)
    } access-log rows) | requests | p50 ms | p95 ms | not 200 |`,
    "|---|---:|---:|---:|---|",
    ...([["UTC", result.usage], ["America/New_York", result.usageNewYork], [
      "Asia/Kolkata",
      result.usageKolkata,
    ]] as const).map(([zone, run]) =>
      `| usage, 89 days by day (${zone}) and model (after ${run.warmUp} untimed; the first ${run.firstMs} ms) | ${run.requests} | ${run.p50} | ${run.p95} | ${
        JSON.stringify(run.failed)
      } |`
    ),
    `| access log, a page of 100 | ${result.page.requests} | ${result.page.p50} | ${result.page.p95} | ${
      JSON.stringify(result.page.failed)
    } |`,
    `| access log, a page of 100 at a cursor 45 days deep | ${result.deep.requests} | ${result.deep.p50} | ${result.deep.p95} | ${
      JSON.stringify(result.deep.failed)
    } |`,
    "",
    `NDJSON export: ${int(result.export.rows)} rows in ${result.export.seconds} s, ` +
    `**${int(result.export.rowsPerS)} rows/s**; functions server RSS ` +
    `${result.export.serverRssMiB.before} MiB before, ${result.export.serverRssMiB.peak} MiB peak.`,
    "",
  ];
}
