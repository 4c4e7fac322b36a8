/** The SOC 2 report's Markdown rendering, on a hand-made report: no database. */
import assert from "node:assert/strict";
import { cell, renderReport, type Soc2Report } from "../../cli/lib/report_markdown.ts";

function report(overrides: Partial<Soc2Report> = {}): Soc2Report {
  return {
    report_id: 7,
    framework: "SOC 2",
    criterion: "CC6.1",
    title: "Logical access security",
    generated_at: "2026-11-23T06:00:00+00:00",
    database: "postgres",
    status: "fail",
    summary: { controls: 2, passing: 1, failing: 1, findings: 1 },
    controls: [
      {
        id: "logical_access_controls",
        title: "Logical access controls",
        status: "fail",
        findings: [{
          code: "rls_disabled",
          object: "sealog.probe",
          detail: "row level security is not enabled",
        }],
        evidence: {
          tables: [{
            table: "sealog.probe",
            rls_enabled: false,
            rls_forced: false,
            policies: [],
            grants: [{ grantee: "service_role", privileges: ["SELECT"] }],
          }],
          partitions: { count: 0 },
        },
      },
      {
        id: "data_retention",
        title: "Data retention",
        status: "pass",
        findings: [],
        evidence: {
          policies: [{
            category: "telemetry",
            table: "sealog.llm_request_logs",
            retention: "90 days",
            purge_method: "drop_partitions",
            purge_job: "sealog-purge-telemetry",
            schedule: "15 0 * * *",
            last_run_status: "succeeded",
            oldest_row_age_days: 12.5,
            adherent: true,
          }],
        },
      },
    ],
    ...overrides,
  };
}

Deno.test("the report renders a summary, each control's findings and its evidence tables", () => {
  const markdown = renderReport(report());
  assert.match(markdown, /^# SOC 2 CC6\.1 evidence report/);
  assert.match(markdown, /\*\*Status: FAIL\*\*: 1 of 2 controls pass, 1 finding\(s\)/);
  assert.match(markdown, /\| Logical access controls \| FAIL \| 1 \|/);
  assert.match(markdown, /## 1\. Logical access controls: FAIL/);
  assert.match(markdown, /- `rls_disabled` sealog\.probe: row level security is not enabled/);
  assert.match(markdown, /\| sealog\.probe \| OFF \| no \| none \| service_role: SELECT \|/);
  assert.match(markdown, /## 2\. Data retention: PASS/);
  assert.match(
    markdown,
    /\| telemetry \| sealog\.llm_request_logs \| 90 days \| drop_partitions \| sealog-purge-telemetry \| 15 0 \* \* \* \| succeeded \| 12\.5 \| yes \|/,
  );
  assert.doesNotMatch(markdown.split("## 2.")[1]!, /### Findings/);
});

Deno.test("an unknown control's evidence is shown as JSON", () => {
  const markdown = renderReport(report({
    controls: [{ id: "future", title: "Future", status: "pass", findings: [], evidence: { a: 1 } }],
  }));
  assert.match(markdown, /```json\n\{\n {2}"a": 1\n\}\n```/);
});

Deno.test("table cells escape pipes and newlines and show missing values as a dash", () => {
  assert.equal(cell("a|b\nc"), "a\\|b c");
  assert.equal(cell(null), "–");
  assert.equal(cell({ x: 1 }), '{"x":1}');
});
