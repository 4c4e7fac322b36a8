/**
 * The telemetry event: the one source of truth for validation, TypeScript types and the
 * API reference. Field names follow the product spec; `gen_ai.*` in descriptions are the
 * OpenTelemetry GenAI semantic-convention names, so that an OTLP adapter is only a mapping.
 */
import { z } from "zod";
import { findContentKey } from "../_shared/content_keys.ts";
import { boundedText, INVALID_STRING, isCleanText, truncatedText } from "../_shared/strings.ts";

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
export const TELEMETRY_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

const counter = z.number()
  .refine((value) => Number.isSafeInteger(value) && value >= 0, {
    error: "must be an integer from 0 to 2^53-1",
  })
  .transform((value) => value + 0) // -0 becomes 0
  .meta({ type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const optionalCounter = counter.nullish();

export const RiskTag = z.string().regex(
  /^[A-Z][A-Z0-9_]{1,63}$/,
  "must match ^[A-Z][A-Z0-9_]{1,63}$",
)
  .meta({ examples: ["PII_EMAIL", "SECRET_API_KEY"] });

export const SessionId = z.string()
  .refine(
    (value) => /^[A-Za-z0-9._:-]{1,128}$/.test(value) && value !== "." && !value.includes(".."),
    {
      error: "must be 1 to 128 of [A-Za-z0-9._:-], and never '.', '..' or contain '..'",
    },
  )
  .meta({
    pattern: "^[A-Za-z0-9._:-]{1,128}$",
    description: "Never '.', '..' or containing '..'.",
  });

export const TelemetryEvent = z.strictObject({
  event_id: z.uuid().meta({
    description: "Idempotency key, unique per tenant. A resent event is stored once.",
  }),
  session_id: SessionId,
  occurred_at: z.string()
    .refine(isRfc3339, { error: "must be an RFC 3339 timestamp" })
    .meta({
      format: "date-time",
      description: "At most 5 minutes in the future and at most 90 days old.",
    }),
  model: truncatedText(256).meta({
    description: "gen_ai.request.model. Truncated to 256 characters.",
  }),
  provider: truncatedText(64).nullish().meta({
    description: "gen_ai.provider.name. Truncated to 64 characters.",
  }),
  input_tokens: counter.meta({ description: "gen_ai.usage.input_tokens." }),
  output_tokens: counter.meta({ description: "gen_ai.usage.output_tokens." }),
  cache_read_input_tokens: optionalCounter.meta({
    description: "gen_ai.usage.cache_read.input_tokens.",
  }),
  cache_creation_input_tokens: optionalCounter.meta({
    description: "gen_ai.usage.cache_creation.input_tokens.",
  }),
  reasoning_tokens: optionalCounter.meta({
    description: "Reasoning (thinking) tokens, when the provider reports them.",
  }),
  latency_ms: optionalCounter.meta({
    description: "Client-measured latency of the LLM call in milliseconds.",
  }),
  cost_micro_usd: optionalCounter.meta({ description: "Cost in millionths of a US dollar." }),
  status: z.enum(["ok", "error"]).nullish().meta({ description: "Outcome of the call." }),
  error_type: truncatedText(128).nullish().meta({
    description: "error.type. Truncated to 128 characters.",
  }),
  risk_tags: z.array(RiskTag).max(32)
    .refine((tags) => new Set(tags).size === tags.length, { error: "must be distinct" })
    .nullish()
    .meta({
      description:
        "Risk tags computed by the SDK on the client (see docs/risk-tags.md). Never the matched text.",
    }),
  end_user_id: boundedText(128).nullish()
    .meta({
      description:
        "Pseudonymous id of the agent's end user. Personal data: erased by deletion requests.",
    }),
  agent_id: boundedText(128).nullish().meta({ description: "gen_ai.agent.id." }),
}).meta({
  id: "TelemetryEvent",
  description: "One LLM call's metadata. Never prompt or response content.",
});

export type TelemetryEvent = z.output<typeof TelemetryEvent>;

/** Per-field rejection codes; the first issue of an event decides its code. */
const FIELD_CODES: Record<string, string> = {
  event_id: "invalid_event_id",
  session_id: "invalid_session_id",
  occurred_at: "invalid_occurred_at",
  model: "invalid_model",
  provider: "invalid_provider",
  status: "invalid_status",
  error_type: "invalid_error_type",
  risk_tags: "invalid_risk_tags",
  end_user_id: "invalid_end_user_id",
  agent_id: "invalid_agent_id",
};

export const EVENT_REJECTION_CODES = [
  "invalid_event",
  "content_not_accepted",
  "unknown_field",
  INVALID_STRING,
  "invalid_counter",
  "occurred_at_out_of_range",
  ...Object.values(FIELD_CODES),
] as const;

export type Rejection = { index: number; event_id: string | null; code: string; message: string };
export type AcceptedEvent = TelemetryEvent & { i: number };

/** Validates every event of a batch; the valid ones carry their batch index `i`. */
export function validateEvents(
  events: unknown[],
  now = Date.now(),
): { valid: AcceptedEvent[]; rejected: Rejection[] } {
  const valid: AcceptedEvent[] = [];
  const rejected: Rejection[] = [];
  events.forEach((event, index) => {
    const outcome = validateEvent(event, now);
    if ("code" in outcome) rejected.push({ index, event_id: echoEventId(event), ...outcome });
    else valid.push({ ...outcome.event, i: index });
  });
  return { valid, rejected };
}

/** Validates one event: content keys first, then unknown keys, then each field. */
export function validateEvent(
  event: unknown,
  now = Date.now(),
): { event: TelemetryEvent } | { code: string; message: string } {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    return { code: "invalid_event", message: "each event must be a JSON object" };
  }
  const contentKey = findContentKey(event);
  if (contentKey !== null) {
    return {
      code: "content_not_accepted",
      message: `key '${clip(contentKey)}' can carry content and is never accepted`,
    };
  }
  const unknown = Object.keys(event).find((key) => !Object.hasOwn(TelemetryEvent.shape, key));
  if (unknown !== undefined) {
    return { code: "unknown_field", message: `unknown field '${clip(unknown)}'` };
  }
  const parsed = TelemetryEvent.safeParse(event);
  if (!parsed.success) return rejection(parsed.error.issues[0]!);
  const occurredAt = Date.parse(parsed.data.occurred_at);
  if (occurredAt > now + MAX_FUTURE_SKEW_MS || occurredAt < now - TELEMETRY_RETENTION_MS) {
    return {
      code: "occurred_at_out_of_range",
      message: "occurred_at must be within the last 90 days and at most 5 minutes ahead",
    };
  }
  return { event: { ...parsed.data, occurred_at: parsed.data.occurred_at.toUpperCase() } };
}

function rejection(issue: z.core.$ZodIssue): { code: string; message: string } {
  const field = String(issue.path[0] ?? "");
  if (issue.message === INVALID_STRING) {
    return {
      code: INVALID_STRING,
      message: `${field} contains a NUL character or an unpaired surrogate`,
    };
  }
  if (field.endsWith("_tokens") || field === "latency_ms" || field === "cost_micro_usd") {
    return { code: "invalid_counter", message: `${field} ${counterMessage(issue)}` };
  }
  return { code: FIELD_CODES[field] ?? "invalid_event", message: `${field}: ${issue.message}` };
}

function counterMessage(issue: z.core.$ZodIssue): string {
  return issue.code === "invalid_type" ? "is required and must be an integer" : issue.message;
}

function isRfc3339(value: string): boolean {
  const match = RFC3339.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 && !Number.isNaN(Date.parse(value));
}

/** The rejected event's id, echoed only when it is a short clean string. */
function echoEventId(event: unknown): string | null {
  const id = (event as { event_id?: unknown } | null)?.event_id;
  return typeof id === "string" && id.length <= 64 && isCleanText(id) ? id : null;
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
