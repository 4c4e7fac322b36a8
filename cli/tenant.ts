/**
 * deno task tenant create NAME [--scopes ingest,auth-events,privacy] [--rate N/s]
 *   Creates a tenant and its first key; prints exactly one JSON line on stdout:
 *   {"tenant_id": "...", "api_key": "..."}. The key is shown only this once.
 * deno task tenant rate TENANT_ID N/s
 *   Changes the tenant's rate limit.
 */
import { parseArgs } from "node:util";
import { fail, withDatabase } from "./database.ts";
import { issueKey, parseScopes } from "./keys.ts";

const USAGE =
  "usage: deno task tenant create NAME [--scopes ingest,auth-events,privacy] [--rate N/s]\n" +
  "       deno task tenant rate TENANT_ID N/s";

function parseRate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = /^(\d{1,6})(\/s)?$/.exec(value);
  if (!match || Number(match[1]) < 1) fail("--rate takes N/s, N from 1 to 100000");
  return Number(match[1]);
}

const { positionals, values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { scopes: { type: "string" }, rate: { type: "string" }, help: { type: "boolean" } },
});
const [command, ...rest] = positionals;

if (values.help || !command) {
  console.error(USAGE);
  Deno.exit(values.help ? 0 : 2);
}

if (command === "create") {
  const name = rest[0];
  if (!name || rest.length !== 1) fail(USAGE);
  const scopes = parseScopes(values.scopes);
  const rate = parseRate(values.rate);
  const result = await withDatabase((sql) =>
    sql.begin(async (tx) => {
      const [tenant] = await tx`select sealog_admin.create_tenant(${name}, ${
        rate ?? 50
      }) as tenant_id`;
      const key = await issueKey(tx, tenant!.tenant_id, { scopes, label: "initial" });
      return { tenant_id: tenant!.tenant_id as string, api_key: key.api_key };
    })
  );
  console.log(JSON.stringify(result));
} else if (command === "rate") {
  const [tenantId, rateText] = rest;
  if (!tenantId || !rateText) fail(USAGE);
  const rate = parseRate(rateText)!;
  const [row] = await withDatabase((sql) =>
    sql`select sealog_admin.set_rate_limit(${tenantId}::uuid, ${rate}) as ok`
  );
  if (!row!.ok) fail("no such tenant");
  console.log(JSON.stringify({ tenant_id: tenantId, rate_limit_per_second: rate }));
} else {
  fail(USAGE);
}
