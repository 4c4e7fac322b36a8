/** The operator tasks: deno task tenant / key, against the test stack's database. */
import assert from "node:assert/strict";
import { call, sql, test } from "../_support/stack.ts";

async function task(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code,
    stdout: new TextDecoder().decode(stdout),
    stderr: new TextDecoder().decode(stderr),
  };
}

test("tenant create prints exactly one JSON line with a working key of the default scopes", async () => {
  const result = await task("tenant", "create", "cli-tenant", "--rate", "7/s");
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const created = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(created).sort(), ["api_key", "tenant_id"]);
  assert.match(created.api_key, /^slg_live_[A-Za-z0-9_-]{43}$/);
  const whoami = await call("/ingest/whoami", { apiKey: created.api_key });
  assert.equal(whoami.body.tenant_id, created.tenant_id);
  assert.deepEqual(whoami.body.scopes, ["ingest", "auth-events", "privacy"]);
  const [tenant] =
    await sql`select rate_limit_per_second from sealog.tenants where tenant_id = ${created.tenant_id}`;
  assert.equal(tenant!.rate_limit_per_second, 7);
});

test("key issue, list and revoke; bad arguments fail without touching the database", async () => {
  const created = JSON.parse(
    (await task("tenant", "create", "cli-keys", "--scopes", "ingest")).stdout,
  );
  const issued = JSON.parse(
    (await task("key", "issue", created.tenant_id, "--scopes", "privacy", "--label", "ops")).stdout,
  );
  assert.equal(
    (await call("/ingest/whoami", { apiKey: issued.api_key })).body.scopes[0],
    "privacy",
  );

  const listed = (await task("key", "list", created.tenant_id)).stdout.trim().split("\n").map((
    line,
  ) => JSON.parse(line));
  assert.equal(listed.length, 2);
  assert.ok(
    listed.every((key) => !("key_digest" in key) && !JSON.stringify(key).includes(issued.api_key)),
  );

  assert.equal((await task("key", "revoke", issued.key_id)).code, 0);
  assert.equal((await call("/ingest/whoami", { apiKey: issued.api_key })).status, 401);
  assert.notEqual(
    (await task("key", "revoke", issued.key_id)).code,
    0,
    "a revoked key cannot be revoked again",
  );

  for (
    const args of [["tenant", "create"], ["tenant", "create", "x", "--scopes", "admin"], [
      "tenant",
      "create",
      "x",
      "--rate",
      "fast",
    ]]
  ) {
    const failed = await task(...args);
    assert.notEqual(failed.code, 0, args.join(" "));
    assert.equal(failed.stdout, "");
  }
});
