/**
 * deno task report [--fresh] [--json]
 *   Prints the latest SOC 2 CC6.1 evidence report as Markdown. With --fresh (or when none
 *   was stored yet) it first generates one from the live catalog, which is also stored in
 *   sealog.compliance_reports. --json prints the stored JSON instead.
 */
import { parseArgs } from "node:util";
import { fail, withDatabase } from "./database.ts";
import { renderReport, type Soc2Report } from "./report_markdown.ts";

const USAGE = "usage: deno task report [--fresh] [--json]";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    fresh: { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean" },
  },
});
if (values.help || positionals.length > 0) {
  console.error(USAGE);
  Deno.exit(values.help ? 0 : 2);
}

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
