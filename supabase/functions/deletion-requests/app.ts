/**
 * deletion-requests: the right to be forgotten, self-service, with receipts.
 *
 *   POST   /deletion-requests               request an erasure (202)
 *   GET    /deletion-requests/{request_id}  status, and the receipt once completed
 *   DELETE /deletion-requests/{request_id}  cancel within the grace period
 *
 * Callers: a user with their Supabase Auth access token (the subject is themselves), a
 * tenant key with the scope privacy (one of its end users), or the operator with the
 * project's secret key (a platform user by id or email). Each request is one database round
 * trip; the erasure itself is sealog.erase_subject, at once or after SEALOG_ERASURE_GRACE.
 */
import type { Context } from "hono";
import { jsonBody } from "../_shared/body.ts";
import { config } from "../_shared/config.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { type Caller, callerContext, identifyCaller } from "./callers.ts";
import { DeletionRequestBody } from "./schemas.ts";
import { subjectHash, subjectRequest } from "./subject.ts";

export const app = createFunctionApp("deletion-requests");

app.post("/", async (c) => {
  const caller = await identifyCaller(c);
  const body = await optionalJsonBody(c);
  const parsed = DeletionRequestBody.safeParse(body ?? {});
  const request = parsed.success
    ? subjectRequest(caller, parsed.data.subject, config().SEALOG_ERASURE_GRACE)
    : null;
  const reply = await callApi(c, "create_deletion_request", callerContext(caller), request ?? {});
  // Validation details go only to a caller who passed authentication (the database's 422).
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  const details = reply.code === "invalid_request"
    ? {
      errors: [
        issue
          ? { path: issue.path.join("."), message: issue.message }
          : { path: "subject", message: "is required" },
      ],
    }
    : {};
  return respond(c, reply, undefined, details);
});

app.get("/:request_id", async (c) => {
  const ctx = lookupContext(await identifyCaller(c));
  return respond(c, await callApi(c, "get_deletion_request", ctx, c.req.param("request_id")));
});

app.delete("/:request_id", async (c) => {
  const ctx = lookupContext(await identifyCaller(c));
  return respond(c, await callApi(c, "cancel_deletion_request", ctx, c.req.param("request_id")));
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
  await jsonBody(c, () => Promise.resolve());
  return c.get("body");
}
