/**
 * The OTLP bench (run last by bench/main.ts): spans/s of POST /otlp/v1/traces (protobuf, the
 * exporters' default) at 100 and 500 spans per request, as a ratio to POST /ingest carrying the
 * same events, measured in the same run and alternated twice so that drift in the machine's
 * load hits both. Bodies are built before the clock starts; every one has fresh ids, so nothing
 * is a duplicate. Writes bench/results/otlp.{json,md} (otlp-quick.* with --quick).
 */
import { Buffer } from "node:buffer";
import { randomBytes, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { API_KEY, BASE_URL, progress } from "./load.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: { quick: { type: "boolean", default: false }, "large-rows": { type: "string" } },
});
const PLAN = flags.quick
  ? { batches: [100, 500], events: 20_000, concurrency: 4, rounds: 1 }
  : { batches: [100, 500], events: 100_000, concurrency: 4, rounds: 2 };

type Encoder = { fromObject(o: unknown): unknown; encode(m: unknown): { finish(): Uint8Array } };
const ExportTraceServiceRequest = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, Encoder> } } } };
}).opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest!;

/** One request's worth of /ingest events and the equal OTLP spans. */
function bodies(batch: number, connection: number) {
  const now = Date.now();
  const events = [];
  const spans = [];
  for (let i = 0; i < batch; i++) {
    const session = `bench-otlp-c${connection}-${i % 8}`;
    events.push({
      event_id: randomUUID(),
      session_id: session,
      occurred_at: new Date(now).toISOString(),
      model: "gpt-4o-mini",
      provider: "openai",
      input_tokens: 1200,
      output_tokens: 350,
      cache_read_input_tokens: 512,
      latency_ms: 840,
      status: "ok",
      agent_id: "bench-agent",
    });
    const start = BigInt(now) * 1_000_000n;
    const attribute = (key: string, value: string | number) => ({
      key,
      value: typeof value === "string" ? { stringValue: value } : { intValue: value },
    });
    spans.push({
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      name: "chat gpt-4o-mini",
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 840_000_000n),
      attributes: [
        attribute("gen_ai.operation.name", "chat"),
        attribute("gen_ai.provider.name", "openai"),
        attribute("gen_ai.request.model", "gpt-4o-mini"),
        attribute("gen_ai.usage.input_tokens", 1200),
        attribute("gen_ai.usage.output_tokens", 350),
        attribute("gen_ai.usage.cache_read.input_tokens", 512),
        attribute("gen_ai.conversation.id", session),
        attribute("gen_ai.agent.id", "bench-agent"),
      ],
    });
  }
  const request = ExportTraceServiceRequest.fromObject({
    resourceSpans: [{ scopeSpans: [{ scope: { name: "bench" }, spans }] }],
  });
  return {
    ingest: JSON.stringify({ events }),
    otlp: new Uint8Array(Buffer.from(ExportTraceServiceRequest.encode(request).finish())),
  };
}

/** Sends every body, `concurrency` at a time; events (spans) per second and non-2xx count. */
async function run(path: string, type: string, payloads: BodyInit[], batch: number) {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PLAN.concurrency }, async () => {
      while (next < payloads.length) {
        const body = payloads[next++]!;
        const response = await fetch(`${BASE_URL}${path}`, {
          method: "POST",
          headers: { Authorization: `Bearer ${API_KEY}`, "Content-Type": type },
          body,
        });
        await response.arrayBuffer();
        if (!response.ok) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { eventsPerS: Math.round((payloads.length * batch) / seconds), failed };
}

const results = [];
for (const batch of PLAN.batches) {
  const runs = { ingest: [] as number[], otlp: [] as number[], failed: 0 };
  for (let round = 0; round < PLAN.rounds; round++) {
    progress(`otlp vs ingest: ${batch} spans/request, round ${round + 1}`);
    const requests = Math.ceil(PLAN.events / batch);
    const prepared = Array.from({ length: requests }, (_, i) => bodies(batch, i % 16));
    const ingest = await run(
      "/ingest",
      "application/json",
      prepared.map((p) => p.ingest),
      batch,
    );
    const otlp = await run(
      "/otlp/v1/traces",
      "application/x-protobuf",
      prepared.map((p) => p.otlp),
      batch,
    );
    runs.ingest.push(ingest.eventsPerS);
    runs.otlp.push(otlp.eventsPerS);
    runs.failed += ingest.failed + otlp.failed;
  }
  const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  results.push({
    spansPerRequest: batch,
    ingestEventsPerS: mean(runs.ingest),
    otlpSpansPerS: mean(runs.otlp),
    ratio: Math.round((mean(runs.otlp) / mean(runs.ingest)) * 1000) / 1000,
    non2xx: runs.failed,
  });
}

const report = {
  startedAt: new Date().toISOString(),
  quick: flags.quick,
  plan: PLAN,
  loadAverageAtStart: Deno.loadavg(),
  results,
};
const markdown = [
  "# OTLP ingest",
  "",
  `${report.startedAt}${flags.quick ? " (quick run)" : ""}: ${PLAN.events} events per case, ` +
  `${PLAN.concurrency} connections, ${PLAN.rounds} alternated round(s); protobuf OTLP against ` +
  `/ingest JSON carrying the same events, in one run.`,
  "",
  "| spans/request | /ingest events/s | /otlp spans/s | OTLP ÷ ingest | non-2xx |",
  "|---:|---:|---:|---:|---:|",
  ...results.map((r) =>
    `| ${r.spansPerRequest} | ${r.ingestEventsPerS} | ${r.otlpSpansPerS} | ${r.ratio} | ${r.non2xx} |`
  ),
  "",
].join("\n");
const name = flags.quick ? "otlp-quick" : "otlp";
const dir = new URL("./results/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });
await Deno.writeTextFile(new URL(`${name}.json`, dir), JSON.stringify(report, null, 2) + "\n");
await Deno.writeTextFile(new URL(`${name}.md`, dir), markdown);
console.log(markdown);
