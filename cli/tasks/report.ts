/**
 * deno task report: the latest SOC 2 CC6.1 evidence report as Markdown. With --fresh (or when
 * none was stored yet) it first generates one from the live catalog, which is also stored in
 * sealog.compliance_reports. --json prints the stored JSON instead.
 */
import { withDatabase } from "../lib/database.ts";
import { renderReport, type Soc2Report } from "../lib/report_markdown.ts";
import { fail, runTask, type Task } from "../lib/task.ts";

export const task: Task = {
  name: "report",
  summary: "The SOC 2 CC6.1 evidence report.",
  commands: [{
    name: "",
    usage: "[--fresh] [--json]",
    summary: "Prints the latest SOC 2 CC6.1 evidence report (Markdown, or --json); " +
      "--fresh generates and stores a new one first.",
    positionals: 0,
    options: { fresh: { type: "boolean" }, json: { type: "boolean" } },
    async run({ values }) {
      const report = await withDatabase(async (sql) => {
        if (!values.fresh) {
          const [latest] = await sql`select sealog_admin.latest_soc2_report() as report`;
          if (latest?.report) return latest.report as Soc2Report;
        }
        const [fresh] = await sql`select sealog_admin.generate_soc2_report() as report`;
        return fresh?.report as Soc2Report | undefined;
      });
      if (!report) fail("no report could be generated");
      console.log(values.json ? JSON.stringify(report, null, 2) : renderReport(report));
    },
  }],
};

if (import.meta.main) await runTask(task);
