/**
 * otlp: OpenTelemetry traces over OTLP/HTTP. An exporter configured with
 * OTEL_EXPORTER_OTLP_ENDPOINT=<functions URL>/otlp posts to /otlp/v1/traces. GenAI spans become
 * telemetry events stored by the same one database round trip as POST /ingest (with its key,
 * scope, rate limit and access-log row); other spans are counted and skipped. Content
 * attributes are never read except by the in-memory scanner (content.ts).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type BodyRules, readBody } from "../_shared/body.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, rateLimitHeaders, respond } from "../_shared/pipeline.ts";
import { mount } from "../_shared/routes.ts";
import { validateEvent } from "../ingest/telemetry_event.ts";
import { answerMediaType, asStatus, exportResponse } from "./answer.ts";
import { scanContent } from "./content.ts";
import { decodeSpans, JSON_MEDIA, PROTOBUF } from "./decode.ts";
import { mapSpan } from "./genai.ts";
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from "./schemas.ts";

export const app = createFunctionApp("otlp");

// Every error, the pipeline's included, in the body OTLP/HTTP defines.
app.use(
  "*",
  createMiddleware<SealogEnv>(async (c, next) => {
    await next();
    if (c.res.headers.get("Content-Type") === "application/problem+json") {
      c.res = await asStatus(c.res, answerMediaType(c.req.header("Content-Type")));
    }
  }),
);

const OTLP_BODY: BodyRules = {
  mediaTypes: [PROTOBUF, JSON_MEDIA],
  gzip: true,
  unsupportedMediaType: "unsupported_otlp_media_type",
  malformed: "malformed_otlp",
};

mount(app, {
  method: "post",
  path: "/v1/traces",
  summary: "Store the GenAI spans of an OTLP/HTTP trace export",
  description: "OTLP/HTTP (protobuf or JSON, optionally gzip; at most 1 MiB decompressed). " +
    "Spans that are model calls under the OTel GenAI, OpenInference or OpenLLMetry names become " +
    "telemetry events (docs/otlp.md); other spans are skipped. Content attributes are never " +
    "stored. Answered as OTLP/HTTP defines: refused spans in `partialSuccess`, errors as a " +
    "google.rpc.Status in the request's format whose message starts with the problem code below.",
  auth: ["apiKey"],
  scope: "ingest",
  operation: "ingest_otlp",
  request: ExportTraceServiceRequest,
  responses: {
    200: {
      description: "The spans were stored, were already stored, skipped or refused.",
      schema: ExportTraceServiceResponse,
    },
  },
  errorFormat: "otlpStatus",
  bodyProblems: [
    "malformed_otlp",
    "payload_too_large",
    "unsupported_otlp_media_type",
    "unsupported_content_encoding",
  ],
}, exportTraces);

async function exportTraces(c: Context<SealogEnv>): Promise<Response> {
  const { mediaType, bytes } = await readBody(c, OTLP_BODY);
  const spans = decodeSpans(mediaType, bytes);
  const fromJson = mediaType === JSON_MEDIA;
  const events: Record<string, unknown>[] = [];
  const refusals = new Map<string, number>();
  let skipped = 0;
  for (const span of spans) {
    const mapped = mapSpan(span, fromJson, () => scanContent(span));
    if ("skipped" in mapped) {
      skipped++;
      continue;
    }
    const outcome = "code" in mapped ? mapped : validateEvent(mapped.event);
    if ("code" in outcome) refusals.set(outcome.code, (refusals.get(outcome.code) ?? 0) + 1);
    else events.push({ ...outcome.event, i: events.length });
  }
  // Refused spans are answered in partialSuccess with 200, so the batch is not "rejected".
  const reply = await callApi(c, "ingest_otlp", { rejected_count: 0 }, events);
  if (reply.status >= 400) return respond(c, reply);
  if (reply.rate_limit) {
    for (const [name, value] of Object.entries(rateLimitHeaders(reply.rate_limit))) {
      c.header(name, value);
    }
  }
  const rejected = [...refusals.values()].reduce((sum, n) => sum + n, 0);
  const message = [
    ...[...refusals].map(([code, n]) => `${n} span(s) refused: ${code}`),
    ...(skipped > 0 ? [`${skipped} span(s) skipped: not GenAI model calls`] : []),
  ].join("; ");
  const answer = answerMediaType(mediaType);
  c.header("Content-Type", answer);
  return c.body(exportResponse(answer, rejected, message), 200);
}
