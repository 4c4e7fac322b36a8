/**
 * tenant: what a tenant stored, read back with its own key. Each route is declared once
 * below; the API reference is generated from these declarations. Usage, sessions and keys
 * need the scope read; the access log (the audit trail) needs audit. Each request is one
 * database round trip, except the NDJSON export, which is one round trip per page.
 */
import { callApi, createFunctionApp, rateLimitHeaders, respond } from "../_shared/pipeline.ts";
import { emailPseudonym, isEmailLike } from "../_shared/pseudonym.ts";
import { mount } from "../_shared/routes.ts";
import { exportAccessLog } from "./export.ts";
import { usagePercentiles } from "./latency.ts";
import {
  AccessLogExportQuery,
  AccessLogPage,
  AccessLogQuery,
  AuthEventsPage,
  AuthEventsQuery,
  KeyList,
  SessionList,
  SessionsQuery,
  UsageQuery,
  UsageReport,
} from "./schemas.ts";

export const app = createFunctionApp("tenant");

mount(
  app,
  {
    method: "get",
    path: "/usage",
    summary: "Usage totals and time series of the key's tenant",
    description:
      "Events, tokens, cost, errors, PII/secret share and p50/p95 latency (within 2.5%) over [from, to), by hour or day in a time zone, grouped by any of model, provider, agent_id, status and risk_tag. " +
      "At most 92 days by day, 31 by hour, within the 90-day retention. " +
      "Read from rollups that the database keeps in 15-minute buckets: exact at once after ingest, in any time zone (docs/tenant-reads.md).",
    auth: ["apiKey"],
    scope: "read",
    operation: "get_usage",
    query: UsageQuery,
    responses: { 200: { description: "The figures.", schema: UsageReport } },
  },
  async (c, { query }) =>
    respond(c, await callApi(c, "get_usage", {}, query ?? {}), usagePercentiles),
);

mount(app, {
  method: "get",
  path: "/sessions",
  summary: "Live agent sessions of the key's tenant, most recently active first",
  description: "The 24-hour session state; expired sessions are not listed.",
  auth: ["apiKey"],
  scope: "read",
  operation: "list_sessions",
  query: SessionsQuery,
  responses: { 200: { description: "The sessions.", schema: SessionList } },
}, async (c, { query }) => respond(c, await callApi(c, "list_sessions", {}, query ?? {})));

mount(app, {
  method: "get",
  path: "/keys",
  summary: "The tenant's API keys, newest first",
  description:
    "Prefix, label, scopes and dates of every key, revoked ones included; never a secret or a digest.",
  auth: ["apiKey"],
  scope: "read",
  operation: "list_keys",
  responses: { 200: { description: "The keys.", schema: KeyList } },
}, async (c) => respond(c, await callApi(c, "list_keys", {})));

mount(app, {
  method: "get",
  path: "/access-log",
  summary: "The tenant's API access log, newest first, one page",
  description:
    "Request metadata only (never bodies, query strings or secrets), filtered by time, status, key prefix and path prefix. " +
    "Follow `next_cursor` for older rows. Reading the log writes its own row.",
  auth: ["apiKey"],
  scope: "audit",
  operation: "list_access_log",
  query: AccessLogQuery,
  responses: { 200: { description: "One page.", schema: AccessLogPage } },
}, async (c, { query }) => respond(c, await callApi(c, "list_access_log", {}, query ?? {})));

mount(app, {
  method: "get",
  path: "/access-log/export",
  summary: "The tenant's API access log as streaming NDJSON, newest first",
  description:
    "One AccessLogEntry per line over [from, to) (to defaults to the time of the request), for SIEMs. " +
    "Streamed page by page (one database round trip and one access-log row per page), in constant memory; " +
    "the keyset cursor on (received_at, row id) neither drops nor repeats a row. " +
    "If a later page fails (rate limit, database), the stream is aborted, never ended short.",
  auth: ["apiKey"],
  scope: "audit",
  operation: "list_access_log",
  query: AccessLogExportQuery,
  responses: { 200: { description: "application/x-ndjson, one entry per line." } },
}, async (c, { query }) => {
  const first = await callApi(c, "list_access_log", {}, {
    ...query,
    limit: EXPORT_PAGE,
    ndjson: true,
  });
  if (first.status !== 200) return respond(c, first);
  if (first.rate_limit) {
    for (const [name, value] of Object.entries(rateLimitHeaders(first.rate_limit))) {
      c.header(name, value);
    }
  }
  c.header("Content-Type", "application/x-ndjson; charset=utf-8");
  c.header("Cache-Control", "no-store");
  return c.body(
    exportAccessLog(
      first,
      (cursor) =>
        callApi(c, "list_access_log", {}, { ...query, limit: EXPORT_PAGE, ndjson: true, cursor }),
    ),
    200,
  );
});

mount(app, {
  method: "get",
  path: "/auth-events",
  summary: "The tenant's auth events, newest first, one page",
  description:
    "Filtered by time, type, outcome and user. A user given as an email address is matched through its keyed pseudonym (as auth events store it): the address is never stored or logged. " +
    "Follow `next_cursor` for older events.",
  auth: ["apiKey"],
  scope: "audit",
  operation: "list_auth_events",
  query: AuthEventsQuery,
  responses: { 200: { description: "One page.", schema: AuthEventsPage } },
  problems: ["not_configured"],
}, async (c, { query }) => {
  const { user, ...rest } = query ?? {};
  // The address becomes its pseudonym here; the database never sees it.
  const match = user === undefined
    ? {}
    : isEmailLike(user)
    ? { user_pseudonym: emailPseudonym(user) }
    : { user_id: user };
  return respond(c, await callApi(c, "list_auth_events", {}, { ...rest, ...match }));
});

/** Rows per export page: large enough to amortise a round trip, small enough to hold in memory. */
const EXPORT_PAGE = 5000;
