/** The ingest function's routes, for the generated API reference (docs/openapi.json). */
import type { RouteDoc } from "../_shared/openapi.ts";
import { IngestRequest, IngestResult, SessionState, WhoAmI } from "./schemas.ts";
import { EVENT_REJECTION_CODES } from "./telemetry_event.ts";

export const routes: RouteDoc[] = [
  {
    method: "post",
    path: "/",
    summary: "Store a batch of LLM-call telemetry events",
    description: "1 to 500 events, at most 1 MiB. Answered only after the transaction commits. " +
      "Each event is validated on its own: 200 when all were accepted or duplicates, 207 when some " +
      "were rejected (the others are stored), 422 when none is valid. Rejection codes: " +
      EVENT_REJECTION_CODES.map((code) => `\`${code}\``).join(", ") + ".",
    auth: "apiKey",
    scope: "ingest",
    request: IngestRequest,
    responses: {
      200: { description: "Every event was stored or was already stored.", schema: IngestResult },
      207: {
        description: "Some events were rejected; the valid ones were stored.",
        schema: IngestResult,
      },
    },
    problems: ["invalid_request", "content_not_accepted", "too_many_events", "no_valid_events"],
  },
  {
    method: "get",
    path: "/whoami",
    summary: "The tenant, key prefix and scopes of the presented key",
    auth: "apiKey",
    responses: { 200: { description: "The key is valid.", schema: WhoAmI } },
  },
  {
    method: "get",
    path: "/sessions/:session_id",
    summary: "Running totals of a live agent session",
    description:
      "Sessions expire 24 hours after their last activity. Unknown, expired and other tenants' sessions all answer the same 404.",
    auth: "apiKey",
    scope: "ingest",
    responses: { 200: { description: "The session's totals.", schema: SessionState } },
    problems: ["session_not_found"],
  },
];
