/** Request and response schemas of the ingest function, for validation and the API reference. */
import { z } from "zod";
import { MAX_EVENTS_PER_BATCH, RiskTag } from "./telemetry_event.ts";
// Registers TelemetryEvent in zod's registry for the API reference.
import "./telemetry_event.ts";

export const IngestRequest = z.strictObject({
  // Events are validated one by one, so that one bad event does not sink the batch.
  events: z.array(z.unknown()).min(1).max(MAX_EVENTS_PER_BATCH)
    // Documented as TelemetryEvent items; validated one by one in telemetry_event.ts.
    .meta({
      items: { $ref: "#/components/schemas/TelemetryEvent" },
      description: `1 to ${MAX_EVENTS_PER_BATCH} events.`,
    }),
}).meta({ id: "IngestRequest" });

export const Rejection = z.object({
  index: z.int().meta({ description: "Position of the event in the batch." }),
  event_id: z.string().nullable(),
  code: z.string().meta({ description: "Stable rejection code, e.g. content_not_accepted." }),
  message: z.string(),
}).meta({ id: "Rejection" });

export const IngestResult = z.object({
  accepted: z.int().meta({ description: "Events stored by this request." }),
  duplicates: z.int().meta({
    description: "Events already stored (same event_id), not stored again.",
  }),
  rejected: z.array(Rejection),
}).meta({ id: "IngestResult" });

export const WhoAmI = z.object({
  tenant_id: z.uuid(),
  key_prefix: z.string(),
  scopes: z.array(z.enum(["ingest", "auth-events", "privacy"])),
}).meta({ id: "WhoAmI" });

export const SessionState = z.object({
  session_id: z.string(),
  calls: z.int(),
  input_tokens: z.int(),
  output_tokens: z.int(),
  cost_micro_usd: z.int(),
  first_seen_at: z.iso.datetime({ offset: true }),
  last_seen_at: z.iso.datetime({ offset: true }),
  risk_tags: z.array(RiskTag),
  expires_at: z.iso.datetime({ offset: true }),
}).meta({ id: "SessionState" });
