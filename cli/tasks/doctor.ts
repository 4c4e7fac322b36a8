/**
 * deno task doctor: checks a deployment from outside and prints one PASS or FAIL line per
 * item (cli/lib/deployment_checks.ts), each failure with its fix; exits 1 when any fails.
 */
import postgres from "postgres";
import { operatorDatabaseUrl } from "../lib/database.ts";
import { type Check, deploymentChecks, type Outcome } from "../lib/deployment_checks.ts";
import { runTask, type Task, TaskError } from "../lib/task.ts";

export const task: Task = {
  name: "doctor",
  summary:
    "Checks a deployment from outside: one PASS/FAIL line per item, each failure with its fix.",
  commands: [{
    name: "",
    usage: "--functions-url URL [--db-url URL] [--key KEY] [--origin ORIGIN] [--skip-advisors]",
    summary: "--functions-url is https://<ref>.supabase.co/functions/v1; --db-url an operator " +
      "connection (default SUPABASE_DB_URL, else the local stack); --key a tenant key for " +
      "whoami; --origin a browser origin CORS must allow.",
    positionals: 0,
    options: {
      "functions-url": { type: "string" },
      "db-url": { type: "string" },
      key: { type: "string" },
      origin: { type: "string" },
      "skip-advisors": { type: "boolean" },
    },
    async run({ values }) {
      const functionsUrl = String(values["functions-url"] ?? "").replace(/\/+$/, "");
      if (!/^https?:\/\/[^/]+/.test(functionsUrl)) {
        throw new TaskError("--functions-url is required; see deno task doctor --help", 2);
      }
      const dbUrl = String(values["db-url"] ?? operatorDatabaseUrl());
      const sql = postgres(dbUrl, {
        max: 1,
        onnotice: () => {},
        connect_timeout: 10,
        fetch_types: false,
      });
      let failed = 0;
      try {
        const checks = deploymentChecks({
          functionsUrl,
          sql,
          dbUrl,
          key: values.key as string | undefined,
          origin: values.origin as string | undefined,
          advisors: !values["skip-advisors"],
        });
        for (const check of checks) {
          const outcome = await runCheck(check);
          if (!outcome.ok) failed++;
          console.log(`${outcome.ok ? "PASS" : "FAIL"}  ${check.name}: ${outcome.detail}`);
          if (outcome.fix) console.log(`      fix: ${outcome.fix}`);
        }
      } finally {
        await sql.end({ timeout: 5 });
      }
      if (failed > 0) throw new TaskError(`doctor: ${failed} check(s) failed`);
      console.log("doctor: all checks passed");
    },
  }],
};

async function runCheck(check: Check): Promise<Outcome> {
  try {
    return await check.run();
  } catch (error) {
    // Name only: messages can carry connection strings.
    const code = (error as { code?: unknown })?.code;
    return {
      ok: false,
      detail: `could not check (${(error as Error)?.name ?? "Error"}${code ? `:${code}` : ""})`,
      fix: "check --functions-url and --db-url",
    };
  }
}

if (import.meta.main) await runTask(task);
