/**
 * ingest: LLM-call telemetry, content-free. Each route is declared once below; the API
 * reference is generated from these declarations. Each request is one database round trip;
 * 2xx is sent only after the transaction commits.
 */
import { answerBatch } from "../_shared/batch_route.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { mount } from "../_shared/routes.ts";
import { IngestRequest, IngestResult, SessionParams, SessionState, WhoAmI } from "./schemas.ts";
import { EVENT_REJECTION_CODES, validateEvent } from "./telemetry_event.ts";

export const app = createFunctionApp("ingest");

mount(app, {
  method: "post",
  path: "/",
  summary: "Store a batch of LLM-call telemetry events",
  description: "1 to 500 events, at most 1 MiB. Answered only after the transaction commits. " +
    "Each event is validated on its own: 200 when all were accepted or duplicates, 207 when some " +
    "were rejected (the others are stored), 422 when none is valid. Rejection codes: " +
    EVENT_REJECTION_CODES.map((code) => `\`${code}\``).join(", ") + ".",
  auth: ["apiKey"],
  scope: "ingest",
  operation: "ingest",
  request: IngestRequest,
  responses: {
    200: { description: "Every event was stored or was already stored.", schema: IngestResult },
    207: {
      description: "Some events were rejected; the valid ones were stored.",
      schema: IngestResult,
    },
  },
  problems: ["invalid_request", "content_not_accepted", "too_many_events", "no_valid_events"],
}, async (c) =>
  await answerBatch(c, {
    operation: "ingest",
    envelope: IngestRequest,
    validate: validateEvent,
    refuseContent: true,
  }));

mount(app, {
  method: "get",
  path: "/whoami",
  summary: "The tenant, key prefix and scopes of the presented key",
  auth: ["apiKey"],
  operation: "whoami",
  responses: { 200: { description: "The key is valid.", schema: WhoAmI } },
}, async (c) => respond(c, await callApi(c, "whoami", {})));

mount(
  app,
  {
    method: "get",
    path: "/sessions/:session_id",
    summary: "Running totals of a live agent session",
    description:
      "Sessions expire 24 hours after their last activity. Unknown, expired and other tenants' sessions, and ids that could never exist, all answer the same 404.",
    auth: ["apiKey"],
    scope: "ingest",
    operation: "get_session",
    params: SessionParams,
    paramProblem: "session_not_found",
    responses: { 200: { description: "The session's totals.", schema: SessionState } },
    problems: ["session_not_found"],
  },
  async (c, { params }) =>
    respond(c, await callApi(c, "get_session", {}, params?.session_id ?? "")),
);
