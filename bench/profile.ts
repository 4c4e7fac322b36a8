/**
 * Evidence of what bounds a load, taken while it runs (bench/ratios.ts): the CPU of each of the
 * stack's processes, the machine's CPU (other work included), wait events sampled from
 * pg_stat_activity, WAL records and flushes (pg_stat_wal), and the costliest statements,
 * nested ones included (pg_stat_statements, track = all: scripts/bench.sh loads it).
 */
import postgres from "postgres";
import { operatorDatabaseUrl } from "../cli/lib/database.ts";

const CLOCK_TICKS = 100; // USER_HZ on Linux
const SAMPLE_MS = 20;

/** ticks: the process's own CPU; reaped: that of its children that exited and were waited for. */
type Proc = { pid: number; ppid: number; comm: string; ticks: number; reaped: number };

function processes(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // The command may hold spaces and parentheses: the fields start after the last ')'.
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      procs.set(Number(entry.name), {
        pid: Number(entry.name),
        ppid: Number(fields[1]),
        comm: stat.slice(stat.indexOf("(") + 1, close),
        ticks: Number(fields[11]) + Number(fields[12]),
        reaped: Number(fields[13]) + Number(fields[14]),
      });
    } catch {
      // gone meanwhile
    }
  }
  return procs;
}

/** The stack's process groups, each a root pid whose descendants are counted with it. */
function groups(): Record<string, number[]> {
  const pid = (name: string) => {
    const value = Number(Deno.env.get(name));
    return Number.isInteger(value) && value > 0 ? [value] : [];
  };
  return {
    postgres: pid("SEALOG_BENCH_POSTMASTER_PID"),
    pgbouncer: pid("SEALOG_BENCH_POOLER_PID"),
    functions: [
      ...pid("SEALOG_BENCH_SERVER_PID"),
      ...pid("SEALOG_BENCH_DIRECT_SERVER_PID"),
      ...pid("SEALOG_BENCH_WIDE_SERVER_PID"),
    ],
    "load generator": [Deno.pid],
  };
}

/**
 * CPU ticks per group: each root with its descendants, and the children they reaped (a
 * pgbench connection's backend, a finished load generator). The bench's own CPU is left out.
 */
function groupTicks(): Record<string, number> {
  const procs = processes();
  const children = new Map<number, number[]>();
  for (const p of procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const result: Record<string, number> = {};
  for (const [name, roots] of Object.entries(groups())) {
    let ticks = 0;
    const stack = [...roots];
    while (stack.length) {
      const pid = stack.pop()!;
      const proc = procs.get(pid);
      if (!proc) continue;
      ticks += proc.reaped + (name === "load generator" && pid === Deno.pid ? 0 : proc.ticks);
      stack.push(...(children.get(pid) ?? []));
    }
    result[name] = ticks;
  }
  return result;
}

/** Busy and total ticks of the whole machine, from /proc/stat. */
function machineTicks() {
  const [, ...values] = Deno.readTextFileSync("/proc/stat").split("\n")[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: total - n[3]! - n[4]!, total };
}

export type Profile = Awaited<ReturnType<ReturnType<typeof startProfile>["stop"]>>;

/** Starts taking evidence; stop() returns it for the time in between. */
export function startProfile(label: string) {
  const sql = postgres(operatorDatabaseUrl(), { max: 1, onnotice: () => {} });
  const started = performance.now();
  const cpuBefore = groupTicks();
  const machineBefore = machineTicks();
  const waits: Record<string, number> = {};
  let samples = 0;
  let running = true;
  const ready = (async () => {
    await sql`select extensions.pg_stat_statements_reset()`.catch(() => {});
    const [wal] = await sql`select wal_records, wal_bytes, wal_write, wal_sync, wal_sync_time,
      (select sum(xact_commit) from pg_stat_database) as commits from pg_stat_wal`;
    return wal!;
  })();
  const sampler = (async () => {
    await ready;
    while (running) {
      // Backends of the stack's logins at work: a null wait event means on CPU.
      const rows = await sql`
        select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait
          from pg_stat_activity
         where state = 'active' and pid <> pg_backend_pid()
           and backend_type = 'client backend'
           and usename in ('sealog_functions', 'postgres')
           and query not like '%pg_stat_activity%'`;
      samples++;
      for (const { wait } of rows) waits[wait] = (waits[wait] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await sampler;
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = groupTicks();
      const machineAfter = machineTicks();
      const walBefore = await ready;
      const [wal] = await sql`select wal_records, wal_bytes, wal_write, wal_sync, wal_sync_time,
        (select sum(xact_commit) from pg_stat_database) as commits from pg_stat_wal`;
      const statements = await sql`
        select toplevel, calls, round(mean_exec_time::numeric, 3)::float8 as mean_ms,
               round(total_exec_time::numeric)::float8 as total_ms,
               shared_blks_hit + shared_blks_read as blocks, wal_bytes::float8 as wal_bytes,
               left(regexp_replace(query, '\\s+', ' ', 'g'), 120) as query
          from extensions.pg_stat_statements
         where query not like '%pg_stat%'
         order by total_exec_time desc
         limit 10`.catch(() => []);
      await sql.end({ timeout: 5 });
      const diff = (key: string) => Number(wal![key]) - Number(walBefore[key]);
      // The sampler's own read-only transactions are not the load's.
      const commits = diff("commits") - samples - 1;
      const cores = (ticks: number) => Math.round((ticks / CLOCK_TICKS / seconds) * 100) / 100;
      const activeSamples = Object.values(waits).reduce((a, b) => a + b, 0);
      return {
        label,
        seconds: Math.round(seconds * 10) / 10,
        cpuCores: Object.fromEntries(
          Object.entries(cpuAfter).map(([name, ticks]) => [name, cores(ticks - cpuBefore[name]!)]),
        ),
        machineBusy: Math.round(
          ((machineAfter.busy - machineBefore.busy) /
            (machineAfter.total - machineBefore.total)) * 1000,
        ) / 1000,
        // Mean number of the stack's backends in each state at a sample.
        activeBackends: Math.round((activeSamples / Math.max(1, samples)) * 100) / 100,
        waits: Object.fromEntries(
          Object.entries(waits).sort((a, b) => b[1] - a[1]).slice(0, 8)
            .map(([wait, count]) => [wait, Math.round((count / Math.max(1, samples)) * 100) / 100]),
        ),
        wal: {
          commitsPerS: Math.round(commits / seconds),
          flushesPerS: Math.round(diff("wal_sync") / seconds),
          commitsPerFlush: Math.round((commits / Math.max(1, diff("wal_sync"))) * 100) / 100,
          bytesPerCommit: Math.round(diff("wal_bytes") / Math.max(1, commits)),
          // track_wal_io_timing (scripts/bench.sh): the mean time of one flush.
          msPerFlush: Math.round((diff("wal_sync_time") / Math.max(1, diff("wal_sync"))) * 100) /
            100,
        },
        statements: statements.map((s) => ({ ...s })),
      };
    },
  };
}
