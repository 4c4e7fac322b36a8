/**
 * The operator's view (signed in with the project's secret key): the SOC 2 CC6.1 report
 * (controls, pass/fail, findings, evidence), the data inventory, retention status per category
 * and the tenants, each read from GET /operator/*. Nothing here is a tenant's data.
 */
import { getJson } from "./api.ts";
import { byId, el, number, table } from "./dom.ts";

/** The project's secret keys (sb_secret_…) and the legacy service-role key (a JWT). */
export function looksLikeProjectKey(key: string): boolean {
  return key.startsWith("sb_secret_") || key.split(".").length === 3;
}

function days(seconds: number | undefined): string {
  return seconds === undefined ? "–" : (seconds / 86_400).toFixed(1);
}

// deno-lint-ignore no-explicit-any
type Json = any;

function reportSection(report: Json): HTMLElement {
  const summary = report.summary;
  const controls = report.controls.map((control: Json) =>
    el(
      "details",
      { class: "control" },
      el("summary", {}, `${control.status.toUpperCase()} · ${control.title}`),
      control.findings.length
        ? table(
          "Findings",
          ["Code", "Object", "Detail"],
          control.findings.map((f: Json) => [f.code, f.object, f.detail]),
        )
        : el("p", {}, "No findings."),
      el("pre", {}, JSON.stringify(control.evidence, null, 1)),
    )
  );
  return el(
    "div",
    { id: "operator-report" },
    el("h3", {}, `SOC 2 ${report.criterion} report #${report.report_id}`),
    el(
      "p",
      {},
      "Status ",
      el("strong", { id: "report-status" }, report.status.toUpperCase()),
      " · ",
      el("span", { id: "report-passing" }, String(summary.passing)),
      " of ",
      el("span", { id: "report-controls" }, String(summary.controls)),
      " controls pass · ",
      el("span", { id: "report-findings" }, String(summary.findings)),
      ` finding(s) · generated ${report.generated_at}`,
    ),
    table(
      "Controls",
      ["Control", "Status", "Findings"],
      report.controls.map((c: Json) => [c.title, c.status.toUpperCase(), c.findings.length]),
    ),
    ...controls,
  );
}

export async function loadOperator(): Promise<void> {
  const [report, inventory, retention, tenants] = await Promise.all([
    getJson("/operator/soc2-report"),
    getJson("/operator/data-inventory"),
    getJson("/operator/retention"),
    getJson("/operator/tenants"),
  ]);
  const tables = inventory.objects.filter((o: Json) => o.column_name === undefined);
  byId("operator").replaceChildren(
    el("h2", { id: "operator-title" }, "Compliance (operator)"),
    reportSection(report),
    el("h3", {}, "Retention"),
    el(
      "div",
      { id: "operator-retention" },
      table(
        "Retention status per category",
        ["Category", "Table", "Policy (days)", "Oldest row (days)", "Within policy", "Last purge"],
        retention.categories.map((c: Json) => [
          c.category,
          c.table_name,
          days(c.retention_seconds),
          days(c.oldest_age_seconds),
          c.within_policy ? "yes" : "NO",
          c.last_purge
            ? `${c.last_purge.ran_at}: ${number.format(c.last_purge.rows_deleted)} rows, ${
              c.last_purge.complete ? "complete" : "incomplete"
            }`
            : "never",
        ]),
      ),
    ),
    el("h3", {}, "Tenants"),
    el(
      "div",
      { id: "operator-tenants" },
      table(
        `${tenants.tenants.length} tenants`,
        ["Tenant", "Name", "Rate (per s / burst)", "Live keys", "State"],
        tenants.tenants.map((t: Json) => [
          t.tenant_id,
          t.name,
          `${t.rate_limit_per_second} / ${t.rate_limit_burst}`,
          t.live_keys,
          t.disabled_at ? "disabled" : "enabled",
        ]),
      ),
    ),
    el("h3", {}, "Data inventory"),
    el(
      "div",
      { id: "operator-inventory" },
      table(
        `${inventory.objects.length} objects in ${tables.length} tables`,
        ["Object", "Kind", "Classification", "Personal data", "Retention"],
        inventory.objects.map((o: Json) => [
          `${o.schema_name}.${o.table_name}${o.column_name ? `.${o.column_name}` : ""}`,
          o.object_kind,
          o.classification ?? "–",
          o.pii ?? "–",
          o.retention_category ?? "–",
        ]),
      ),
    ),
  );
}
