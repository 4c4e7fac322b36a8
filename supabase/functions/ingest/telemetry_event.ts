/**
 * The telemetry event: the one source of truth for validation, TypeScript types and the
 * API reference. Field names follow the product spec; `gen_ai.*` in descriptions are the
 * OpenTelemetry GenAI semantic-convention names, so that an OTLP adapter is only a mapping.
 */
import { z } from "zod";
import {
  type EventRules,
  eventValidator,
  rejectionCodes,
  Rfc3339,
  validateBatch,
} from "../_shared/event_batch.ts";
import { boundedText, truncatedText } from "../_shared/strings.ts";

export { MAX_EVENTS_PER_BATCH, type Rejection } from "../_shared/event_batch.ts";

/** Telemetry is kept 90 days; an older event would be purged at once. */
export const TELEMETRY_RETENTION_DAYS = 90;

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
    description:
      "Idempotency key: with occurred_at, unique per tenant. A resent event (same event_id and occurred_at) is stored once.",
  }),
  session_id: SessionId,
  occurred_at: Rfc3339.meta({
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

const COUNTERS = new Set([
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
  "reasoning_tokens",
  "latency_ms",
  "cost_micro_usd",
]);

const rules: EventRules<typeof TelemetryEvent, TelemetryEvent> = {
  schema: TelemetryEvent,
  maxAgeDays: TELEMETRY_RETENTION_DAYS,
  fieldCodes: {
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
  },
  // Every counter answers one code, whichever counter it is.
  issueRefusal: (field, issue) =>
    COUNTERS.has(field)
      ? {
        code: "invalid_counter",
        message: `${field} ${
          issue.code === "invalid_type" ? "is required and must be an integer" : issue.message
        }`,
      }
      : null,
  finish: (event) => ({ event }),
};

export const EVENT_REJECTION_CODES = rejectionCodes(rules, ["invalid_counter"]);

export type AcceptedEvent = TelemetryEvent & { i: number };

/** Validates one telemetry event. */
export const validateEvent = eventValidator(rules);

/** Validates every event of a batch; the valid ones carry their batch index `i`. */
export const validateEvents = (events: unknown[], now = Date.now()) =>
  validateBatch(events, validateEvent, now);
