/**
 * auth-events: the one-year audit trail of authentication events.
 *
 *   POST /auth-events   with webhook-* headers: a Supabase Auth hook delivery (password
 *                       verification, MFA verification or custom access token), verified
 *                       by its Standard Webhooks signature, recorded for the tenant in
 *                       SEALOG_AUTH_HOOK_TENANT_ID, and answered as Supabase Auth expects.
 *   POST /auth-events   otherwise: a batch of 1..500 events from any identity provider or
 *                       app backend, with a tenant key of scope auth-events.
 *
 * Each request is one database round trip; 2xx is sent only after the transaction commits.
 */
import { createMiddleware } from "hono/factory";
import { bearerCredential } from "../_shared/auth.ts";
import { jsonBody, readJsonText } from "../_shared/body.ts";
import { requireSetting } from "../_shared/config.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { ApiError } from "../_shared/problems.ts";
import { validateAuthEvents } from "./auth_event.ts";
import { AuthEventsRequest } from "./schemas.ts";
import { isHookDelivery, parseHook, verifyHookSignature } from "./supabase_auth_hook.ts";

export const app = createFunctionApp("auth-events");

/**
 * Answers a Supabase Auth hook delivery: signature first, then the payload, then one call
 * that records the event and decides the reply (the lockout is decided in the database).
 * A request without webhook-* headers goes on to the tenant-key route below.
 */
const supabaseAuthHook = createMiddleware<SealogEnv>(async (c, next) => {
  if (!isHookDelivery(c.req.raw.headers)) return await next();
  const secrets = requireSetting("SEALOG_AUTH_HOOK_SECRET");
  const tenantId = requireSetting("SEALOG_AUTH_HOOK_TENANT_ID");
  const body = await readJsonText(c);
  const webhookId = verifyHookSignature(body, c.req.raw.headers, secrets);
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new ApiError("malformed_json");
  }
  const hook = parseHook(payload);
  // The tenant is trusted because the signature is: only sealog_edge can pass it.
  const reply = await callApi(c, "record_auth_hook", { hook_tenant_id: tenantId }, {
    ...hook.record,
    webhook_id: webhookId,
  });
  // Password and MFA replies come from the database; the claims never went there.
  return respond(c, reply, (result) => hook.claims ? { claims: hook.claims } : result);
});

app.post("/", supabaseAuthHook, bearerCredential, jsonBody, async (c) => {
  const envelope = AuthEventsRequest.safeParse(c.get("body"));
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new ApiError(issue.code === "too_big" ? "too_many_events" : "invalid_request", {
      errors: [{ path: issue.path.join("."), message: issue.message }],
    });
  }
  const { valid, rejected } = validateAuthEvents(envelope.data.events);
  const reply = await callApi(c, "record_auth_events", { rejected_count: rejected.length }, valid);
  // Validation details go only to a caller who passed authentication and scope (the 422).
  const details = reply.code === "no_valid_events" ? { rejected } : {};
  return respond(c, reply, (result) => ({ ...result, rejected }), details);
});
