/** deno task report: the SOC 2 CC6.1 evidence report, generated in the test stack's database. */
import assert from "node:assert/strict";
import { sql, test } from "../_support/stack.ts";

async function report(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "report", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

test("report --fresh stores a new report and prints every control as Markdown", async () => {
  const [before] = await sql`select count(*)::int as n from sealog.compliance_reports`;
  const result = await report("--fresh");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^# SOC 2 CC6\.1 evidence report/);
  for (
    const control of [
      "Logical access controls",
      "Authentication mechanism",
      "Tenant isolation",
      "Audit logging",
      "Data retention",
      "Least privilege",
      "Data classification",
    ]
  ) {
    assert.match(result.stdout, new RegExp(`^## \\d\\. ${control}`, "m"));
  }
  const [after] = await sql`select count(*)::int as n from sealog.compliance_reports`;
  assert.ok(after!.n > before!.n);
});

test("report prints the latest stored report, and --json its stored JSON", async () => {
  const [latest] = await sql`select sealog_admin.generate_soc2_report() ->> 'report_id' as id`;
  const markdown = await report();
  assert.equal(markdown.code, 0, markdown.stderr);
  assert.match(markdown.stdout, new RegExp(`^- Report id: ${latest!.id}$`, "m"));
  const json = await report("--json");
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  assert.equal(String(parsed.report_id), latest!.id);
  assert.equal(parsed.controls.length, 8);
});

test("report refuses unknown arguments", async () => {
  const result = await report("now");
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^error: report takes \[--fresh\] \[--json\]; see deno task report --help\n$/,
  );
});
