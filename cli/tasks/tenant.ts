/**
 * deno task tenant: create tenants, change their rate limit, list, disable and enable them,
 * turn the OTLP content scan on or off, and unlock a user that the password hook locked out. Prints JSON lines on stdout.
 */
import type postgres from "postgres";
import { withDatabase } from "../lib/database.ts";
import { issueKey, parseScopes } from "../lib/keys.ts";
import { type Args, fail, runTask, type Task, TaskError, uuidArgument } from "../lib/task.ts";

/** Parses N/s (or N), 1 to 100000 requests per second. */
function parseRate(value: string): number {
  const match = /^(\d{1,6})(\/s)?$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 100000) {
    throw new TaskError("the rate takes N/s, N from 1 to 100000", 2);
  }
  return Number(match[1]);
}

/**
 * Runs an operator function that answers true when the tenant exists, then prints `done`;
 * an unknown tenant is an error.
 */
async function changeTenant(
  id: string,
  change: (sql: postgres.Sql, tenantId: string) => Promise<postgres.Row[]>,
  done: Record<string, unknown>,
): Promise<void> {
  const tenantId = uuidArgument(id, "TENANT_ID");
  const [row] = await withDatabase((sql) => change(sql, tenantId));
  if (!row!.ok) fail(`unknown tenant ${tenantId}`);
  console.log(JSON.stringify({ tenant_id: tenantId, ...done }));
}

export const task: Task = {
  name: "tenant",
  summary:
    "Tenants: create, rate limit, list, disable, enable, OTLP content scan, unlock a locked-out user.",
  commands: [
    {
      name: "create",
      usage: "NAME [--scopes ingest,auth-events,privacy,read,audit] [--rate N/s]",
      summary: 'Creates a tenant and its first key; prints {"tenant_id", "api_key"} (shown once).',
      positionals: 1,
      options: { scopes: { type: "string" }, rate: { type: "string" } },
      async run({ positionals: [name], values }) {
        const scopes = parseScopes(values.scopes as string | undefined);
        const rate = values.rate === undefined ? 50 : parseRate(String(values.rate));
        const result = await withDatabase((sql) =>
          sql.begin(async (tx) => {
            const [tenant] =
              await tx`select sealog_admin.create_tenant(${name!}, ${rate}) as tenant_id`;
            const key = await issueKey(tx, tenant!.tenant_id, { scopes, label: "initial" });
            return { tenant_id: tenant!.tenant_id as string, api_key: key.api_key };
          })
        );
        console.log(JSON.stringify(result));
      },
    },
    {
      name: "rate",
      usage: "TENANT_ID N/s",
      summary: "Changes the tenant's rate limit (burst: two seconds' worth).",
      positionals: 2,
      async run({ positionals: [id, rateText] }) {
        const rate = parseRate(rateText!);
        await changeTenant(
          id!,
          (sql, tenantId) =>
            sql`select sealog_admin.set_rate_limit(${tenantId}::uuid, ${rate}) as ok`,
          { rate_limit_per_second: rate },
        );
      },
    },
    {
      name: "list",
      usage: "",
      summary: "One JSON line per tenant: id, name, rate limit, disabled_at, live keys.",
      positionals: 0,
      async run() {
        const tenants = await withDatabase((sql) => sql`select * from sealog_admin.list_tenants()`);
        for (const tenant of tenants) console.log(JSON.stringify(tenant));
      },
    },
    ...[false, true].map((enabled) => ({
      name: enabled ? "enable" : "disable",
      usage: "TENANT_ID",
      summary: enabled
        ? "Accepts the tenant's live keys again."
        : "Refuses every key of the tenant from the next request on (401).",
      positionals: 1,
      async run({ positionals: [id] }: Args) {
        await changeTenant(
          id!,
          (sql, tenantId) =>
            sql`select sealog_admin.set_tenant_enabled(${tenantId}::uuid, ${enabled}) as ok`
              .catch((error) => {
                if (error?.code === "23514") fail("the reserved tenant can never be enabled");
                throw error;
              }),
          { disabled: !enabled },
        );
      },
    })),
    {
      name: "content-scan",
      usage: "TENANT_ID on|off",
      summary:
        "Keeps (on, the default) or drops the risk tags that OTLP ingest finds in span content.",
      positionals: 2,
      async run({ positionals: [id, setting] }) {
        if (setting !== "on" && setting !== "off") throw new TaskError("say on or off", 2);
        await changeTenant(
          id!,
          (sql, tenantId) =>
            sql`select sealog_admin.set_otlp_scan_tags(${tenantId}::uuid, ${
              setting === "on"
            }) as ok`,
          { otlp_scan_tags: setting === "on" },
        );
      },
    },
    {
      name: "unlock",
      usage: "TENANT_ID USER_ID",
      summary:
        "Ends a password lockout now; the audit trail records account_unlocked (source operator).",
      positionals: 2,
      async run({ positionals: [id, userId] }) {
        // The auth_user_id domain's rule, checked here to name it rather than a constraint.
        if (!/^[^@\p{Cc}]{1,128}$/u.test(userId!)) {
          throw new TaskError("USER_ID is a user id of 1 to 128 characters, never an email", 2);
        }
        await changeTenant(
          id!,
          (sql, tenantId) =>
            sql`select sealog_admin.unlock_user(${tenantId}::uuid, ${userId!}) as ok`,
          { user_id: userId, unlocked: true },
        );
      },
    },
  ],
};

if (import.meta.main) await runTask(task);
