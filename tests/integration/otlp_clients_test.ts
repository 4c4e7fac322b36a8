/**
 * Real OpenTelemetry clients against the real stack: the official JS SDK's spans, with content
 * capture on, exported by both official OTLP exporters (protobuf and JSON) configured only by
 * OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS. The rows, their risk tags,
 * deduplication on re-export, and no content anywhere: every column of every table, the
 * server's log, the responses.
 */
import assert from "node:assert/strict";
import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter as HttpExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { columnsHolding } from "../_support/columns.ts";
import { startFunctionsServer } from "../_support/functions_server.ts";
import { contentAttributes, exportRequest, genaiSpan, newMarker } from "../_support/otlp.ts";
import { createTenant, sql, test, type TestTenant } from "../_support/stack.ts";

type Exporter = {
  export(spans: ReadableSpan[], done: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
};

/** Spans as an instrumented agent emits them: two model calls, a tool call, an HTTP call. */
function agentSpans(marker: string, conversation: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("agent");
  const content = contentAttributes(marker);
  const withContent = (span: Span) => {
    span.setAttributes(content);
    // Deprecated content events, and an exception whose message quotes the prompt.
    span.addEvent("gen_ai.content.prompt", { "gen_ai.prompt": `${marker}-event-prompt` });
    span.addEvent("gen_ai.user.message", { content: `${marker}-event-message` });
    return span;
  };
  const chat = withContent(tracer.startSpan("chat gpt-4o", { kind: SpanKind.CLIENT }));
  chat.setAttributes({
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.response.model": "gpt-4o-2024-08-06",
    "gen_ai.usage.input_tokens": 120,
    "gen_ai.usage.output_tokens": 45,
    "gen_ai.usage.cache_read.input_tokens": 100,
    "gen_ai.usage.reasoning.output_tokens": 7,
    "gen_ai.conversation.id": conversation,
    "gen_ai.agent.id": "support-agent",
  });
  chat.end();
  const failed = withContent(tracer.startSpan("chat claude", { kind: SpanKind.CLIENT }));
  failed.setAttributes({
    "gen_ai.operation.name": "chat",
    "gen_ai.system": "anthropic", // the deprecated name of the provider
    "gen_ai.request.model": "claude-sonnet-4",
    "gen_ai.usage.prompt_tokens": 30, // deprecated names of the counters
    "gen_ai.usage.completion_tokens": 0,
    "gen_ai.conversation.id": conversation,
    "error.type": "rate_limit_error",
  });
  failed.recordException(new Error(`${marker}-exception quoting the prompt`));
  failed.setStatus({ code: SpanStatusCode.ERROR, message: `${marker}-status` });
  failed.end();
  const tool = withContent(tracer.startSpan("execute_tool search"));
  tool.setAttributes({ "gen_ai.operation.name": "execute_tool", "gen_ai.request.model": "gpt-4o" });
  tool.end();
  tracer.startSpan("GET /weather", { attributes: { "url.full": `https://x/?q=${marker}` } }).end();
  return memory.getFinishedSpans();
}

/** An exporter of `kind` built only from the environment, as a deployed agent configures it. */
function exporterFromEnv(kind: "proto" | "http", baseUrl: string, tenant: TestTenant): Exporter {
  Deno.env.set("OTEL_EXPORTER_OTLP_ENDPOINT", `${baseUrl}/otlp`);
  Deno.env.set("OTEL_EXPORTER_OTLP_HEADERS", `Authorization=Bearer ${tenant.apiKey}`);
  try {
    return (kind === "proto" ? new ProtoExporter() : new HttpExporter()) as unknown as Exporter;
  } finally {
    Deno.env.delete("OTEL_EXPORTER_OTLP_ENDPOINT");
    Deno.env.delete("OTEL_EXPORTER_OTLP_HEADERS");
  }
}

const exportSpans = (exporter: Exporter, spans: ReadableSpan[]) =>
  new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));

async function storedRows(tenantId: string) {
  return await sql`
    select *, to_jsonb(risk_tags) as risk_tags from sealog.llm_request_logs
     where tenant_id = ${tenantId} order by model`;
}

for (const kind of ["proto", "http"] as const) {
  test(`the OpenTelemetry SDK's ${kind} exporter delivers GenAI spans; content never arrives anywhere`, async () => {
    const server = await startFunctionsServer({});
    try {
      const tenant = await createTenant();
      const marker = newMarker();
      const conversation = `conv-${crypto.randomUUID()}`;
      const spans = agentSpans(marker, conversation);
      const exporter = exporterFromEnv(kind, server.baseUrl, tenant);

      const first = await exportSpans(exporter, spans);
      assert.equal(first.code, 0, `export failed: ${first.error}`);
      const rows = await storedRows(tenant.tenantId);
      // The tool span and the HTTP span are skipped; the two model calls are stored.
      assert.deepEqual(rows.map((row) => row.model), ["claude-sonnet-4", "gpt-4o"]);
      const [failed, chat] = rows;
      assert.equal(chat!.provider, "openai");
      assert.equal(Number(chat!.input_tokens), 120);
      assert.equal(Number(chat!.output_tokens), 45);
      assert.equal(Number(chat!.cache_read_input_tokens), 100);
      assert.equal(Number(chat!.reasoning_tokens), 7);
      assert.equal(chat!.session_id, conversation);
      assert.equal(chat!.agent_id, "support-agent");
      assert.equal(chat!.status, "ok");
      assert.ok(Number(chat!.latency_ms) >= 0);
      assert.deepEqual(chat!.risk_tags, ["PII_EMAIL"], "the scanner's tag of the prompt's email");
      assert.equal(failed!.provider, "anthropic");
      assert.equal(Number(failed!.input_tokens), 30);
      assert.equal(failed!.status, "error");
      assert.equal(failed!.error_type, "rate_limit_error");

      // An exporter's retry of the same spans is stored once.
      const again = await exportSpans(exporter, spans);
      assert.equal(again.code, 0);
      assert.equal((await storedRows(tenant.tenantId)).length, 2);
      const [session] = await sql`
        select calls from sealog.session_state
         where tenant_id = ${tenant.tenantId} and session_id = ${conversation}`;
      assert.equal(Number(session!.calls), 2);
      await exporter.shutdown();

      // The same content posted by hand: not in the response either.
      const response = await fetch(`${server.baseUrl}/otlp/v1/traces`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${tenant.apiKey}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(exportRequest([genaiSpan({}, contentAttributes(marker))])),
      });
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.ok(!text.includes(marker), "the response holds no content");

      assert.deepEqual(await columnsHolding(sql, [`%${marker}%`]), [], "columns holding content");
      assert.ok(!server.log().includes(marker), "the server's log holds no content");
    } finally {
      await server.stop();
    }
  });
}
