/**
 * deletion-requests: the right to be forgotten, self-service, with receipts. Each route is
 * declared once below; the API reference is generated from these declarations.
 *
 * Callers: a user with their Supabase Auth access token (the subject is themselves), a
 * tenant key with the scope privacy (one of its end users), or the operator with the
 * project's secret key (a platform user by id or email). Each request is one database round
 * trip; the erasure itself is sealog.erase_subject, at once or after SEALOG_ERASURE_GRACE.
 */
import type { Context } from "hono";
import { readJsonBody } from "../_shared/body.ts";
import { config } from "../_shared/config.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { type Auth, failValidation, failValidationWith, mount } from "../_shared/routes.ts";
import { type Caller, callerContext, identifyCaller } from "./callers.ts";
import {
  DeletionRequest,
  DeletionRequestAccepted,
  DeletionRequestBody,
  DeletionRequestList,
  DeletionRequestParams,
  DeletionRequestsQuery,
} from "./schemas.ts";
import { subjectHash, subjectRequest } from "./subject.ts";

export const app = createFunctionApp("deletion-requests");

const CALLERS: Auth[] = ["userToken", "apiKey", "operatorKey"];

mount(app, {
  method: "post",
  path: "/",
  summary: "Request the erasure of a person's data from every store",
  description:
    "A user with their own access token erases themselves (no body needed); a tenant key with the scope `privacy` erases one of its end users (`end_user_id`) in that tenant only; the operator (project secret key) erases a platform user by `user_id` or `email`. " +
    "The erasure runs at once when SEALOG_ERASURE_GRACE is 0, otherwise when the grace period ends (pg_cron, every minute). " +
    "A second request for the same subject while one is pending returns the pending one.",
  auth: CALLERS,
  scope: "privacy",
  operation: "create_deletion_request",
  request: DeletionRequestBody,
  responses: {
    202: { description: "Accepted (or already pending).", schema: DeletionRequestAccepted },
  },
  problems: ["invalid_request", "subject_not_allowed", "not_configured"],
}, async (c) => {
  const caller = await identifyCaller(c);
  const body = await optionalJsonBody(c);
  const parsed = DeletionRequestBody.safeParse(body ?? {});
  const request = parsed.success
    ? subjectRequest(caller, parsed.data.subject, config().SEALOG_ERASURE_GRACE)
    : null;
  if (!parsed.success) failValidationWith(c, "invalid_request", parsed.error);
  else if (request === null) {
    failValidation(c, "invalid_request", { errors: [{ path: "subject", message: "is required" }] });
  }
  return respond(
    c,
    await callApi(c, "create_deletion_request", callerContext(caller), request ?? {}),
  );
});

mount(app, {
  method: "get",
  path: "/",
  summary: "The caller's deletion requests, newest first, with status and receipts",
  description:
    "The same visibility as one request: users the requests they made, tenants (scope `privacy`) the requests their keys made, the operator every request. At most 100, optionally by status.",
  auth: CALLERS,
  scope: "privacy",
  operation: "list_deletion_requests",
  query: DeletionRequestsQuery,
  responses: { 200: { description: "The requests.", schema: DeletionRequestList } },
  problems: ["not_configured"],
}, async (c, { query }) => {
  const ctx = lookupContext(await identifyCaller(c));
  return respond(c, await callApi(c, "list_deletion_requests", ctx, query ?? {}));
});

mount(app, {
  method: "get",
  path: "/:request_id",
  summary: "Status of a deletion request, with its receipt once completed",
  description:
    "Users see the requests they made, tenants the requests their keys made, the operator every request. Anything else, and ids that are not UUIDs, answer the same 404. The receipt counts rows deleted and anonymised per table and lists external tasks with their current state; it holds no personal data.",
  auth: CALLERS,
  scope: "privacy",
  operation: "get_deletion_request",
  params: DeletionRequestParams,
  paramProblem: "deletion_request_not_found",
  responses: { 200: { description: "The request.", schema: DeletionRequest } },
  problems: ["deletion_request_not_found", "not_configured"],
}, async (c, { params }) => {
  const ctx = lookupContext(await identifyCaller(c));
  return respond(c, await callApi(c, "get_deletion_request", ctx, params?.request_id ?? ""));
});

mount(app, {
  method: "delete",
  path: "/:request_id",
  summary: "Cancel a deletion request within its grace period",
  description:
    "Only before `scheduled_for`; cancelling again answers the same. Past the grace period: 409.",
  auth: CALLERS,
  scope: "privacy",
  operation: "cancel_deletion_request",
  params: DeletionRequestParams,
  paramProblem: "deletion_request_not_found",
  responses: { 200: { description: "Cancelled.", schema: DeletionRequest } },
  problems: ["deletion_request_not_found", "deletion_request_not_cancellable", "not_configured"],
}, async (c, { params }) => {
  const ctx = lookupContext(await identifyCaller(c));
  return respond(c, await callApi(c, "cancel_deletion_request", ctx, params?.request_id ?? ""));
});

/** Who may see a request: a user is known to the database only by their subject hash. */
function lookupContext(caller: Caller): Record<string, unknown> {
  return caller.kind === "user"
    ? { ...callerContext(caller), subject_hash: subjectHash("user", caller.userId) }
    : callerContext(caller);
}

/** The JSON body, or undefined when the request has none (a self-service POST may omit it). */
async function optionalJsonBody(c: Context<SealogEnv>): Promise<unknown> {
  const length = c.req.header("Content-Length");
  if (length === "0" || (length === undefined && c.req.header("Content-Type") === undefined)) {
    return undefined;
  }
  return await readJsonBody(c);
}
