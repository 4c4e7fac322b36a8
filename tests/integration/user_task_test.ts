/** deno task user create: a local Supabase Auth user and a working access token; local only. */
import assert from "node:assert/strict";
import { call, sql, test } from "../_support/stack.ts";

async function userTask(args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "user", ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

test("user create prints one JSON line with a user id and an access token that works", async () => {
  const email = `task-${crypto.randomUUID()}@example.test`;
  const result = await userTask(["create", email]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const created = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(created).sort(), ["access_token", "user_id"]);
  const [user] = await sql`
    select u.email, u.aud, u.role, (select count(*)::int from auth.identities i where i.user_id = u.id) as identities
      from auth.users u where u.id = ${created.user_id}`;
  assert.deepEqual({ ...user }, {
    email,
    aud: "authenticated",
    role: "authenticated",
    identities: 1,
  });
  const claims = JSON.parse(
    atob(created.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
  );
  assert.equal(claims.sub, created.user_id);
  assert.equal(claims.email, email);
  assert.equal(claims.iss, `${Deno.env.get("SUPABASE_URL")}/auth/v1`);
  assert.equal(claims.exp - claims.iat, 3600);

  const accepted = await call(`/deletion-requests/${crypto.randomUUID()}`, {
    apiKey: created.access_token,
  });
  assert.equal(accepted.status, 404, "the token authenticates; the request does not exist");
  assert.notEqual((await userTask(["create", email])).code, 0, "an address is taken once");
});

test("user create refuses a database that is not the local stack, and bad arguments", async () => {
  const remote = await userTask(["create", "x@example.test"], {
    SUPABASE_DB_URL: "postgresql://postgres:secret@db.example-project.supabase.co:5432/postgres",
  });
  assert.notEqual(remote.code, 0);
  assert.match(remote.stderr, /local stack only/);
  assert.equal(remote.stdout, "");
  assert.notEqual((await userTask(["create", "not-an-email"])).code, 0);
  assert.notEqual((await userTask(["delete", "x@example.test"])).code, 0);
});
