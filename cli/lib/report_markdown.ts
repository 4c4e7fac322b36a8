/**
 * Renders a SOC 2 CC6.1 report (the JSON of sealog_admin.generate_soc2_report) as Markdown:
 * a summary table, then each control with its findings and its evidence. Pure: no I/O.
 */

/** One finding of a control: a stable code, the object concerned and a sentence. */
export type Finding = { code: string; object: string; detail: string };

/** One control section of the report. */
export type Control = {
  id: string;
  title: string;
  status: "pass" | "fail";
  findings: Finding[];
  evidence: Record<string, unknown>;
};

/** The report as stored in sealog.compliance_reports (plus its report_id). */
export type Soc2Report = {
  report_id?: number;
  framework: string;
  criterion: string;
  title: string;
  generated_at: string;
  database: string;
  status: "pass" | "fail";
  summary: { controls: number; passing: number; failing: number; findings: number };
  controls: Control[];
};

type Row = Record<string, unknown>;

/** Escapes a value for a Markdown table cell. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return "–";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", " ");
}

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return "_none_\n";
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n") + "\n";
}

function rows(value: unknown): Row[] {
  return Array.isArray(value)
    ? value.filter((v): v is Row => typeof v === "object" && v !== null)
    : [];
}

function list(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? value.map(String).join(", ") : "none";
}

function badge(status: string): string {
  return status === "pass" ? "PASS" : "FAIL";
}

function keyValues(value: unknown): string {
  if (typeof value !== "object" || value === null) return "_none_\n";
  return table(["", ""], Object.entries(value).map(([k, v]) => [k, v]));
}

function evidence(control: Control): string {
  const e = control.evidence;
  switch (control.id) {
    case "logical_access_controls":
      return table(
        ["Table", "RLS", "Forced", "Policies", "Grants"],
        rows(e.tables).map((t) => [
          t.table,
          t.rls_enabled ? "on" : "OFF",
          t.rls_forced ? "yes" : "no",
          rows(t.policies).map((p) => `${p.name} (${p.command} to ${list(p.roles)})`).join("; ") ||
          "none",
          rows(t.grants).map((g) => `${g.grantee}: ${list(g.privileges)}`).join("; ") || "none",
        ]),
      ) + `\nPartitions: ${cell(e.partitions)}\n`;
    case "authentication_mechanism":
      return (Array.isArray(e.mechanisms) ? e.mechanisms.map((m) => `- ${m}\n`).join("") : "") +
        `\nKey storage: ${cell(e.key_storage)}\n\nAPI keys (rotation age ${
          cell(e.rotation_age_days)
        } days):\n\n` + keyValues(e.api_keys);
    case "tenant_isolation":
      return `Data API schemas: ${list(e.data_api_schemas)}\n\n` +
        table(
          ["Tenant table", "tenant_id leads the primary key", "Reachable by anon/authenticated"],
          rows(e.tenant_tables).map((t) => [
            t.table,
            t.tenant_id_leads_primary_key ? "yes" : "no",
            t.reachable_by_client_roles ? "YES" : "no",
          ]),
        ) + `\nEdge role: ${cell(e.edge_role)}\n`;
    case "audit_logging":
      return table(
        ["Trail", "Table", "RLS forced", "Writable by", "Rows 24 h", "Rows 7 d", "Rows 30 d"],
        rows(e.trails).map((t) => {
          const volume = (t.volume ?? {}) as Row;
          return [
            t.category,
            t.table,
            t.rls_forced ? "yes" : "NO",
            list(t.writable_by),
            volume.rows_24h,
            volume.rows_7d,
            volume.rows_30d,
          ];
        }),
      ) + "\nAPI access log, last 7 days:\n\n" + keyValues(e.api_access_log_last_7_days);
    case "data_retention":
      return table(
        [
          "Category",
          "Table",
          "Retention",
          "Method",
          "Job",
          "Schedule",
          "Last run",
          "Oldest row (days)",
          "Adherent",
        ],
        rows(e.policies).map((p) => [
          p.category,
          p.table,
          p.retention,
          p.purge_method,
          p.purge_job,
          p.schedule,
          p.last_run_status,
          p.oldest_row_age_days,
          p.adherent ? "yes" : "NO",
        ]),
      );
    case "least_privilege":
      return `Functions pinning search_path = '': ${cell(e.functions_with_empty_search_path)} of ${
        cell(e.functions_total)
      }\n\n` +
        table(
          ["SECURITY DEFINER function", "Owner", "search_path", "Executable by"],
          rows(e.security_definer_functions).map((f) => [
            f.function,
            f.owner,
            f.search_path,
            list(f.executable_by),
          ]),
        ) + "\n" +
        table(
          ["Role", "Login", "Superuser", "Bypass RLS", "Create role"],
          rows(e.roles).map((r) => [r.role, r.login, r.superuser, r.bypass_rls, r.create_role]),
        );
    case "data_classification":
      return `Tables classified: ${cell(e.tables_classified)} of ${cell(e.tables)}; partitions: ${
        cell(e.partitions_classified)
      } of ${cell(e.partitions)}; columns: ${cell(e.columns_classified)} of ${
        cell(e.columns)
      }.\n\nColumns by level: ${cell(e.columns_by_level)}\n\nRetention categories: ${
        list(e.categories)
      }\n\n` +
        table(
          ["Personal-data column", "Kind", "Retention"],
          rows(e.personal_data_columns).map((c) => [c.column, c.pii, c.retention]),
        );
    default:
      return "```json\n" + JSON.stringify(e, null, 2) + "\n```\n";
  }
}

/** Renders the whole report as Markdown. */
export function renderReport(report: Soc2Report): string {
  const parts = [
    `# ${report.framework} ${report.criterion} evidence report\n`,
    `${report.title}\n`,
    `- Generated at: ${report.generated_at}`,
    `- Database: ${report.database}`,
    ...(report.report_id !== undefined ? [`- Report id: ${report.report_id}`] : []),
    `- **Status: ${
      badge(report.status)
    }**: ${report.summary.passing} of ${report.summary.controls} controls pass, ${report.summary.findings} finding(s)\n`,
    "## Summary\n",
    table(
      ["Control", "Status", "Findings"],
      report.controls.map((c) => [c.title, badge(c.status), c.findings.length]),
    ),
  ];
  report.controls.forEach((control, index) => {
    parts.push(`## ${index + 1}. ${control.title}: ${badge(control.status)}\n`);
    if (control.findings.length > 0) {
      parts.push("### Findings\n");
      parts.push(
        control.findings.map((f) => `- \`${f.code}\` ${cell(f.object)}: ${f.detail}`).join("\n") +
          "\n",
      );
    }
    parts.push("### Evidence\n");
    parts.push(evidence(control));
  });
  return parts.join("\n");
}
