/**
 * deno task help: every operator task with its commands, then the other tasks of deno.json.
 * Built from the tasks' own definitions, so it cannot drift from them.
 */
import config from "../../deno.json" with { type: "json" };
import { usage } from "../lib/task.ts";
import { task as dbPassword } from "./db_password.ts";
import { task as doctor } from "./doctor.ts";
import { task as key } from "./key.ts";
import { task as report } from "./report.ts";
import { task as tenant } from "./tenant.ts";
import { task as usageTask } from "./usage.ts";
import { task as user } from "./user.ts";

/** The operator tasks, in the order `deno task help` shows them. */
export const TASKS = [tenant, key, user, report, usageTask, dbPassword, doctor];

/** The text of `deno task help`. */
export function helpText(): string {
  const operator = TASKS.map((task) => usage(task)).join("\n");
  const others = Object.keys(config.tasks).filter(
    (name) => name !== "help" && !TASKS.some((task) => task.name === name),
  );
  return "Operator tasks (against the local stack, or SUPABASE_DB_URL for a hosted project).\n" +
    "Each answers --help; bad input gets one line on stderr and exit 2 (usage) or 1 (refused).\n\n" +
    operator +
    `\nDevelopment tasks (see README.md and CONTRIBUTING.md): ${others.join(", ")}\n`;
}

if (import.meta.main) console.log(helpText());
