/**
 * Query and response schemas of the tenant function, for validation and the API reference.
 * Ranges are checked here (inverted, past retention, too large) and answered as
 * `invalid_query` naming the parameter, after authentication and scope like every validation.
 */
import { z } from "zod";

const DAY_MS = 86_400_000;
/** Telemetry and the API access log are kept 90 days (docs/retention.md). */
export const RETENTION_DAYS = 90;
/** The longest range one read may cover, by granularity (a day series is ≤ 92 points per group). */
const MAX_RANGE_DAYS = { hour: 31, day: 92 } as const;

const instant = z.iso.datetime({ offset: true });
const timestamp = z.iso.datetime({ offset: true });

/** A time zone the database knows (IANA names; Intl and PostgreSQL share the tz database). */
const TimeZone = z.string().max(64).refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return /^[A-Za-z0-9_+\-/]+$/.test(zone);
  } catch {
    return false;
  }
}, "is not a known IANA time zone").meta({ description: "IANA time zone, default UTC." });

export const USAGE_GROUPS = ["model", "provider", "agent_id", "status", "risk_tag"] as const;

const GroupBy = z.string().max(128).transform((list, ctx) => {
  const groups = [...new Set(list.split(",").map((group) => group.trim()).filter(Boolean))];
  const unknown = groups.find((group) => !(USAGE_GROUPS as readonly string[]).includes(group));
  if (unknown !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `unknown group "${unknown.slice(0, 32)}"; use any of ${USAGE_GROUPS.join(", ")}`,
    });
    return z.NEVER;
  }
  return groups as (typeof USAGE_GROUPS)[number][];
}).meta({ description: `Comma-separated, any of ${USAGE_GROUPS.join(", ")}.` });

/** [from, to): defaults to the last 7 days; checked against retention and the longest range. */
export function timeRange(maxDays: (query: Record<string, unknown>) => number) {
  return {
    from: instant.optional().meta({ description: "Start (inclusive); default `to` − 7 days." }),
    to: instant.optional().meta({ description: "End (exclusive); default now." }),
    check: (query: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
      const to = query.to ? Date.parse(query.to) : Date.now();
      const from = query.from ? Date.parse(query.from) : to - 7 * DAY_MS;
      const issue = (path: string, message: string) =>
        ctx.addIssue({ code: "custom", path: [path], message });
      if (from >= to) issue("from", "must be before to");
      else if (from < Date.now() - RETENTION_DAYS * DAY_MS) {
        issue("from", `is past retention (${RETENTION_DAYS} days)`);
      } else if (to - from > maxDays(query) * DAY_MS) {
        issue("to", `the range may cover at most ${maxDays(query)} days`);
      }
      return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    },
  };
}

const usageRange = timeRange((query) =>
  MAX_RANGE_DAYS[(query.granularity as keyof typeof MAX_RANGE_DAYS | undefined) ?? "day"]
);
export const UsageQuery = z.strictObject({
  from: usageRange.from,
  to: usageRange.to,
  granularity: z.enum(["hour", "day", "none"]).optional().meta({
    description: "Series buckets, default day; none for totals (and groups) only.",
  }),
  time_zone: TimeZone.optional(),
  group_by: GroupBy.optional(),
}).transform((query, ctx) => {
  const range = usageRange.check(query, ctx);
  const granularity = query.granularity ?? "day";
  return {
    ...range,
    granularity: granularity === "none" ? null : granularity,
    time_zone: query.time_zone ?? "UTC",
    group_by: query.group_by ?? [],
  };
});

const limit = (max: number) =>
  z.string().regex(/^[0-9]{1,4}$/, "must be an integer").transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be between 1 and ${max}`)
    .optional().meta({ description: `Rows per page, 1 to ${max}, default 100.` });

export const SessionsQuery = z.strictObject({ limit: limit(500) });

const accessLogRange = timeRange(() => RETENTION_DAYS);
/** `<microseconds since the epoch>_<row id>` of the last row of the previous page; opaque to callers. */
const Cursor = z.string().max(48).regex(/^[0-9]{1,17}_[0-9]{1,19}$/, "is not a cursor of this API")
  .transform((cursor) => {
    const [us, id] = cursor.split("_");
    return { before_us: us!, before_id: id! };
  }).meta({ description: "`next_cursor` of the previous page." });

const accessLogFields = {
  from: accessLogRange.from,
  to: accessLogRange.to,
  status: z.string().regex(/^[1-5][0-9]{2}$/, "must be an HTTP status").transform(Number)
    .optional().meta({ description: "Only this HTTP status." }),
  key_prefix: z.string().regex(/^slg_[a-z]+_[A-Za-z0-9_-]{4}$/, "is not a key prefix").optional()
    .meta({ description: "Only requests made with the key of this display prefix." }),
  path: z.string().max(256).regex(/^\/[\x21-\x7e]*$/, "must be a path").optional().meta({
    description: "Only paths that start with this, e.g. /ingest.",
  }),
};

/** The query with its range settled: from and to always set, checked against retention. */
function withAccessLogRange<Q extends { from?: string; to?: string }>(
  query: Q,
  ctx: z.RefinementCtx,
) {
  return { ...query, ...accessLogRange.check(query, ctx) };
}

export const AccessLogQuery = z.strictObject({
  ...accessLogFields,
  cursor: Cursor.optional(),
  limit: limit(1000),
}).transform(withAccessLogRange);
export const AccessLogExportQuery = z.strictObject(accessLogFields).transform(withAccessLogRange);

/** `<microseconds since the epoch>_<event id>` of the last event of the previous page. */
const EventCursor = z.string().max(64)
  .regex(
    /^[0-9]{1,17}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    "is not a cursor of this API",
  )
  .transform((cursor) => {
    const [us, id] = cursor.split("_");
    return { before_us: us!, before_id: id! };
  }).meta({ description: "`next_cursor` of the previous page." });

export const AuthEventsQuery = z.strictObject({
  from: accessLogFields.from,
  to: accessLogFields.to,
  type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "is not an auth event type").optional()
    .meta({ description: "Only this event type, e.g. login_failure." }),
  outcome: z.enum(["success", "failure"]).optional(),
  user: z.string().min(1).max(320).refine((user) => !/[\p{Cc}]/u.test(user), "must be printable")
    .optional().meta({
      description:
        "Only this user: their id, or their email address (matched through the keyed pseudonym; never stored or logged).",
    }),
  cursor: EventCursor.optional(),
  limit: limit(1000),
}).transform(withAccessLogRange);

export const AuthEventEntry = z.object({
  event_id: z.uuid(),
  occurred_at: timestamp,
  source: z.enum(["supabase_auth_hook", "api", "operator"]),
  type: z.string(),
  outcome: z.enum(["success", "failure"]),
  user_id: z.string().optional().meta({
    description: "Absent when the user was known only by email.",
  }),
  method: z.string().optional(),
  provider: z.string().optional(),
  reason: z.string().optional(),
  ip: z.string().optional(),
  user_agent: z.string().optional(),
}).meta({ id: "AuthEventEntry" });

export const AuthEventsPage = z.object({
  events: z.array(AuthEventEntry),
  next_cursor: z.string().optional().meta({
    description: "Pass as `cursor` for the next (older) page; absent on the last page.",
  }),
}).meta({ id: "AuthEventsPage" });

const count = z.int().min(0);
const Figures = {
  events: count,
  errors: count.meta({ description: "Events with status error." }),
  input_tokens: count,
  output_tokens: count,
  cache_read_input_tokens: count,
  cache_creation_input_tokens: count,
  reasoning_tokens: count,
  cost_micro_usd: count,
  pii_or_secret_events: count.meta({
    description: "Events carrying any PII_ or SECRET_ risk tag.",
  }),
  latency_p50_ms: count.optional().meta({
    description:
      "Median latency (nearest rank) from a histogram of log bins, within 2.5% (+0.5 ms) of the exact value; absent when no event sent one.",
  }),
  latency_p95_ms: count.optional().meta({
    description: "95th percentile latency (nearest rank), within 2.5% (+0.5 ms).",
  }),
};

export const UsageReport = z.object({
  from: timestamp,
  to: timestamp,
  granularity: z.enum(["hour", "day"]).optional(),
  time_zone: z.string(),
  group_by: z.array(z.enum(USAGE_GROUPS)),
  totals: z.object(Figures).meta({ id: "UsageFigures" }),
  series: z.array(z.object({
    bucket: timestamp.optional().meta({ description: "Start of the hour or day in time_zone." }),
    model: z.string().optional(),
    provider: z.string().optional(),
    agent_id: z.string().optional(),
    status: z.enum(["ok", "error"]).optional(),
    risk_tag: z.string().optional().meta({
      description: "Grouped by risk_tag, an event counts under each of its tags (absent: none).",
    }),
    ...Figures,
  })).meta({ description: "One entry per bucket and group; absent keys were not grouped." }),
}).meta({ id: "UsageReport" });

export const SessionList = z.object({
  sessions: z.array(z.object({
    session_id: z.string(),
    calls: count,
    input_tokens: count,
    output_tokens: count,
    cost_micro_usd: count,
    first_seen_at: timestamp,
    last_seen_at: timestamp,
    last_activity_at: timestamp,
    risk_tags: z.array(z.string()),
    expires_at: timestamp,
  })),
}).meta({ id: "SessionList" });

export const KeyList = z.object({
  keys: z.array(z.object({
    key_id: z.uuid(),
    prefix: z.string(),
    label: z.string(),
    scopes: z.array(z.string()),
    created_at: timestamp,
    last_used_at: timestamp.optional(),
    expires_at: timestamp.optional(),
    revoked_at: timestamp.optional(),
  })),
}).meta({ id: "KeyList", description: "Never a secret or a digest." });

export const AccessLogEntry = z.object({
  request_id: z.uuid(),
  received_at: timestamp,
  method: z.string(),
  path: z.string().meta({ description: "Never the query string." }),
  status: z.int(),
  error_code: z.string().optional(),
  duration_ms: count,
  scope: z.string().optional(),
  caller_kind: z.string(),
  key_prefix: z.string().optional(),
  user_agent: z.string().optional(),
  client_ip: z.string().optional(),
}).meta({ id: "AccessLogEntry" });

export const AccessLogPage = z.object({
  entries: z.array(AccessLogEntry),
  next_cursor: z.string().optional().meta({
    description: "Pass as `cursor` for the next (older) page; absent on the last page.",
  }),
}).meta({ id: "AccessLogPage" });
