/**
 * Batches of events (telemetry and auth events), validated one by one so that one bad event
 * does not sink the batch. Every event goes through the same checks in the same order, and
 * a rejected one is reported in the same shape, whichever function received it:
 *   not an object → content key (any depth) → the function's own refusals → unknown field →
 *   the zod schema (first issue decides the code) → occurred_at window → the function's finish.
 */
import { z } from "zod";
import { findContentKey } from "./content_keys.ts";
import { INVALID_STRING, isCleanText } from "./strings.ts";

export const MAX_EVENTS_PER_BATCH = 500;
export const MAX_FUTURE_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type Refusal = { code: string; message: string };
export type Outcome<T> = { event: T } | Refusal;
export type Rejection = { index: number; event_id: string | null; code: string; message: string };

// The date and time fields sit at fixed offsets, read in place (no match groups to allocate).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** An RFC 3339 timestamp with a real calendar date, normalised to upper-case T and Z. */
export const Rfc3339 = z.string()
  .refine(isRfc3339, { error: "must be an RFC 3339 timestamp" })
  .transform((value) => value.toUpperCase())
  .meta({ format: "date-time" });

// deno-lint-ignore no-explicit-any
type AnyObjectSchema = z.ZodObject<any>;

export type EventRules<S extends AnyObjectSchema, T> = {
  schema: S;
  /** How old occurred_at may be: the category's retention, in days. */
  maxAgeDays: number;
  /** The rejection code of each field's zod issues. */
  fieldCodes: Record<string, string>;
  /** Refusals of the raw event checked right after content keys (e.g. credentials). */
  refuse?: (event: object) => Refusal | null;
  /** A refusal for an issue that fieldCodes cannot express (e.g. any counter's). */
  issueRefusal?: (field: string, issue: z.core.$ZodIssue) => Refusal | null;
  /** Shapes the parsed event for storage; may still refuse it. */
  finish: (event: z.output<S>) => Outcome<T>;
};

/** A validator of one event under `rules`, with an explicit clock for tests. */
export function eventValidator<S extends AnyObjectSchema, T>(rules: EventRules<S, T>) {
  return (event: unknown, now = Date.now()): Outcome<T> => {
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
    const refused = rules.refuse?.(event);
    if (refused) return refused;
    const unknown = Object.keys(event).find((key) => !Object.hasOwn(rules.schema.shape, key));
    if (unknown !== undefined) {
      return { code: "unknown_field", message: `unknown field '${clip(unknown)}'` };
    }
    const parsed = rules.schema.safeParse(event);
    if (!parsed.success) return refusalOf(parsed.error.issues[0]!, rules);
    const occurredAt = Date.parse((parsed.data as { occurred_at: string }).occurred_at);
    if (occurredAt > now + MAX_FUTURE_SKEW_MS || occurredAt < now - rules.maxAgeDays * DAY_MS) {
      return {
        code: "occurred_at_out_of_range",
        message:
          `occurred_at must be within the last ${rules.maxAgeDays} days and at most 5 minutes ahead`,
      };
    }
    return rules.finish(parsed.data);
  };
}

/** Every code a validator under `rules` can answer, for the API reference. */
export function rejectionCodes(
  rules: EventRules<AnyObjectSchema, unknown>,
  own: string[] = [],
): string[] {
  return [
    ...new Set([
      "invalid_event",
      "content_not_accepted",
      ...own,
      "unknown_field",
      INVALID_STRING,
      "occurred_at_out_of_range",
      ...Object.values(rules.fieldCodes),
    ]),
  ];
}

/**
 * The request, rejection and result schemas of a batch API, one shape for every batch: the
 * request documents its items as `event` (validated one by one, so one bad event does not
 * sink the batch), and a rejection's code is one of `codes`.
 */
export function batchSchemas(
  ids: { request: string; result: string; rejection: string; event: string },
  codes: string[],
) {
  const Rejection = z.object({
    index: z.int().meta({ description: "Position of the event in the batch." }),
    event_id: z.string().nullable(),
    code: z.enum(codes as [string, ...string[]]).meta({ description: "Stable rejection code." }),
    message: z.string(),
  }).meta({ id: ids.rejection });
  const Request = z.strictObject({
    events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH).meta({
      items: { $ref: `#/components/schemas/${ids.event}` },
      description: `1 to ${MAX_EVENTS_PER_BATCH} events.`,
    }),
  }).meta({ id: ids.request });
  const Result = z.object({
    accepted: z.int().meta({ description: "Events stored by this request." }),
    duplicates: z.int().meta({
      description: "Events already stored (same event_id), not stored again.",
    }),
    rejected: z.array(Rejection),
  }).meta({ id: ids.result });
  return { Request, Rejection, Result };
}

/** Validates every event of a batch; valid ones carry their batch index `i`. */
export function validateBatch<T>(
  events: unknown[],
  validate: (event: unknown, now?: number) => Outcome<T>,
  now = Date.now(),
): { valid: (T & { i: number })[]; rejected: Rejection[] } {
  const valid: (T & { i: number })[] = [];
  const rejected: Rejection[] = [];
  events.forEach((event, index) => {
    const outcome = validate(event, now);
    if ("code" in outcome) rejected.push({ index, event_id: echoEventId(event), ...outcome });
    else valid.push({ ...outcome.event, i: index });
  });
  return { valid, rejected };
}

function refusalOf(issue: z.core.$ZodIssue, rules: EventRules<AnyObjectSchema, unknown>): Refusal {
  const field = String(issue.path[0] ?? "");
  if (issue.message === INVALID_STRING) {
    return {
      code: INVALID_STRING,
      message: `${field} contains a NUL character or an unpaired surrogate`,
    };
  }
  return rules.issueRefusal?.(field, issue) ??
    { code: rules.fieldCodes[field] ?? "invalid_event", message: `${field}: ${issue.message}` };
}

function isRfc3339(value: string): boolean {
  if (!RFC3339.test(value)) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]! + leapDay &&
    digits(value, 11, 2) <= 23 && digits(value, 14, 2) <= 59 && digits(value, 17, 2) <= 59 &&
    !Number.isNaN(Date.parse(value));
}

/** The number written in `length` ASCII digits at `at`. */
function digits(text: string, at: number, length: number): number {
  let number = 0;
  for (let i = at; i < at + length; i++) number = number * 10 + text.charCodeAt(i) - 48;
  return number;
}

/** The rejected event's id, echoed only when it is a short clean string. */
function echoEventId(event: unknown): string | null {
  const id = (event as { event_id?: unknown } | null)?.event_id;
  return typeof id === "string" && id.length <= 64 && isCleanText(id) ? id : null;
}

/** A client-supplied key, shortened for a message. */
export function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
