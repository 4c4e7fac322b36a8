/** Request and response schemas of the auth-events function, for validation and the API reference. */
import { batchSchemas } from "../_shared/event_batch.ts";
import { AUTH_EVENT_REJECTION_CODES } from "./auth_event.ts";

export const {
  Request: AuthEventsRequest,
  Rejection: AuthEventRejection,
  Result: AuthEventsResult,
} = batchSchemas(
  {
    request: "AuthEventsRequest",
    result: "AuthEventsResult",
    rejection: "AuthEventRejection",
    event: "AuthEvent",
  },
  AUTH_EVENT_REJECTION_CODES,
);
