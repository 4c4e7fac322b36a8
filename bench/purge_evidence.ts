/**
 * The server's side of a purge load run, kept to explain a slow request (bench/purge_why.ts
 * prints it): every SAMPLE_MS, on a connection of its own, the backends that are not idle with
 * their wait events, pg_stat_bgwriter, pg_stat_wal and the machine's CPU; at the end, the purge
 * log's rows, pg_cron's runs, the functions' own duration of each request (the access log) and
 * the server log's lines (checkpoints, vacuums, locks: scripts/bench.sh sets log_checkpoints,
 * log_autovacuum_min_duration = 0 and log_lock_waits on the bench cluster) over the same span.
 * Written beside the load's timeline and windows to .sealog/purge-evidence/ (git-ignored):
 * evidence for a developer, not a result.
 */
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";

const SAMPLE_MS = 100;
const EVIDENCE_DIR = new URL("../.sealog/purge-evidence/", import.meta.url);

/** The machine's CPU ticks (all cores): busy and total, from /proc/stat. */
function machineTicks(): [number, number] {
  const fields = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.trim().split(/\s+/)
    .slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  return [total - fields[3]! - fields[4]!, total]; // idle and iowait are not busy
}

export type Sample = {
  at: number;
  /** How late this sample's timer fired (ms): the bench process itself stalled. */
  lateMs: number;
  /** The machine's busy share of CPU since the previous sample, 0 to 1. */
  cpu: number | null;
  active: {
    pid: number;
    type: string;
    wait: string | null;
    state: string;
    query: string;
    /** For a lock wait, the backends it waits for (pg_blocking_pids). */
    blockedBy: number[] | null;
  }[];
  bgwriter: Record<string, number>;
  wal: Record<string, number>;
};

export function startEvidence() {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  const startedAt = Date.now();
  const samples: Sample[] = [];
  let stopped = false;
  // The purge log's rows from here on: their ran_at is the run's p_now, hours or days ahead.
  let lastPurgeBefore = "0";
  const loop = (async () => {
    const [last] = await sql`select coalesce(max(purge_id), 0)::text as id from sealog.purge_log`;
    lastPurgeBefore = last!.id;
    let due = Date.now();
    let ticks = machineTicks();
    while (!stopped) {
      const lateMs = Date.now() - due;
      const [row] = await sql`
        select (select coalesce(jsonb_agg(jsonb_build_object(
                  'pid', pid, 'type', backend_type, 'state', coalesce(state, ''),
                  'wait', wait_event_type || '/' || wait_event, 'query', left(query, 60),
                  'blockedBy', case when wait_event_type = 'Lock' then pg_blocking_pids(pid) end)), '[]')
                  from pg_stat_activity
                 where pid <> pg_backend_pid()
                   and (state is distinct from 'idle' or backend_type <> 'client backend')
                   and (wait_event_type is null or wait_event_type not in ('Activity', 'Client'))
               ) as active,
               (select to_jsonb(b) - 'stats_reset' from pg_stat_bgwriter b) as bgwriter,
               (select to_jsonb(w) - 'stats_reset' from pg_stat_wal w) as wal`;
      const now = machineTicks();
      const cpu = now[1] > ticks[1] ? (now[0] - ticks[0]) / (now[1] - ticks[1]) : null;
      ticks = now;
      samples.push({
        at: Date.now(),
        lateMs,
        cpu: cpu === null ? null : Math.round(cpu * 100) / 100,
        active: row!.active,
        bgwriter: row!.bgwriter,
        wal: row!.wal,
      });
      due += SAMPLE_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
  })();
  return {
    /** Ends the sampling and gathers what the database recorded over the span. */
    async stop(tenantId: string) {
      stopped = true;
      await loop;
      const endedAt = Date.now();
      const [from, to] = [new Date(startedAt - 1000), new Date(endedAt + 1000)];
      try {
        const purgeLog = await sql`
          select category, ran_at, duration_ms, rows_deleted, partitions_dropped, complete, note
            from sealog.purge_log where purge_id > ${lastPurgeBefore}::bigint order by purge_id`;
        const cron = await sql`
          select j.jobname, d.start_time, d.end_time, d.status
            from cron.job_run_details d join cron.job j using (jobid)
           where d.start_time between ${from} and ${to} order by d.start_time`;
        // The functions' side of each request: received, and how long until its log row.
        const requests = await sql`
          select (extract(epoch from received_at) * 1000)::float8 as received, duration_ms::int
            from sealog.api_access_log
           where tenant_id = ${tenantId}::uuid and received_at between ${from} and ${to}
           order by received_at`;
        return {
          startedAt,
          endedAt,
          sampleMs: SAMPLE_MS,
          samples,
          purgeLog,
          cron,
          requests: requests.map((r) => [r.received, r.duration_ms] as [number, number]),
          serverLog: await serverLog(startedAt - 1000, endedAt + 1000),
        };
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

/** The server log's lines in [from, to] (Unix ms) that say what the server did, not statements. */
async function serverLog(from: number, to: number): Promise<string[]> {
  const path = Deno.env.get("SEALOG_BENCH_PG_LOG");
  if (!path) return [];
  const file = await Deno.open(path);
  try {
    // The last 64 MB at most: a seed's lines come before.
    const size = (await file.stat()).size;
    const start = Math.max(0, size - 64 * 1024 * 1024);
    await file.seek(start, Deno.SeekMode.Start);
    const buffer = new Uint8Array(size - start);
    let read = 0;
    while (read < buffer.length) {
      const n = await file.read(buffer.subarray(read));
      if (n === null) break;
      read += n;
    }
    const wanted = /checkpoint|vacuum|analyze|lock|deadlock|ERROR|FATAL|WARNING|cron job/;
    return new TextDecoder().decode(buffer.subarray(0, read)).split("\n").filter((line) => {
      const at = Date.parse(line.slice(0, 23).replace(" ", "T") + "Z");
      return at >= from && at <= to && wanted.test(line) && !/STATEMENT|CONTEXT/.test(line);
    }).map((line) => line.slice(0, 400));
  } finally {
    file.close();
  }
}

/** Writes one load run's evidence; returns the file's path. */
export async function writeEvidence(name: string, evidence: unknown): Promise<string> {
  await Deno.mkdir(EVIDENCE_DIR, { recursive: true });
  const url = new URL(`${name}.json`, EVIDENCE_DIR);
  await Deno.writeTextFile(url, JSON.stringify(evidence) + "\n");
  return url.pathname;
}
