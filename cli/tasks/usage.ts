/**
 * deno task usage: every tenant's usage over the last --days days (default 7), busiest
 * first, one JSON line per tenant, from sealog_admin.usage_summary. For operators: it
 * reads across tenants with the database owner's login, never with a tenant key.
 */
import { withDatabase } from "../lib/database.ts";
import { runTask, type Task, TaskError } from "../lib/task.ts";

const MAX_DAYS = 90;

/** --days N: a whole number of days within retention. */
export function parseDays(value: string | undefined): number {
  if (value === undefined) return 7;
  const days = /^[0-9]{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(days >= 1 && days <= MAX_DAYS)) {
    throw new TaskError(
      `--days takes a whole number from 1 to ${MAX_DAYS}, got ${JSON.stringify(value)}`,
      2,
    );
  }
  return days;
}

export const task: Task = {
  name: "usage",
  summary: "Usage across tenants, for operators.",
  commands: [{
    name: "",
    usage: "[--days N]",
    summary: "Prints one JSON line per tenant: events, errors, tokens, cost and last event time " +
      "over the last N days (default 7, at most 90), busiest first.",
    positionals: 0,
    options: { days: { type: "string" } },
    async run({ values }) {
      const days = parseDays(values.days as string | undefined);
      const to = new Date();
      const from = new Date(to.getTime() - days * 86_400_000);
      const rows = await withDatabase((sql) =>
        sql`select * from sealog_admin.usage_summary(${from.toISOString()}, ${to.toISOString()})`
      );
      for (const row of rows) {
        console.log(JSON.stringify({
          tenant_id: row.tenant_id,
          name: row.name,
          events: Number(row.events),
          errors: Number(row.errors),
          input_tokens: Number(row.input_tokens),
          output_tokens: Number(row.output_tokens),
          cost_micro_usd: Number(row.cost_micro_usd),
          last_event_at: row.last_event_at ? new Date(row.last_event_at).toISOString() : null,
        }));
      }
    },
  }],
};

if (import.meta.main) await runTask(task);
