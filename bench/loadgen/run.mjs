/**
 * One bounded load run with autocannon, under Node (see docs/performance.md for why).
 * Input: one JSON argument { url, method, headers, batch, keys, connections, seconds,
 * warmupSeconds, ratePerSecond }. SIGTERM ends the measured run early; the results cover the time it ran.
 * With `batch`, every request carries a fresh batch of telemetry events with unique
 * event ids; each connection writes its own sessions, like one SDK per agent process.
 * With `keys`, connection n sends keys[n % keys.length] as its bearer token (one tenant per
 * connection, or a flood of unknown keys).
 * Output: one JSON line with status counts and exact p50/p95/p99 from every response; with
 * `timeline`, also each measured response's [end, latency] in ms (end in Unix time), for a
 * caller that splits the run by what happened when (the purges' windows), and when this
 * process's event loop stalled.
 */
import http from "node:http";
import autocannon from "autocannon";

const options = JSON.parse(process.argv[2] ?? "{}");
const occurredAt = new Date().toISOString();
// A random UUIDv4 prefix per run; the last group counts events, so ids never repeat.
const hex = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16));
const idPrefix = `${hex(8).join("")}-${hex(4).join("")}-4${hex(3).join("")}-8${hex(3).join("")}-`;
let eventCounter = 0;
let connectionCounter = 0;

function batchBody(connection, size) {
  const events = new Array(size);
  for (let i = 0; i < size; i++) {
    const id = idPrefix + (eventCounter++).toString(16).padStart(12, "0");
    events[i] = `{"event_id":"${id}","session_id":"bench-c${connection}-${i % 8}",` +
      `"occurred_at":"${occurredAt}","model":"gpt-4o-mini","provider":"openai",` +
      `"input_tokens":1200,"output_tokens":350,"cache_read_input_tokens":512,` +
      `"latency_ms":840,"cost_micro_usd":4210,"status":"ok","risk_tags":["PII_EMAIL"],` +
      `"agent_id":"bench-agent"}`;
  }
  return `{"events":[${events.join(",")}]}`;
}

// SIGTERM ends the current run early and reports it: for load that lasts as long as
// something else (a purge) runs.
let current = null;
process.on("SIGTERM", () => current?.stop());

async function run(seconds, record) {
  const latencies = [];
  const timeline = [];
  const statuses = {};
  let errors = 0;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    requests: [{
      method: options.method ?? "GET",
      headers: options.headers ?? {},
      ...((options.batch || options.keys) && {
        setupRequest: (request, context) => {
          context.connection ??= connectionCounter++;
          const keys = options.keys;
          return {
            ...request,
            ...(keys && {
              headers: {
                ...request.headers,
                Authorization: `Bearer ${keys[context.connection % keys.length]}`,
              },
            }),
            ...(options.batch && { body: batchBody(context.connection, options.batch) }),
          };
        },
      }),
    }],
  });
  instance.on("response", (_client, status, _bytes, responseTime) => {
    if (record) latencies.push(responseTime);
    if (record && options.timeline) {
      timeline.push([Date.now(), Math.round(responseTime * 100) / 100]);
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  instance.on("reqError", () => errors++);
  current = instance;
  const result = await instance;
  current = null;
  return { result, latencies, timeline, statuses, errors };
}

/**
 * With `ratePerSecond`: requests spaced evenly in time (request k due at k / rate s), over at
 * most `connections` kept-alive connections; when all are busy, the due request waits for one.
 * autocannon's own rate limit gives each connection a quota per second, sent as fast as it is
 * answered: half the saturated rate would be half of each second saturated and half idle.
 */
async function pacedRun(seconds, record) {
  const url = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies = [];
  const timeline = [];
  const statuses = {};
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  let stopped = false;
  const started = performance.now();
  const endAt = started + seconds * 1000;
  const interval = 1000 / options.ratePerSecond;
  let wake = null;
  const send = (connection) =>
    new Promise((resolve) => {
      const headers = { ...(options.headers ?? {}) };
      if (options.keys) {
        headers.Authorization = `Bearer ${options.keys[connection % options.keys.length]}`;
      }
      const body = options.batch ? batchBody(connection, options.batch) : undefined;
      if (body) headers["Content-Length"] = Buffer.byteLength(body);
      const sentAt = performance.now();
      const request = http.request(url, {
        method: options.method ?? "GET",
        headers,
        agent,
        timeout: 30_000,
      }, (response) => {
        response.resume();
        response.on("end", () => {
          const latency = performance.now() - sentAt;
          if (record) latencies.push(latency);
          if (record && options.timeline) {
            timeline.push([Date.now(), Math.round(latency * 100) / 100]);
          }
          statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
          resolve();
        });
      });
      request.on("timeout", () => {
        timeouts++;
        request.destroy(new Error("timeout"));
      });
      request.on("error", () => {
        errors++;
        resolve();
      });
      request.end(body);
    });
  current = { stop: () => (stopped = true) };
  /** The requests in flight. */
  const pending = new Set();
  while (!stopped && performance.now() < endAt) {
    const due = Math.floor((performance.now() - started) / interval) + 1;
    while (sent < due && pending.size < options.connections) {
      const connection = sent++ % options.connections;
      const done = send(connection).then(() => {
        pending.delete(done);
        wake?.();
      });
      pending.add(done);
    }
    // Until the next request is due, or, when all connections are busy, until one frees.
    const untilDue = started + sent * interval - performance.now();
    await new Promise((resolve) => {
      wake = resolve;
      if (pending.size < options.connections) setTimeout(resolve, Math.max(0, untilDue));
    });
    wake = null;
  }
  const duration = Math.min(performance.now(), endAt) - started;
  await Promise.all(pending);
  agent.destroy();
  current = null;
  return { result: { duration: duration / 1000, timeouts }, latencies, timeline, statuses, errors };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const okCount = (statuses) =>
  Object.entries(statuses)
    .filter(([status]) => Number(status) >= 200 && Number(status) < 300)
    .reduce((sum, [, count]) => sum + count, 0);
// With `timeline`: when this process's own event loop was late by 20 ms or more, as
// [end (Unix ms), ms late]. A stall here (GC, the machine) delays every response in flight.
const loopStalls = [];
if (options.timeline) {
  let due = Date.now() + 10;
  setInterval(() => {
    const now = Date.now();
    if (now - due >= 20) loopStalls.push([now, now - due]);
    due = now + 10;
  }, 10).unref();
}
// Warm-up requests are not measured, but their stored events are counted.
const runFor = options.ratePerSecond ? pacedRun : run;
const warmup = options.warmupSeconds ? await runFor(options.warmupSeconds, false) : null;
const cpuBefore = process.cpuUsage();
const { result, latencies, timeline, statuses, errors } = await runFor(options.seconds, true);
const cpu = process.cpuUsage(cpuBefore);
const sorted = Float64Array.from(latencies).sort();
const seconds = result.duration;
const requests = latencies.length;
const ok = okCount(statuses);
const round = (value) => (value === null ? null : Math.round(value * 100) / 100);
console.log(JSON.stringify({
  seconds,
  requests,
  ok,
  warmupOk: warmup ? okCount(warmup.statuses) : 0,
  statuses,
  errors,
  timeouts: result.timeouts,
  requestsPerS: Math.round(requests / seconds),
  eventsPerS: options.batch ? Math.round((ok * options.batch) / seconds) : null,
  latencyMs: {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? null),
  },
  clientCpuUsPerRequest: requests ? Math.round((cpu.user + cpu.system) / requests) : null,
  ...(options.timeline && { timeline, loopStalls }),
}));
