/**
 * Query and response schemas of the operator function, for validation and the API reference.
 * Everything here describes the deployment (controls, schema metadata, policies, tenants):
 * none of it is personal data.
 */
import { z } from "zod";
import { timeRange } from "../tenant/schemas.ts";

const timestamp = z.string();

/** ?fresh=true generates (and stores) a new report; ?format=markdown renders it as Markdown. */
export const Soc2ReportQuery = z.strictObject({
  fresh: z.enum(["true", "false"]).optional()
    .meta({ description: "`true`: generate a new report now (it is stored too)." }),
  format: z.enum(["json", "markdown"]).optional()
    .meta({ description: "`markdown`: the report as text/markdown; default JSON." }),
}).transform((query) => ({
  fresh: query.fresh === "true",
  format: query.format ?? "json",
}));

const Finding = z.object({ code: z.string(), object: z.string(), detail: z.string() });

export const Soc2Report = z.object({
  report_id: z.int(),
  framework: z.literal("SOC 2"),
  criterion: z.literal("CC6.1"),
  title: z.string(),
  format_version: z.int(),
  generated_at: timestamp,
  database: z.string(),
  status: z.enum(["pass", "fail"]),
  summary: z.object({
    controls: z.int(),
    passing: z.int(),
    failing: z.int(),
    findings: z.int(),
  }),
  controls: z.array(z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(["pass", "fail"]),
    findings: z.array(Finding),
    evidence: z.record(z.string(), z.unknown()),
  })),
});

export const DataInventory = z.object({
  objects: z.array(
    z.object({
      schema_name: z.string(),
      table_name: z.string(),
      column_name: z.string().optional(),
      column_number: z.int(),
      object_kind: z.string(),
      classification: z.string().optional(),
      pii: z.string().optional(),
    }).loose(),
  ),
});

export const RetentionStatus = z.object({
  generated_at: timestamp,
  categories: z.array(z.strictObject({
    category: z.string(),
    table_name: z.string(),
    retention_seconds: z.int().optional().meta({ description: "Absent: kept indefinitely." }),
    grace_seconds: z.int(),
    purge_job: z.string().optional(),
    oldest_at: timestamp.optional().meta({ description: "Absent when the table is empty." }),
    oldest_age_seconds: z.int().optional(),
    within_policy: z.boolean()
      .meta({ description: "No row older than the retention plus the purge's grace." }),
    last_purge: z.strictObject({
      ran_at: timestamp,
      duration_ms: z.int(),
      rows_deleted: z.int(),
      partitions_dropped: z.int(),
      complete: z.boolean(),
    }).optional().meta({ description: "Absent until the category's purge first ran." }),
  })),
});

export const TenantList = z.object({
  tenants: z.array(z.strictObject({
    tenant_id: z.uuid(),
    name: z.string(),
    rate_limit_per_second: z.int(),
    rate_limit_burst: z.int(),
    created_at: timestamp,
    disabled_at: timestamp.optional(),
    live_keys: z.int(),
  })),
});

/** [from, to): default the last 7 days, within retention, at most 92 days. */
const usageRange = timeRange(() => 92);
export const OperatorUsageQuery = z.strictObject({
  from: usageRange.from,
  to: usageRange.to,
}).transform((query, ctx) => usageRange.check(query, ctx));

export const OperatorUsage = z.object({
  from: timestamp,
  to: timestamp,
  tenants: z.array(z.strictObject({
    tenant_id: z.uuid(),
    name: z.string(),
    events: z.int().min(0),
    errors: z.int().min(0),
    // Sums of counters (each at most 2^53 - 1) may pass 2^53 across a tenant's events.
    input_tokens: z.number().min(0),
    output_tokens: z.number().min(0),
    cost_micro_usd: z.number().min(0),
    last_event_at: timestamp.optional().meta({
      description: "Absent without events in the range.",
    }),
  })).meta({ description: "Every tenant, busiest first." }),
});
