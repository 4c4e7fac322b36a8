/** Request and response schemas of the deletion-requests function, for validation and the API reference. */
import { z } from "zod";
import { boundedText } from "../_shared/strings.ts";

export const Subject = z.union([
  z.strictObject({
    user_id: z.guid().meta({ description: "A platform user (auth.users.id). Operator only." }),
  }),
  z.strictObject({
    email: z.email().max(320).meta({
      description:
        "A platform user, or anyone on a waitlist or in a notification list, by address. Operator only.",
    }),
  }),
  z.strictObject({
    end_user_id: boundedText(128).meta({
      description: "One of the tenant's end users (the end_user_id of telemetry). Tenant key only.",
    }),
  }),
], { error: 'must be exactly one of {"user_id"}, {"email"} or {"end_user_id"}' }).meta({
  id: "DeletionSubject",
  description: "Exactly one identifier of the person to erase.",
});
export type Subject = z.output<typeof Subject>;

export const DeletionRequestBody = z.strictObject({
  subject: Subject.optional().meta({
    description:
      "Required for tenant and operator callers. A self-service user may omit it (or the whole body): the subject is then the token's `sub`.",
  }),
}).meta({ id: "DeletionRequestBody" });

/** Any 8-4-4-4-12 hex id, as the database accepts; anything else answers 404 after auth. */
export const DeletionRequestParams = z.object({ request_id: z.guid() });

const timestamp = z.iso.datetime({ offset: true });
const Status = z.enum(["pending", "completed", "failed", "cancelled"]);

export const DeletionRequestAccepted = z.object({
  request_id: z.uuid(),
  status: Status.meta({
    description: "completed at once when SEALOG_ERASURE_GRACE is 0; otherwise pending.",
  }),
  scheduled_for: timestamp.meta({ description: "When the grace period ends and erasure runs." }),
}).meta({ id: "DeletionRequestAccepted" });

const ExternalTask = z.object({
  task_id: z.uuid(),
  kind: z.enum(["cancel_subscription"]),
  processor: z.enum(["stripe"]),
  state: z.enum(["pending", "completed", "failed"]).meta({ description: "Current state." }),
  finished_at: timestamp.optional(),
}).meta({ id: "ErasureTask" });

export const Receipt = z.object({
  request_id: z.uuid(),
  subject: z.object({
    kind: z.enum(["user", "email", "end_user"]),
    hash: z.string().meta({
      description:
        "hmac-sha256:<hex>, the subject keyed with SEALOG_PSEUDONYM_KEY; never the identifier itself.",
    }),
  }),
  requested_by: z.enum(["user", "tenant", "operator"]),
  tenant_id: z.uuid().optional().meta({ description: "Set for a tenant's end user." }),
  erased_at: timestamp,
  settled_by: z.uuid().optional().meta({
    description:
      "Set when another request for the same person did the erasure while this one was pending.",
  }),
  deleted: z.record(z.string(), z.int()).meta({ description: "Rows deleted, per table." }),
  anonymised: z.record(z.string(), z.int()).meta({
    description: "Rows kept with their personal data cleared, per table.",
  }),
  external_tasks: z.array(ExternalTask).meta({
    description: "Tasks for external processors (one Stripe cancellation per live subscription).",
  }),
}).meta({ id: "ErasureReceipt", description: "What the erasure did. Holds no personal data." });

export const DeletionRequest = z.object({
  request_id: z.uuid(),
  status: Status,
  requested_by: z.enum(["user", "tenant", "operator"]),
  requested_at: timestamp,
  scheduled_for: timestamp,
  completed_at: timestamp.optional(),
  cancelled_at: timestamp.optional(),
  failed_at: timestamp.optional(),
  error_code: z.string().optional().meta({ description: "SQLSTATE of a failed erasure." }),
  receipt: Receipt.optional().meta({ description: "Present once completed." }),
}).meta({ id: "DeletionRequest" });

export const DeletionRequestsQuery = z.strictObject({
  status: Status.optional().meta({ description: "Only requests in this state." }),
  limit: z.string().regex(/^[0-9]{1,3}$/, "must be an integer").transform(Number)
    .refine((n) => n >= 1 && n <= 100, "must be between 1 and 100").optional()
    .meta({ description: "At most this many, 1 to 100, default 50." }),
});

export const DeletionRequestList = z.object({
  requests: z.array(DeletionRequest),
}).meta({ id: "DeletionRequestList" });
