/**
 * deno task key issue TENANT_ID [--scopes ingest,auth-events,privacy] [--label L] [--expires-at ISO]
 *   Prints {"key_id": "...", "api_key": "..."}; the key is shown only this once.
 * deno task key revoke KEY_ID
 * deno task key list TENANT_ID        one JSON line per key, never a digest
 */
import { parseArgs } from "node:util";
import { fail, withDatabase } from "./database.ts";
import { issueKey, parseScopes } from "./keys.ts";

const USAGE =
  "usage: deno task key issue TENANT_ID [--scopes s1,s2] [--label L] [--expires-at ISO]\n" +
  "       deno task key revoke KEY_ID\n       deno task key list TENANT_ID";

const { positionals, values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    scopes: { type: "string" },
    label: { type: "string" },
    "expires-at": { type: "string" },
    help: { type: "boolean" },
  },
});
const [command, id] = positionals;
if (values.help || !command || !id || positionals.length !== 2) {
  console.error(USAGE);
  Deno.exit(values.help ? 0 : 2);
}

await withDatabase(async (sql) => {
  switch (command) {
    case "issue": {
      const expiresAt = values["expires-at"] ?? null;
      if (expiresAt !== null && Number.isNaN(Date.parse(expiresAt))) {
        fail("--expires-at takes an ISO 8601 timestamp");
      }
      const key = await issueKey(sql, id, {
        scopes: parseScopes(values.scopes),
        label: values.label ?? "",
        expiresAt,
      });
      console.log(JSON.stringify(key));
      return;
    }
    case "revoke": {
      const [row] = await sql`select sealog_admin.revoke_key(${id}::uuid) as revoked`;
      if (!row!.revoked) fail("no live key with that id");
      console.log(JSON.stringify({ key_id: id, revoked: true }));
      return;
    }
    case "list": {
      for (const key of await sql`select * from sealog_admin.list_keys(${id}::uuid)`) {
        console.log(JSON.stringify(key));
      }
      return;
    }
    default:
      fail(USAGE);
  }
});
