/**
 * deno task bench:purge-why [evidence.json ...] [--top N]
 *
 * For each load run of the purge section (the evidence bench/purge_evidence.ts wrote to
 * .sealog/purge-evidence/; the newest bench run's by default), each side's slowest requests and
 * what overlapped them: the window, the functions' own duration of the requests received
 * meanwhile (receipt to the access log's row), wait events sampled from pg_stat_activity, WAL and buffer writes,
 * a checkpoint in progress, pg_cron's runs, server log lines, the load generator's stalls and
 * the machine's CPU.
 */
import { parseArgs } from "node:util";
import { overlapping, sideOf, type Windows } from "./purge_windows.ts";
import type { Sample } from "./purge_evidence.ts";
import { percentile } from "./stats.ts";

type Evidence = {
  name: string;
  totalRows: number;
  windows: Windows;
  labels: string[];
  timeline: [number, number][];
  loopStalls?: [number, number][];
  startedAt: number;
  samples: Sample[];
  cron: { jobname: string; start_time: string; end_time: string | null; status: string }[];
  requests: [number, number][];
  serverLog: string[];
};

const { values: flags, positionals } = parseArgs({
  args: Deno.args,
  options: { top: { type: "string", default: "12" } },
  allowPositionals: true,
});
const TOP = Number(flags.top);
const DIR = new URL("../.sealog/purge-evidence/", import.meta.url);

/** The newest bench run's files: they share the run's start in their names. */
function newest(): string[] {
  const names = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".json"))
    .sort();
  const run = names.at(-1)?.match(/^.*?T\d{6}/)?.[0]; // the run's start, 2026-11-25T033024
  return names.filter((n) => n.startsWith(`${run}-`)).map((n) => new URL(n, DIR).pathname);
}

const logTime = (line: string) => Date.parse(line.slice(0, 23).replace(" ", "T") + "Z");
const s = (ms: number, origin: number) => `+${((ms - origin) / 1000).toFixed(3)}s`;

/** The difference of a counter between the last sample before `from` and the first after `to`. */
function delta(samples: Sample[], from: number, to: number, pick: (x: Sample) => number) {
  const before = samples.findLast((x) => x.at <= from) ?? samples[0];
  const after = samples.find((x) => x.at >= to) ?? samples.at(-1);
  return before && after ? pick(after) - pick(before) : null;
}

/** Checkpoints as [start, end] from the log; end is Infinity while one is still running. */
function checkpoints(log: string[]): [number, number, string][] {
  const spans: [number, number, string][] = [];
  for (const line of log) {
    const match = line.match(/checkpoint starting: (.*)$/);
    if (match) spans.push([logTime(line), Infinity, match[1]!]);
    else if (/checkpoint complete/.test(line) && spans.at(-1)?.[1] === Infinity) {
      spans.at(-1)![1] = logTime(line);
      spans.at(-1)![2] += `; ${line.match(/write=.*?total=[\d.]+ s/)?.[0] ?? ""}`;
    }
  }
  return spans;
}

function explain(e: Evidence) {
  const origin = e.startedAt;
  const sides = { during: [] as [number, number][], control: [] as [number, number][] };
  for (const [end, latency] of e.timeline) {
    const side = sideOf(end - latency, end, e.windows);
    if (side) sides[side].push([end, latency]);
  }
  const p99 = (list: [number, number][]) =>
    percentile(Float64Array.from(list.map(([, l]) => l)).sort(), 99);
  console.log(
    `\n== ${e.name}, ${e.totalRows.toLocaleString("en-US")} rows: during ${sides.during.length} ` +
      `(p99 ${p99(sides.during)} ms), control ${sides.control.length} (p99 ${
        p99(sides.control)
      } ms); times from the load's start`,
  );
  const spans = checkpoints(e.serverLog);
  for (const [from, to, what] of spans) {
    console.log(
      `   checkpoint ${s(from, origin)} to ${to === Infinity ? "…" : s(to, origin)}: ${what}`,
    );
  }
  for (const line of e.serverLog.filter((l) => !/checkpoint|cron job/.test(l))) {
    console.log(`   log ${s(logTime(line), origin)} ${line.slice(24, 200)}`);
  }
  stalls(e, origin);
  for (const side of ["during", "control"] as const) {
    console.log(`-- ${side}: the ${TOP} slowest`);
    const list = e.windows[side === "during" ? "purges" : "controls"];
    for (const [end, latency] of sides[side].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
      const sent = end - latency;
      const w = overlapping(sent, end, list);
      const label = side === "during" ? e.labels[w] : `control after ${e.labels[w]}`;
      // The access log's duration (receipt to its row, before the commit) of the requests
      // received while this one was in flight: the functions took them in without delay.
      const fn = e.requests.filter(([received]) => received >= sent - 5 && received <= end);
      const fnMax = Math.max(0, ...fn.map(([, d]) => d));
      const cpu = e.samples.filter((x) => x.at >= sent && x.at <= end + 100).map((x) => x.cpu);
      const late = e.samples.filter((x) => x.at >= sent && x.at <= end + 100)
        .reduce((m, x) => Math.max(m, x.lateMs), 0);
      const walKb = delta(e.samples, sent, end, (x) => x.wal.wal_bytes ?? 0) ?? 0;
      const syncMs = delta(e.samples, sent, end, (x) => x.wal.wal_sync_time ?? 0) ?? 0;
      const backendWrites = delta(e.samples, sent, end, (x) => x.bgwriter.buffers_backend ?? 0);
      const ckptWrites = delta(e.samples, sent, end, (x) => x.bgwriter.buffers_checkpoint ?? 0);
      const ckpt = spans.find(([from, to]) => to >= sent && from <= end);
      const cron = e.cron.filter((c) =>
        Date.parse(c.start_time) <= end && Date.parse(c.end_time ?? c.start_time) >= sent
      ).map((c) => c.jobname);
      const stalls = (e.loopStalls ?? []).filter(([at]) => at >= sent && at <= end + 50);
      const log = e.serverLog.filter((l) => logTime(l) >= sent - 200 && logTime(l) <= end)
        .filter((l) => !/cron job/.test(l)).map((l) => l.slice(24, 120));
      console.log(
        `${s(sent, origin)} ${latency.toFixed(0).padStart(4)} ms  ${label}\n` +
          `     to log row ≤ ${fnMax} ms (${fn.length}); waits ${waitsIn(e, sent, end)}; WAL ${
            Math.round(Number(walKb) / 1024)
          } kB, sync ${Math.round(syncMs)} ms; ` +
          `writes ckpt ${ckptWrites} backend ${backendWrites}; cpu ${cpu.join("/")}; ` +
          `bench late ${late} ms${ckpt ? `; checkpoint (${ckpt[2].split(";")[0]})` : ""}` +
          `${cron.length ? `; cron ${cron.join(",")}` : ""}` +
          `${stalls.length ? `; loadgen stalled ${stalls.map(([, l]) => l).join(",")} ms` : ""}` +
          `${log.length ? `\n     log: ${log.join(" | ")}` : ""}`,
      );
    }
  }
}

/**
 * The wait events sampled in [from, to], counted; other processes' prefixed by their type, a
 * lock wait followed by what holds it (its type, or its statement for a client backend).
 */
function waitsIn(e: Evidence, from: number, to: number) {
  const waits = new Map<string, number>();
  for (const x of e.samples.filter((x) => x.at >= from && x.at <= to)) {
    for (const a of x.active) {
      if (!a.wait || a.wait.startsWith("Extension/")) continue; // pg_cron's launcher, idle
      const holders = (a.blockedBy ?? []).map((pid) => {
        const holder = x.active.find((b) => b.pid === pid);
        if (!holder) return `pid ${pid}`;
        return holder.type === "client backend" ? holder.query.slice(0, 32) : holder.type;
      });
      const key = `${a.type === "client backend" ? "" : `${a.type}:`}${a.wait}${
        holders.length ? ` (behind ${holders.join(", ")})` : ""
      }`;
      waits.set(key, (waits.get(key) ?? 0) + 1);
    }
  }
  return [...waits].map(([k, n]) => `${k}×${n}`).join(" ") || "-";
}

/**
 * Every stall of the whole load run, on either side or neither: requests in flight at once that
 * took 2.5 times the median or more (150 ms at least). Stalls as frequent outside the windows
 * as in them are not the purges'.
 */
function stalls(e: Evidence, origin: number) {
  const sorted = Float64Array.from(e.timeline.map(([, l]) => l)).sort();
  const slow = Math.max(150, 2.5 * (percentile(sorted, 50) ?? 0));
  const found: { from: number; to: number; latencies: number[]; sides: Set<string> }[] = [];
  for (const [end, latency] of [...e.timeline].sort((a, b) => a[0] - a[1] - (b[0] - b[1]))) {
    if (latency < slow) continue;
    const sent = end - latency;
    const last = found.at(-1);
    const stall = last && sent <= last.to
      ? last
      : found[found.push({ from: sent, to: end, latencies: [], sides: new Set() }) - 1]!;
    stall.to = Math.max(stall.to, end);
    stall.latencies.push(latency);
    const excluded = overlapping(sent, end, e.windows.excluded) >= 0;
    stall.sides.add(excluded ? "excluded" : sideOf(sent, end, e.windows) ?? "neither");
  }
  const big = found.filter((x) => x.latencies.length >= 5);
  const count = (side: string) => big.filter((x) => x.sides.has(side)).length;
  console.log(
    `   stalls (5 requests or more at ≥ ${Math.round(slow)} ms at once): ${big.length}, ` +
      `touching during ${count("during")}, control ${count("control")}, excluded ${
        count("excluded")
      }, neither only ${big.filter((x) => x.sides.size === 1 && x.sides.has("neither")).length}`,
  );
  for (const x of big) {
    const cpu = e.samples.filter((y) => y.at >= x.from && y.at <= x.to).map((y) => y.cpu);
    const loadgen = (e.loopStalls ?? []).filter(([at]) => at >= x.from && at <= x.to + 50);
    console.log(
      `   stall ${s(x.from, origin)} ${Math.round(x.to - x.from)} ms, ${x.latencies.length} ` +
        `requests, max ${Math.max(...x.latencies)} ms, ${[...x.sides].join("+")}; cpu ${
          cpu.join("/")
        }; ${waitsIn(e, x.from, x.to)}${
          loadgen.length ? `; loadgen stalled ${loadgen.map(([, l]) => l).join(",")} ms` : ""
        }`,
    );
  }
}

for (const file of positionals.length ? positionals : newest()) {
  explain(JSON.parse(await Deno.readTextFile(file)));
}
