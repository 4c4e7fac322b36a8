/**
 * deno task user create EMAIL
 *   Local stack only. Creates a Supabase Auth user (auth.users, an email identity and a
 *   session) and prints exactly one JSON line, {"user_id": "...", "access_token": "..."}, with
 *   an access token valid for one hour, signed by the local key pair like Supabase Auth's.
 *   Refuses when SUPABASE_DB_URL points anywhere but this machine.
 */
import { parseArgs } from "node:util";
import { fail, operatorDatabaseUrl, withDatabase } from "./database.ts";
import { createLocalUser, isLocalDatabase, localAccessToken } from "./users.ts";

const USAGE = "usage: deno task user create EMAIL   (local stack only)";

const { positionals, values } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { help: { type: "boolean" } },
});
const [command, email] = positionals;

if (values.help || command !== "create" || !email || positionals.length !== 2) {
  console.error(USAGE);
  Deno.exit(values.help ? 0 : 2);
}
if (!isLocalDatabase(operatorDatabaseUrl())) {
  fail("deno task user works against the local stack only; unset SUPABASE_DB_URL");
}
if (!/^[^@\s]+@[^@\s]+$/.test(email) || email.length > 320) fail("EMAIL must be an email address");

const user = await withDatabase(async (sql) => {
  const [taken] = await sql`select 1 from auth.users where lower(email) = lower(${email})`;
  if (taken) fail("a user with this email already exists");
  return await createLocalUser(sql, email);
});
console.log(JSON.stringify({ user_id: user.userId, access_token: await localAccessToken(user) }));
