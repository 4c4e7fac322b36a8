/**
 * auth-events: the one-year audit trail of authentication events. One route, declared once
 * below, with two kinds of caller:
 *   with webhook-* headers: a Supabase Auth hook delivery (password verification, MFA
 *     verification or custom access token), verified by its Standard Webhooks signature,
 *     recorded for the tenant in SEALOG_AUTH_HOOK_TENANT_ID, answered as Supabase Auth expects;
 *   otherwise: a batch of 1..500 events from any identity provider or app backend, with a
 *     tenant key of scope auth-events.
 * Each request is one database round trip; 2xx is sent only after the transaction commits.
 */
import type { Context } from "hono";
import { z } from "zod";
import { readBearerCredential } from "../_shared/auth.ts";
import { answerBatch } from "../_shared/batch_route.ts";
import { readJsonText } from "../_shared/body.ts";
import { requireSetting } from "../_shared/config.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { ApiError } from "../_shared/problems.ts";
import { mount } from "../_shared/routes.ts";
import { AUTH_EVENT_REJECTION_CODES, validateAuthEvent } from "./auth_event.ts";
import { AuthEventsRequest, AuthEventsResult } from "./schemas.ts";
import {
  CustomAccessToken,
  CustomAccessTokenReply,
  isHookDelivery,
  MfaHookReply,
  MfaVerificationAttempt,
  parseHook,
  PasswordHookReply,
  PasswordVerificationAttempt,
  verifyHookSignature,
} from "./supabase_auth_hook.ts";

export const app = createFunctionApp("auth-events");

mount(app, {
  method: "post",
  path: "/",
  summary: "Record authentication events: Supabase Auth hooks, or a batch with a tenant key",
  description:
    "**Supabase Auth hooks** (a request with webhook-id, webhook-timestamp and webhook-signature " +
    "headers): the Standard Webhooks signature is verified with SEALOG_AUTH_HOOK_SECRET, a " +
    "timestamp more than 5 minutes off and a replayed webhook-id are refused, and the event is " +
    "recorded for the tenant in SEALOG_AUTH_HOOK_TENANT_ID. The reply is what Supabase Auth " +
    "expects: `{decision}` for the password and MFA hooks (reject once a user has N failed " +
    "passwords within the tenant's window, default 10 in 15 minutes), the claims unchanged for " +
    "the custom access token hook. Hooks are not rate limited.\n\n" +
    "**Batches** (a tenant key with scope auth-events): 1 to 500 AuthEvent items, at most 1 MiB, " +
    "answered only after the transaction commits. Each event is validated on its own: 200 when " +
    "all were accepted or duplicates, 207 when some were rejected (the others are stored), 422 " +
    "when none is valid. Rejection codes: " +
    AUTH_EVENT_REJECTION_CODES.map((code) => `\`${code}\``).join(", ") + ".",
  auth: ["apiKey", "webhookSignature"],
  scope: "auth-events",
  operation: "record_auth_events",
  request: z.union([
    AuthEventsRequest,
    PasswordVerificationAttempt,
    MfaVerificationAttempt,
    CustomAccessToken,
  ]),
  responses: {
    200: {
      description:
        "A batch: every event was stored or was already stored. A hook: its reply to Supabase Auth.",
      schema: z.union([AuthEventsResult, PasswordHookReply, MfaHookReply, CustomAccessTokenReply]),
    },
    207: {
      description: "Some events of a batch were rejected; the valid ones were stored.",
      schema: AuthEventsResult,
    },
  },
  problems: [
    "invalid_request",
    "too_many_events",
    "no_valid_events",
    "invalid_auth_hook",
    "invalid_webhook_signature",
    "webhook_timestamp_out_of_range",
    "webhook_replayed",
    "not_configured",
  ],
}, async (c) => {
  if (isHookDelivery(c.req.raw.headers)) return await answerHook(c);
  readBearerCredential(c);
  return await answerBatch(c, {
    operation: "record_auth_events",
    envelope: AuthEventsRequest,
    validate: validateAuthEvent,
  });
});

/**
 * Answers a Supabase Auth hook delivery: signature first, then the payload, then one call
 * that records the event and decides the reply (the lockout is decided in the database).
 */
async function answerHook(c: Context<SealogEnv>): Promise<Response> {
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
}
