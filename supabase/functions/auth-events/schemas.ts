/** Request and response schemas of the auth-events function, for validation and the API reference. */
import { z } from "zod";
// The per-event results are the ingest function's, by design: one shape for every batch API.
import { Rejection } from "../ingest/schemas.ts";
// Registers AuthEvent in zod's registry for the API reference.
import "./auth_event.ts";
import { MAX_EVENTS_PER_BATCH } from "./auth_event.ts";

export const AuthEventsRequest = z.strictObject({
  // Events are validated one by one, so that one bad event does not sink the batch.
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH)
    // Documented as AuthEvent items; validated one by one in auth_event.ts.
    .meta({
      items: { $ref: "#/components/schemas/AuthEvent" },
      description: `1 to ${MAX_EVENTS_PER_BATCH} events.`,
    }),
}).meta({ id: "AuthEventsRequest" });

export const AuthEventsResult = z.object({
  accepted: z.int().meta({ description: "Events stored by this request." }),
  duplicates: z.int().meta({
    description: "Events already stored (same event_id), not stored again.",
  }),
  rejected: z.array(Rejection),
}).meta({ id: "AuthEventsResult" });
