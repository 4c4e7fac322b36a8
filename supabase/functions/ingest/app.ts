/**
 * ingest: LLM-call telemetry, content-free.
 *
 *   POST /ingest                          store a batch of 1..500 events (scope ingest)
 *   GET  /ingest/whoami                   the key's tenant, prefix and scopes (any scope)
 *   GET  /ingest/sessions/{session_id}    live session totals (scope ingest)
 *
 * Each request is one database round trip; 2xx is sent only after the transaction commits.
 */
import { bearerCredential } from "../_shared/auth.ts";
import { jsonBody } from "../_shared/body.ts";
import { findContentKey } from "../_shared/content_keys.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { ApiError } from "../_shared/problems.ts";
import { IngestRequest } from "./schemas.ts";
import { SessionId, validateEvents } from "./telemetry_event.ts";

export const app = createFunctionApp("ingest");

app.post("/", bearerCredential, jsonBody, async (c) => {
  const body = c.get("body");
  if (findContentKey(body) !== null && !isEventsEnvelope(body)) {
    throw new ApiError("content_not_accepted");
  }
  const envelope = IngestRequest.safeParse(body);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new ApiError(issue.code === "too_big" ? "too_many_events" : "invalid_request", {
      errors: [{ path: issue.path.join("."), message: issue.message }],
    });
  }
  const { valid, rejected } = validateEvents(envelope.data.events);
  const reply = await callApi(c, "ingest", { rejected_count: rejected.length }, valid);
  // Validation details go only to a caller who passed authentication and scope (the 422).
  const details = reply.code === "no_valid_events" ? { rejected } : {};
  return respond(c, reply, (result) => ({ ...result, rejected }), details);
});

app.get("/whoami", bearerCredential, async (c) => respond(c, await callApi(c, "whoami", {})));

app.get("/sessions/:session_id", bearerCredential, async (c) => {
  const sessionId = c.req.param("session_id");
  // An id that could never exist is answered like an unknown one, after the same round trip.
  const lookup = SessionId.safeParse(sessionId).success ? sessionId : "";
  return respond(c, await callApi(c, "get_session", {}, lookup));
});

/** A body whose only content keys are inside events: those are rejected per event. */
function isEventsEnvelope(body: unknown): boolean {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  return keys.length === 1 && keys[0] === "events";
}
