/**
 * One LLM call as the caller describes it (camelCase), and the event that goes on the wire
 * (snake_case, exactly the ingest schema's fields). The wire event has no field that can hold
 * text: message content is scanned into risk tags before this point and never reaches it.
 * Validation mirrors the server's, so that an event the server would reject is refused here,
 * at the call site, instead of being sent and lost; tests/sdk/wire_event_property_test.ts
 * proves the two agree against the server's own validator.
 */

/** Token counts of one call. Missing counts are sent as 0. */
export type Usage = {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningTokens?: number;
};

/** What record() takes: one LLM call. `messages` is scanned locally and never sent. */
export type LlmCall = {
  /** 1 to 128 of [A-Za-z0-9._:-], never "." or containing "..". */
  sessionId: string;
  /** The requested model (gen_ai.request.model); truncated to 256 characters. */
  model: string;
  /** gen_ai.provider.name, e.g. "openai"; truncated to 64 characters. */
  provider?: string;
  usage?: Usage;
  /** Latency in milliseconds; rounded to an integer. */
  latencyMs?: number;
  /** Cost in millionths of a US dollar; rounded to an integer. */
  costMicroUsd?: number;
  status?: "ok" | "error";
  /** error.type, e.g. "rate_limit"; truncated to 128 characters. Never an error message. */
  errorType?: string;
  /** Pseudonymous id of the end user (1 to 128 characters). Personal data. */
  endUserId?: string;
  /** The agent's id (1 to 128 characters). */
  agentId?: string;
  /** When the call happened, within the last 90 days and at most 5 minutes ahead; defaults to now. */
  occurredAt?: Date | string | number;
  /** Prompt and response: strings, arrays or message objects. Scanned, then dropped. */
  messages?: unknown;
  /** Extra risk tags of your own (e.g. ACME_CUSTOMER_DATA), added to the scanner's. */
  riskTags?: string[];
  /** An idempotency key of your own (a UUID); one is generated when absent. */
  eventId?: string;
};

/** The event as sent: the ingest schema's field names, and nothing that can carry text. */
export type WireEvent = {
  event_id: string;
  session_id: string;
  occurred_at: string;
  model: string;
  provider?: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
  reasoning_tokens?: number;
  latency_ms?: number;
  cost_micro_usd?: number;
  status?: "ok" | "error";
  error_type?: string;
  risk_tags?: string[];
  end_user_id?: string;
  agent_id?: string;
};

export const MAX_RISK_TAGS = 32;
/** The server keeps telemetry 90 days and allows 5 minutes of clock skew ahead. */
const MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;
const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RISK_TAG = /^[A-Z][A-Z0-9_]{1,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why an event was refused before it was buffered. */
export class InvalidEventError extends TypeError {
  override name = "InvalidEventError";
}

/**
 * The wire event for `call`, with `riskTags` from the scanner. Throws InvalidEventError when
 * the server would reject the event.
 */
export function toWireEvent(
  call: LlmCall,
  riskTags: readonly string[],
  now: Date,
): WireEvent {
  if (call === null || typeof call !== "object") {
    throw new InvalidEventError("call must be an object");
  }
  const { sessionId } = call;
  if (
    typeof sessionId !== "string" || !SESSION_ID.test(sessionId) ||
    sessionId.includes("..") ||
    sessionId === "."
  ) {
    throw new InvalidEventError(
      "sessionId must be 1 to 128 of [A-Za-z0-9._:-], never '.' or '..'",
    );
  }
  const model = truncated("model", call.model, 256);
  if (model === undefined || model.length === 0) {
    throw new InvalidEventError("model is required");
  }
  const usage = call.usage ?? {};
  const event: WireEvent = {
    event_id: eventId(call.eventId),
    session_id: sessionId,
    occurred_at: occurredAt(call.occurredAt, now),
    model,
    provider: truncated("provider", call.provider, 64),
    input_tokens: counter("usage.inputTokens", usage.inputTokens ?? 0),
    output_tokens: counter("usage.outputTokens", usage.outputTokens ?? 0),
    cache_read_input_tokens: optionalCounter(
      "usage.cacheReadInputTokens",
      usage.cacheReadInputTokens,
    ),
    cache_creation_input_tokens: optionalCounter(
      "usage.cacheCreationInputTokens",
      usage.cacheCreationInputTokens,
    ),
    reasoning_tokens: optionalCounter(
      "usage.reasoningTokens",
      usage.reasoningTokens,
    ),
    latency_ms: rounded("latencyMs", call.latencyMs),
    cost_micro_usd: rounded("costMicroUsd", call.costMicroUsd),
    status: outcome(call.status),
    error_type: truncated("errorType", call.errorType, 128),
    risk_tags: tags(riskTags, call.riskTags),
    end_user_id: bounded("endUserId", call.endUserId, 128),
    agent_id: bounded("agentId", call.agentId, 128),
  };
  // Absent optional fields are left out rather than sent as undefined or null.
  for (const key of Object.keys(event) as Array<keyof WireEvent>) {
    if (event[key] === undefined) delete event[key];
  }
  return event;
}

function eventId(value: unknown): string {
  if (value === undefined) return crypto.randomUUID();
  if (typeof value !== "string" || !UUID.test(value)) {
    throw new InvalidEventError("eventId must be a UUID");
  }
  return value.toLowerCase();
}

function occurredAt(value: LlmCall["occurredAt"], now: Date): string {
  if (value === undefined) return now.toISOString();
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidEventError("occurredAt is not a valid date");
  }
  const time = date.getTime();
  if (
    time > now.getTime() + MAX_FUTURE_SKEW_MS ||
    time < now.getTime() - MAX_AGE_MS
  ) {
    throw new InvalidEventError(
      "occurredAt must be within the last 90 days and at most 5 minutes ahead",
    );
  }
  return date.toISOString();
}

function counter(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidEventError(`${name} must be an integer from 0 to 2^53-1`);
  }
  return value + 0; // -0 becomes 0
}

function optionalCounter(name: string, value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : counter(name, value);
}

function rounded(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidEventError(`${name} must be a finite number >= 0`);
  }
  return counter(name, Math.round(value));
}

function outcome(value: unknown): "ok" | "error" | undefined {
  if (value === undefined || value === null) return undefined;
  if (value !== "ok" && value !== "error") {
    throw new InvalidEventError("status must be 'ok' or 'error'");
  }
  return value;
}

function tags(
  scanned: readonly string[],
  extra: unknown,
): string[] | undefined {
  if (extra !== undefined && !Array.isArray(extra)) {
    throw new InvalidEventError("riskTags must be an array of strings");
  }
  const all = new Set<string>(scanned);
  for (const tag of (extra ?? []) as unknown[]) {
    if (typeof tag !== "string" || !RISK_TAG.test(tag)) {
      throw new InvalidEventError(
        "each risk tag must match ^[A-Z][A-Z0-9_]{1,63}$",
      );
    }
    all.add(tag);
  }
  if (all.size > MAX_RISK_TAGS) {
    throw new InvalidEventError(
      `an event carries at most ${MAX_RISK_TAGS} distinct risk tags`,
    );
  }
  return all.size > 0 ? [...all].sort() : undefined;
}

/** A string truncated to `max` code points, never splitting a surrogate pair. */
function truncated(
  name: string,
  value: unknown,
  max: number,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new InvalidEventError(`${name} must be a string`);
  }
  const clean = cleanText(name, value);
  if (clean.length === 0) {
    throw new InvalidEventError(`${name} must not be empty`);
  }
  const points = Array.from(clean);
  return points.length > max ? points.slice(0, max).join("") : clean;
}

/** A string of at most `max` code points; longer is refused, since it is an identifier. */
function bounded(
  name: string,
  value: unknown,
  max: number,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new InvalidEventError(`${name} must be a string`);
  }
  const clean = cleanText(name, value);
  const length = Array.from(clean).length;
  if (length < 1 || length > max) {
    throw new InvalidEventError(`${name} must be 1 to ${max} characters`);
  }
  return clean;
}

/** The server refuses NUL characters and unpaired surrogates. */
function cleanText(name: string, value: string): string {
  if (value.includes("\u0000") || !value.isWellFormed()) {
    throw new InvalidEventError(
      `${name} contains a NUL character or an unpaired surrogate`,
    );
  }
  return value;
}
