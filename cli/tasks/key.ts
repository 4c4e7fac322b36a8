/**
 * deno task key: issue, revoke and list a tenant's API keys. Prints JSON lines on stdout;
 * a key's plaintext is shown once, at issue, and its digest never.
 */
import { withDatabase } from "../lib/database.ts";
import { issueKey, parseScopes } from "../lib/keys.ts";
import { fail, runTask, type Task, TaskError, uuidArgument } from "../lib/task.ts";

export const task: Task = {
  name: "key",
  summary: "API keys: issue, revoke, list.",
  commands: [
    {
      name: "issue",
      usage:
        "TENANT_ID [--scopes ingest,auth-events,privacy,read,audit] [--label L] [--expires-at ISO]",
      summary: 'Issues a key; prints {"key_id", "api_key"} (the key is shown only this once).',
      positionals: 1,
      options: {
        scopes: { type: "string" },
        label: { type: "string" },
        "expires-at": { type: "string" },
      },
      async run({ positionals: [id], values }) {
        const tenantId = uuidArgument(id!, "TENANT_ID");
        const scopes = parseScopes(values.scopes as string | undefined);
        const expiresAt = (values["expires-at"] as string | undefined) ?? null;
        if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) {
          throw new TaskError("--expires-at takes an ISO 8601 timestamp", 2);
        }
        const key = await withDatabase((sql) =>
          issueKey(sql, tenantId, {
            scopes,
            label: (values.label as string | undefined) ?? "",
            expiresAt,
          })
        );
        console.log(JSON.stringify(key));
      },
    },
    {
      name: "revoke",
      usage: "KEY_ID",
      summary: "Revokes a live key at once.",
      positionals: 1,
      async run({ positionals: [id] }) {
        const keyId = uuidArgument(id!, "KEY_ID");
        const [row] = await withDatabase((sql) =>
          sql`select sealog_admin.revoke_key(${keyId}::uuid) as revoked`
        );
        if (!row!.revoked) fail(`no live key ${keyId}`);
        console.log(JSON.stringify({ key_id: keyId, revoked: true }));
      },
    },
    {
      name: "list",
      usage: "TENANT_ID",
      summary:
        "One JSON line per key of the tenant, never a digest; an unknown tenant is an error.",
      positionals: 1,
      async run({ positionals: [id] }) {
        const tenantId = uuidArgument(id!, "TENANT_ID");
        const keys = await withDatabase((sql) =>
          sql`select * from sealog_admin.list_keys(${tenantId}::uuid)`
        );
        for (const key of keys) console.log(JSON.stringify(key));
      },
    },
  ],
};

if (import.meta.main) await runTask(task);
