/**
 * The one handler of batch APIs (POST /ingest, POST /auth-events with a key): read the body,
 * check the envelope, validate each event, and make the one database call. A bad envelope
 * is not answered here: it becomes the request's validation failure, which the database answers after
 * authentication and scope (routes.ts), so its details reach only an authorised caller.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { readJsonBody } from "./body.ts";
import { findContentKey } from "./content_keys.ts";
import type { SealogEnv } from "./context.ts";
import type { Outcome, Rejection } from "./event_batch.ts";
import { validateBatch } from "./event_batch.ts";
import { callApi, respond } from "./pipeline.ts";
import { failValidation, failValidationWith } from "./routes.ts";

export type BatchRoute<T> = {
  operation: "ingest" | "record_auth_events";
  envelope: z.ZodType<{ events: unknown[] }>;
  validate: (event: unknown, now?: number) => Outcome<T>;
  /** Refuse content keys outside `events` as content_not_accepted (else invalid_request). */
  refuseContent?: boolean;
};

/** Answers a batch request with the route's operation: 200, 207 or 422 (see finish_batch). */
export async function answerBatch<T>(
  c: Context<SealogEnv>,
  route: BatchRoute<T>,
): Promise<Response> {
  const body = await readJsonBody(c);
  let events: unknown[] = [];
  // An events envelope skips the whole-body scan: its events' content keys are rejected
  // per event, where each event is scanned anyway (one scan of every event, not two).
  if (route.refuseContent && !isEventsEnvelope(body) && findContentKey(body) !== null) {
    failValidation(c, "content_not_accepted");
  } else {
    const envelope = route.envelope.safeParse(body);
    if (envelope.success) events = envelope.data.events;
    else {
      const tooMany = envelope.error.issues[0]!.code === "too_big";
      failValidationWith(c, tooMany ? "too_many_events" : "invalid_request", envelope.error);
    }
  }
  const { valid, rejected } = validateBatch(events, route.validate);
  const reply = await callApi(c, route.operation, { rejected_count: rejected.length }, valid);
  // Per-event details go only to a caller who passed authentication and scope (the 422).
  const details: { rejected?: Rejection[] } = reply.code === "no_valid_events" ? { rejected } : {};
  return respond(c, reply, (result) => ({ ...result, rejected }), details);
}

/** A body whose only content keys are inside events: those are rejected per event. */
function isEventsEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === "events";
}
