/**
 * OTLP test material: content attributes carrying marker strings (each must never reach a
 * table, a log line or a response), and OTLP/JSON spans for the tests that post bodies by hand.
 */
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";

/** An email address the scanner tags PII_EMAIL (not a documentation domain). */
export const scannedEmail = (marker: string) => `${marker.toLowerCase()}.smith@gmail.com`;

/**
 * Every kind of content attribute the otlp function must discard: name → a text holding
 * `marker` (and, in the input messages, an email address for the scanner to find).
 */
export function contentAttributes(marker: string): Record<string, string> {
  return {
    "gen_ai.input.messages": JSON.stringify([{
      role: "user",
      parts: [{ type: "text", content: `write to ${scannedEmail(marker)} about ${marker}-in` }],
    }]),
    "gen_ai.output.messages": JSON.stringify([{
      role: "assistant",
      parts: [{ type: "text", content: `${marker}-out` }],
    }]),
    "gen_ai.system_instructions": `${marker}-system`,
    "gen_ai.tool.call.arguments": `{"q":"${marker}-args"}`,
    "gen_ai.tool.call.result": `${marker}-result`,
    "gen_ai.prompt.0.content": `${marker}-openllmetry-prompt`,
    "gen_ai.completion.0.content": `${marker}-openllmetry-completion`,
    "input.value": `${marker}-openinference-input`,
    "output.value": `${marker}-openinference-output`,
    "llm.input_messages.0.message.content": `${marker}-openinference-message`,
    "llm.output_messages.0.message.content": `${marker}-openinference-reply`,
  };
}

/** A fresh marker: upper-case letters and digits, unlikely anywhere else. */
export const newMarker = () => `MRK${randomBytes(6).toString("hex").toUpperCase()}`;

export const hex = (bytes: number) => randomBytes(bytes).toString("hex");

type JsonValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };

/** An OTLP/JSON attribute list from a plain object. */
export function attributes(values: Record<string, string | number | boolean>) {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value:
      (typeof value === "string"
        ? { stringValue: value }
        : typeof value === "number"
        ? { intValue: String(value) }
        : { boolValue: value }) as JsonValue,
  }));
}

/** An OTLP/JSON GenAI chat span that started a second ago and took 250 ms. */
export function genaiSpan(
  overrides: Record<string, unknown> = {},
  attrs: Record<string, unknown> = {},
) {
  const start = BigInt(Date.now() - 1000) * 1_000_000n;
  return {
    traceId: hex(16),
    spanId: hex(8),
    name: "chat gpt-4o",
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 250_000_000n),
    attributes: attributes({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 34,
      ...attrs as Record<string, string | number | boolean>,
    }),
    ...overrides,
  };
}

/** An OTLP/JSON ExportTraceServiceRequest holding `spans`. */
export function exportRequest(spans: unknown[]) {
  return {
    resourceSpans: [{
      resource: { attributes: attributes({ "service.name": "otlp-test" }) },
      scopeSpans: [{ scope: { name: "sealog-test" }, spans }],
    }],
  };
}

type ProtoType = {
  fromObject(object: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
};
const v1 = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { trace: { v1: Record<string, ProtoType> } } } };
}).opentelemetry.proto.collector.trace.v1;

/** An OTLP/JSON request (hex ids) encoded as the protobuf an exporter sends. */
export function toProtobuf(request: ReturnType<typeof exportRequest>): Uint8Array<ArrayBuffer> {
  const withBytes = structuredClone(request);
  for (const resource of withBytes.resourceSpans) {
    for (const scope of resource.scopeSpans) {
      for (const span of scope.spans as Record<string, unknown>[]) {
        for (const id of ["traceId", "spanId"]) {
          if (typeof span[id] === "string") span[id] = Buffer.from(span[id] as string, "hex");
        }
      }
    }
  }
  const type = v1.ExportTraceServiceRequest!;
  return new Uint8Array(type.encode(type.fromObject(withBytes)).finish());
}

/** google.rpc.Status, as the function encodes it. */
export { Status } from "../../supabase/functions/otlp/answer.ts";

/** A protobuf ExportTraceServiceResponse as a plain object. */
export function fromProtobufResponse(bytes: Uint8Array): Record<string, unknown> {
  const type = v1.ExportTraceServiceResponse!;
  return type.toObject(type.decode(bytes), { longs: String });
}

/** Gzip of `bytes`, as an exporter compresses. */
export async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
