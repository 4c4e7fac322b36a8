/** The auth-events function's routes, for the generated API reference (docs/openapi.json). */
import { z } from "zod";
import type { RouteDoc } from "../_shared/openapi.ts";
import { AUTH_EVENT_REJECTION_CODES } from "./auth_event.ts";
import { AuthEventsRequest, AuthEventsResult } from "./schemas.ts";
import {
  CustomAccessToken,
  CustomAccessTokenReply,
  MfaHookReply,
  MfaVerificationAttempt,
  PasswordHookReply,
  PasswordVerificationAttempt,
} from "./supabase_auth_hook.ts";

export const routes: RouteDoc[] = [
  {
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
        schema: z.union([
          AuthEventsResult,
          PasswordHookReply,
          MfaHookReply,
          CustomAccessTokenReply,
        ]),
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
  },
];
