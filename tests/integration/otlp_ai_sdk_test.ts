/**
 * The Vercel AI SDK (`ai`) with its mock language model and telemetry on (its OpenTelemetry
 * integration, @ai-sdk/otel, recording inputs and outputs) exports through the official
 * OTLP exporter to the real stack: its model calls are stored, its prompts are not.
 */
import assert from "node:assert/strict";
import { OpenTelemetry } from "@ai-sdk/otel";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { generateText, registerTelemetry } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { columnsHolding } from "../_support/columns.ts";
import { newMarker, scannedEmail } from "../_support/otlp.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

test("the AI SDK's generateText with experimental_telemetry is stored through OTLP, content-free", async () => {
  const tenant = await createTenant();
  const marker = newMarker();
  const exporter = new OTLPTraceExporter({
    url: `${BASE_URL}/otlp/v1/traces`,
    headers: { Authorization: `Bearer ${tenant.apiKey}` },
  });
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  registerTelemetry(new OpenTelemetry({ tracer: provider.getTracer("ai") }));

  const model = new MockLanguageModelV4({
    provider: "mock-provider",
    modelId: "mock-model-1",
    doGenerate: {
      content: [{ type: "text", text: `${marker}-answer` }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 21, noCache: 21, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 8, text: 8, reasoning: undefined },
      },
      warnings: [],
    },
  });
  for (let i = 0; i < 2; i++) {
    const result = await generateText({
      model,
      system: `${marker}-system`,
      prompt: `Email ${scannedEmail(marker)} the ${marker}-prompt`,
      experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true },
    });
    assert.equal(result.text, `${marker}-answer`);
  }
  await provider.forceFlush();
  await provider.shutdown();

  const rows = await sql`
    select model, provider, input_tokens, output_tokens, to_jsonb(risk_tags) as risk_tags
      from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
  assert.equal(rows.length, 2, "one row per model call");
  for (const row of rows) {
    assert.equal(row.model, "mock-model-1");
    assert.equal(Number(row.input_tokens), 21);
    assert.equal(Number(row.output_tokens), 8);
    assert.deepEqual(row.risk_tags, ["PII_EMAIL"]);
  }
  assert.deepEqual(await columnsHolding(sql, [`%${marker}%`]), []);
});
