/**
 * operator: the deployment's compliance evidence, read with the project's secret key. Each
 * route is declared once below; the API reference is generated from these declarations.
 *
 * Only the operator is served: the bearer token is compared with the project's secret keys in
 * constant time (project_keys.ts); any other token is handed to the database as a tenant
 * key, which refuses it (403 for a valid tenant key, 401 otherwise) and logs the attempt.
 * Each request is one database round trip that writes its access-log row.
 */
import type { Context } from "hono";
import { bearerToken, readBearerCredential } from "../_shared/auth.ts";
import type { SealogEnv } from "../_shared/context.ts";
import { callApi, createFunctionApp, respond } from "../_shared/pipeline.ts";
import { isProjectSecretKey } from "../_shared/project_keys.ts";
import { mount } from "../_shared/routes.ts";
import { renderReport, type Soc2Report as Report } from "../../../cli/lib/report_markdown.ts";
import {
  DataInventory,
  OperatorUsage,
  OperatorUsageQuery,
  RetentionStatus,
  Soc2Report,
  Soc2ReportQuery,
  TenantList,
} from "./schemas.ts";

export const app = createFunctionApp("operator");

mount(app, {
  method: "get",
  path: "/soc2-report",
  summary: "The SOC 2 CC6.1 evidence report, the latest stored or a fresh one",
  description:
    "Controls with pass/fail, findings and evidence. `fresh=true` generates a report now (stored like the weekly one); without a stored report one is generated. " +
    "`format=markdown` answers the same report as text/markdown (as `deno task report` prints it).",
  auth: ["operatorKey"],
  operation: "get_soc2_report",
  query: Soc2ReportQuery,
  responses: { 200: { description: "The report.", schema: Soc2Report } },
}, async (c, { query }) => {
  const reply = await callApi(c, "get_soc2_report", operatorContext(c), { fresh: query?.fresh });
  if (reply.status === 200 && query?.format === "markdown") {
    c.header("Content-Type", "text/markdown; charset=utf-8");
    return c.body(renderReport(reply.body as unknown as Report));
  }
  return respond(c, reply);
});

mount(app, {
  method: "get",
  path: "/data-inventory",
  summary: "The data inventory: every table and column with its classification and retention",
  description:
    "Generated from the schema's classification comments and the retention policies (sealog_admin.data_inventory).",
  auth: ["operatorKey"],
  operation: "get_data_inventory",
  responses: { 200: { description: "The inventory.", schema: DataInventory } },
}, async (c) => respond(c, await callApi(c, "get_data_inventory", operatorContext(c))));

mount(app, {
  method: "get",
  path: "/retention",
  summary: "Retention status per category: the oldest row's age and the last purge",
  description:
    "For each retention category: its policy, the oldest row's timestamp and age, whether nothing is older than the policy plus the purge's grace, and the last purge with its outcome.",
  auth: ["operatorKey"],
  operation: "get_retention_status",
  responses: { 200: { description: "The status.", schema: RetentionStatus } },
}, async (c) => respond(c, await callApi(c, "get_retention_status", operatorContext(c))));

mount(app, {
  method: "get",
  path: "/tenants",
  summary: "Every tenant with its rate limit, state and number of live keys",
  auth: ["operatorKey"],
  operation: "list_tenants",
  responses: { 200: { description: "The tenants.", schema: TenantList } },
}, async (c) => respond(c, await callApi(c, "list_tenants", operatorContext(c))));

mount(
  app,
  {
    method: "get",
    path: "/usage",
    summary: "Every tenant's usage over [from, to), busiest first",
    description:
      "Events, errors, input and output tokens, cost and the last event's time per tenant (as `deno task usage` prints them), read from the usage rollups. " +
      "Default the last 7 days; at most 92 days, within the 90-day retention.",
    auth: ["operatorKey"],
    operation: "get_operator_usage",
    query: OperatorUsageQuery,
    responses: { 200: { description: "The summary.", schema: OperatorUsage } },
  },
  async (c, { query }) =>
    respond(c, await callApi(c, "get_operator_usage", operatorContext(c), query ?? {})),
);

/** The operator's context, or (any other bearer token) the credential for the database to refuse. */
function operatorContext(c: Context<SealogEnv>): Record<string, unknown> {
  const token = bearerToken(c.req.header("Authorization"));
  if (token !== undefined && isProjectSecretKey(token)) return { caller: "operator" };
  readBearerCredential(c);
  return {};
}
