/** The deletion-requests function's routes, for the generated API reference (docs/openapi.json). */
import type { RouteDoc } from "../_shared/openapi.ts";
import { DeletionRequest, DeletionRequestAccepted, DeletionRequestBody } from "./schemas.ts";

const CALLERS: RouteDoc["auth"] = ["userToken", "apiKey", "operatorKey"];

export const routes: RouteDoc[] = [
  {
    method: "post",
    path: "/",
    summary: "Request the erasure of a person's data from every store",
    description:
      "A user with their own access token erases themselves (no body needed); a tenant key with the scope `privacy` erases one of its end users (`end_user_id`) in that tenant only; the operator (project secret key) erases a platform user by `user_id` or `email`. " +
      "The erasure runs at once when SEALOG_ERASURE_GRACE is 0, otherwise when the grace period ends (pg_cron, every minute). " +
      "A second request for the same subject while one is pending returns the pending one.",
    auth: CALLERS,
    scope: "privacy",
    request: DeletionRequestBody,
    responses: {
      202: { description: "Accepted (or already pending).", schema: DeletionRequestAccepted },
    },
    problems: ["invalid_request", "subject_not_allowed", "not_configured"],
  },
  {
    method: "get",
    path: "/:request_id",
    summary: "Status of a deletion request, with its receipt once completed",
    description:
      "Users see the requests they made, tenants the requests their keys made, the operator every request. Anything else answers the same 404. The receipt counts rows deleted and anonymised per table and lists external tasks with their current state; it holds no personal data.",
    auth: CALLERS,
    scope: "privacy",
    responses: { 200: { description: "The request.", schema: DeletionRequest } },
    problems: ["deletion_request_not_found", "not_configured"],
  },
  {
    method: "delete",
    path: "/:request_id",
    summary: "Cancel a deletion request within its grace period",
    description:
      "Only before `scheduled_for`; cancelling again answers the same. Past the grace period: 409.",
    auth: CALLERS,
    scope: "privacy",
    responses: { 200: { description: "Cancelled.", schema: DeletionRequest } },
    problems: [
      "deletion_request_not_found",
      "deletion_request_not_cancellable",
      "not_configured",
    ],
  },
];
