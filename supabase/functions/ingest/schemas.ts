/** Request and response schemas of the ingest function, for validation and the API reference. */
import { z } from "zod";
import { batchSchemas } from "../_shared/event_batch.ts";
import { ScopeName } from "../_shared/scopes.ts";
import { EVENT_REJECTION_CODES, RiskTag, SessionId } from "./telemetry_event.ts";

export const {
  Request: IngestRequest,
  Rejection: IngestRejection,
  Result: IngestResult,
} = batchSchemas(
  {
    request: "IngestRequest",
    result: "IngestResult",
    rejection: "IngestRejection",
    event: "TelemetryEvent",
  },
  EVENT_REJECTION_CODES,
);

export const WhoAmI = z.object({
  tenant_id: z.uuid(),
  key_prefix: z.string(),
  scopes: z.array(ScopeName),
}).meta({ id: "WhoAmI" });

export const SessionParams = z.object({ session_id: SessionId });

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
