/**
 * GenAI spans as telemetry events. Only the allow-listed attributes below are read, each by
 * its current OTel GenAI semantic-convention name first, then its deprecated name, then
 * OpenInference's and OpenLLMetry's (docs/otlp.md has the table with the source of each name).
 * Every other attribute is left unread; content attributes go only to the scanner (content.ts).
 * The event then passes the same validation as POST /ingest.
 */
import { createHash } from "node:crypto";
import type { AnyValue, KeyValue, RawSpan } from "./decode.ts";
import { idHex } from "./decode.ts";

/** The allow-list: each event field and the attribute names read for it, in order. */
export const MAPPING = {
  provider: ["gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system"],
  request_model: ["gen_ai.request.model", "llm.request.model", "llm.model_name"],
  response_model: ["gen_ai.response.model", "llm.response.model"],
  operation: ["gen_ai.operation.name", "llm.request.type"],
  input_tokens: [
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.prompt_tokens",
    "llm.token_count.prompt",
    "llm.usage.prompt_tokens",
  ],
  output_tokens: [
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.completion_tokens",
    "llm.token_count.completion",
    "llm.usage.completion_tokens",
  ],
  cache_read_input_tokens: [
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "llm.token_count.prompt_details.cache_read",
  ],
  cache_creation_input_tokens: [
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
    "llm.token_count.prompt_details.cache_write",
  ],
  reasoning_tokens: [
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.reasoning_tokens",
    "llm.token_count.completion_details.reasoning",
  ],
  session_id: ["gen_ai.conversation.id", "session.id"],
  agent_id: ["gen_ai.agent.id"],
  end_user_id: ["user.id", "enduser.id"],
  error_type: ["error.type"],
  span_kind: ["openinference.span.kind"],
} as const satisfies Record<string, readonly string[]>;

type Field = keyof typeof MAPPING;
const READ = new Map<string, Field>(
  Object.entries(MAPPING).flatMap(([field, names]) =>
    names.map((name) => [name, field as Field] as const)
  ),
);

/** Operations that are not one model call: their tokens, if any, repeat their children's. */
const NOT_MODEL_CALLS = new Set([
  "execute_tool",
  "create_agent",
  "invoke_agent",
  "invoke_workflow",
]);
/** OpenInference span kinds that are model calls. */
const MODEL_SPAN_KINDS = new Set(["LLM", "EMBEDDING"]);

/** A scalar attribute value: strings, booleans and numbers; arrays and maps are never read. */
type Scalar = string | number | boolean;

/** The allow-listed attributes of a span, first name wins per field. */
function readAllowList(attributes: unknown): Partial<Record<Field, Scalar>> {
  const found: Partial<Record<Field, { rank: number; value: Scalar }>> = {};
  if (!Array.isArray(attributes)) return {};
  for (const attribute of attributes as KeyValue[]) {
    const key = attribute?.key;
    if (typeof key !== "string") continue;
    const field = READ.get(key);
    if (field === undefined) continue; // discarded unread
    const value = scalarOf(attribute.value);
    if (value === undefined) continue;
    const rank = (MAPPING[field] as readonly string[]).indexOf(key);
    const seen = found[field];
    if (!seen || rank < seen.rank) found[field] = { rank, value };
  }
  return Object.fromEntries(
    Object.entries(found).map(([field, seen]) => [field, seen.value]),
  ) as Partial<Record<Field, Scalar>>;
}

function scalarOf(value: AnyValue | undefined): Scalar | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (typeof value.boolValue === "boolean") return value.boolValue;
  if (typeof value.intValue === "string" || typeof value.intValue === "number") {
    const number = Number(value.intValue);
    return Number.isFinite(number) ? number : undefined;
  }
  if (typeof value.doubleValue === "number") return value.doubleValue;
  return undefined;
}

const MAX_NANOS = 8_640_000_000_000_000_000_000n;

/** The outcome for one span: skipped (not GenAI), refused, or an event to validate. */
export type SpanOutcome =
  | { skipped: true }
  | { code: string; message: string }
  | { event: Record<string, unknown> };

/**
 * Maps one span. A GenAI span names a model (request, response or OpenInference) and is a
 * model call: not a tool, agent or workflow span, and for OpenInference an LLM or EMBEDDING
 * span. Everything else is skipped, not stored.
 */
export function mapSpan(span: RawSpan, fromJson: boolean, riskTags: () => string[]): SpanOutcome {
  const read = readAllowList(span.attributes);
  const model = text(read.request_model) ?? text(read.response_model);
  const operation = text(read.operation);
  const kind = text(read.span_kind);
  if (
    model === undefined || (operation !== undefined && NOT_MODEL_CALLS.has(operation)) ||
    (kind !== undefined && !MODEL_SPAN_KINDS.has(kind.toUpperCase()))
  ) {
    return { skipped: true };
  }
  const traceId = idHex(span.traceId, 16, fromJson);
  const spanId = idHex(span.spanId, 8, fromJson);
  if (!traceId || !spanId) {
    return { code: "invalid_span_id", message: "traceId and spanId must be 16 and 8 bytes" };
  }
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  // Past year 275760 a Date cannot hold the time.
  if (start === null || start === 0n || start > MAX_NANOS) {
    return { code: "invalid_occurred_at", message: "startTimeUnixNano is required" };
  }
  // protobufjs decodes invalid UTF-8 to U+FFFD: refused, as JSON's invalid UTF-8 is.
  if (Object.values(read).some((value) => typeof value === "string" && value.includes("\uFFFD"))) {
    return { code: "invalid_string", message: "an attribute read is not valid UTF-8" };
  }
  const failed = Number(span.status?.code) === 2 || read.error_type !== undefined;
  const tags = riskTags();
  return {
    event: {
      event_id: eventId(traceId, spanId),
      session_id: text(read.session_id) ?? traceId,
      occurred_at: new Date(Number(start / 1_000_000n)).toISOString(),
      model,
      provider: text(read.provider) ?? null,
      input_tokens: counter(read.input_tokens) ?? 0,
      output_tokens: counter(read.output_tokens) ?? 0,
      cache_read_input_tokens: counter(read.cache_read_input_tokens) ?? null,
      cache_creation_input_tokens: counter(read.cache_creation_input_tokens) ?? null,
      reasoning_tokens: counter(read.reasoning_tokens) ?? null,
      latency_ms: end !== null && end >= start ? Number((end - start) / 1_000_000n) : null,
      status: failed ? "error" : "ok",
      error_type: failed ? text(read.error_type) ?? null : null,
      agent_id: text(read.agent_id) ?? null,
      end_user_id: text(read.end_user_id) ?? null,
      ...(tags.length > 0 ? { risk_tags: tags.slice(0, 32) } : {}),
    },
  };
}

/**
 * The event id of a span: a UUID (version 8, RFC 9562) from SHA-256 of its trace and span
 * ids, so an exporter's retry of the same span is the same event and is stored once.
 */
export function eventId(traceId: string, spanId: string): string {
  const bytes = createHash("sha256").update(`sealog-otlp:${traceId}:${spanId}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
    hex.slice(20)
  }`;
}

function text(value: Scalar | undefined): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * A counter as sent: the ingest validation refuses negative and fractional ones, and NaN,
 * which stands for a counter sent as a string or boolean.
 */
function counter(value: Scalar | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : Number.NaN;
}

function nanos(value: unknown): bigint | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  try {
    const result = BigInt(value);
    return result >= 0n ? result : null;
  } catch {
    return null;
  }
}
