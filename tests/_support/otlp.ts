/**
 * OTLP test material: content attributes carrying marker strings (each must never reach a
 * table, a log line or a response), and OTLP/JSON spans for the tests that post bodies by hand.
 */
import { randomBytes } from "node:crypto";

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
