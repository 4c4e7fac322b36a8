/**
 * The operator tasks (deno task tenant / key / user / report / help) as an operator runs them,
 * against the test stack's database and over real HTTP; every bad input gets one line on
 * stderr and a non-zero exit, never a stack trace.
 */
import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { TASKS } from "../../cli/tasks/help.ts";
import { deliverHook, HOOK_TENANT_ID, passwordAttempt } from "../_support/auth_hooks.ts";
import { call, sql, test } from "../_support/stack.ts";

async function task(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return await taskWithEnv({}, ...args);
}

async function taskWithEnv(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", ...args],
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

/** A failed task: the expected exit code, nothing on stdout, one line on stderr, no stack. */
function assertOneLineError(
  result: { code: number; stdout: string; stderr: string },
  code: number,
  pattern: RegExp,
  what: string,
): void {
  assert.equal(result.code, code, `${what}: exit code (stderr: ${result.stderr})`);
  assert.equal(result.stdout, "", `${what}: nothing on stdout`);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${what}: one line on stderr, got ${result.stderr}`);
  assert.match(lines[0]!, /^error: /, what);
  assert.match(lines[0]!, pattern, what);
  assert.doesNotMatch(result.stderr, /\bat .*\.ts:\d+|Uncaught|PostgresError/, `${what}: no stack`);
}

test("every bad input gets one line on stderr and a non-zero exit, never a stack trace", async () => {
  const unknown = crypto.randomUUID();
  const cases: [string[], number, RegExp][] = [
    // Malformed uuids never reach the database.
    [["key", "list", "not-a-uuid"], 2, /TENANT_ID must be a uuid/],
    [["key", "issue", "not-a-uuid"], 2, /TENANT_ID must be a uuid/],
    [["key", "revoke", "123"], 2, /KEY_ID must be a uuid/],
    [["tenant", "rate", "x'; drop table x", "5/s"], 2, /TENANT_ID must be a uuid/],
    [["tenant", "disable", "nope"], 2, /TENANT_ID must be a uuid/],
    [["tenant", "enable", ""], 2, /TENANT_ID must be a uuid/],
    [["tenant", "unlock", "nope", "user-1"], 2, /TENANT_ID must be a uuid/],
    [["tenant", "content-scan", "nope", "off"], 2, /TENANT_ID must be a uuid/],
    [["tenant", "content-scan", unknown, "maybe"], 2, /say on or off/],
    // Unknown tenants and keys are named.
    [["key", "list", unknown], 1, new RegExp(`unknown tenant ${unknown}`)],
    [["key", "issue", unknown], 1, new RegExp(`unknown tenant ${unknown}`)],
    [["key", "revoke", unknown], 1, new RegExp(`no live key ${unknown}`)],
    [["tenant", "rate", unknown, "5/s"], 1, /unknown tenant/],
    [["tenant", "disable", unknown], 1, /unknown tenant/],
    [["tenant", "enable", unknown], 1, /unknown tenant/],
    [["tenant", "unlock", unknown, "user-1"], 1, /unknown tenant/],
    [["tenant", "content-scan", unknown, "off"], 1, /unknown tenant/],
    [["tenant", "enable", "00000000-0000-0000-0000-000000000000"], 1, /reserved tenant/],
    [["key", "issue", "00000000-0000-0000-0000-000000000000"], 1, /reserved tenant/],
    // Unknown options, commands and wrong argument counts.
    [["report", "--bogus"], 2, /unknown option --bogus/],
    [["key", "list", unknown, "--bogus"], 2, /unknown option --bogus/],
    [["tenant", "create", "x", "--rate"], 2, /option --rate needs a value/],
    [["tenant", "frob"], 2, /unknown command "frob"/],
    [["tenant"], 2, /a command is needed/],
    [["key", "list"], 2, /key list takes TENANT_ID/],
    [["key", "list", unknown, "extra"], 2, /key list takes TENANT_ID/],
    [["report", "extra"], 2, /report takes/],
    [["tenant", "rate", unknown, "fast"], 2, /N\/s/],
    [["tenant", "unlock", unknown, "someone@example.test"], 2, /never an email/],
    [["key", "issue", unknown, "--expires-at", "soon"], 2, /ISO 8601/],
    [["key", "issue", unknown, "--scopes", "admin"], 2, /--scopes/],
    [["user", "create", "not-an-email"], 2, /email address/],
    // A rule only the database knows is reported by its SQLSTATE, and nothing is half-written.
    [["tenant", "create", "x".repeat(129)], 1, /the database refused: .*\(SQLSTATE 23514\)$/],
  ];
  const results = await Promise.all(cases.map(([args]) => task(...args)));
  cases.forEach(([args, code, pattern], index) =>
    assertOneLineError(results[index]!, code, pattern, args.join(" "))
  );
});

test("an unreachable database is one line, without the URL's password", async () => {
  const env = { SUPABASE_DB_URL: "postgresql://postgres:hunter2-secret@127.0.0.1:1/postgres" };
  for (
    const args of [["tenant", "list"], ["key", "list", crypto.randomUUID()], ["report"], [
      "tenant",
      "create",
      "unreachable",
    ]]
  ) {
    const result = await taskWithEnv(env, ...args);
    assertOneLineError(result, 1, /cannot reach the database \(ECONNREFUSED\)/, args.join(" "));
    assert.doesNotMatch(result.stderr, /hunter2/);
  }
});

test("a malformed database URL is one line, without the password it holds", async () => {
  for (const url of ["postgresql://postgres:hunter2@[bad/postgres", "not a url hunter2"]) {
    const result = await taskWithEnv({ SUPABASE_DB_URL: url }, "tenant", "list");
    assertOneLineError(result, 1, /not a valid URL \(check SUPABASE_DB_URL\)/, url);
    assert.doesNotMatch(result.stderr, /hunter2/);
  }
});

test("--help on every task and command prints its usage on stdout and exits 0", async () => {
  const runs = TASKS.flatMap((spec) => [
    [spec.name, "--help"],
    ...spec.commands.map((command) => [spec.name, command.name, "--help"].filter(Boolean)),
  ]);
  const results = await Promise.all(runs.map((args) => task(...args)));
  runs.forEach((args, index) => {
    const result = results[index]!;
    assert.equal(result.code, 0, args.join(" "));
    assert.equal(result.stderr, "", args.join(" "));
    assert.match(result.stdout, new RegExp(`deno task ${args[0]}`), args.join(" "));
  });
});

test("deno task help lists every operator task and command, and every deno.json task", async () => {
  const result = await task("help");
  assert.equal(result.code, 0, result.stderr);
  const operatorTasks = Object.entries(config.tasks)
    .filter(([, command]) => command.includes("cli/tasks/") && !command.includes("help.ts"))
    .map(([name]) => name).sort();
  assert.deepEqual(TASKS.map((spec) => spec.name).sort(), operatorTasks);
  for (const spec of TASKS) {
    for (const command of spec.commands) {
      assert.ok(
        result.stdout.includes(`deno task ${[spec.name, command.name].filter(Boolean).join(" ")}`),
        `${spec.name} ${command.name}`,
      );
    }
  }
  for (const name of Object.keys(config.tasks).filter((name) => name !== "help")) {
    assert.ok(result.stdout.includes(name), name);
  }
});

test("tenant disable refuses the tenant's keys over HTTP, enable accepts them again; list shows it", async () => {
  const created = JSON.parse((await task("tenant", "create", "cli-disable")).stdout);
  assert.equal((await call("/ingest/whoami", { apiKey: created.api_key })).status, 200);

  const disabled = await task("tenant", "disable", created.tenant_id);
  assert.equal(disabled.code, 0, disabled.stderr);
  const refused = await call("/ingest/whoami", { apiKey: created.api_key });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.code, "unauthorized");

  const listed = (await task("tenant", "list")).stdout.trim().split("\n").map((line) =>
    JSON.parse(line)
  ).find((tenant) => tenant.tenant_id === created.tenant_id);
  assert.equal(listed.name, "cli-disable");
  assert.equal(listed.live_keys, "1");
  assert.ok(listed.disabled_at, "disabled_at is listed");

  assert.equal((await task("tenant", "enable", created.tenant_id)).code, 0);
  assert.equal((await call("/ingest/whoami", { apiKey: created.api_key })).status, 200);
});

test("tenant content-scan turns the OTLP content scan's risk tags off and on", async () => {
  const created = JSON.parse((await task("tenant", "create", "cli-content-scan")).stdout);
  const setting = async () =>
    (await sql`select otlp_scan_tags from sealog.tenants where tenant_id = ${created.tenant_id}`)[
      0
    ]!
      .otlp_scan_tags;
  assert.equal(await setting(), true, "on by default");
  const off = await task("tenant", "content-scan", created.tenant_id, "off");
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(JSON.parse(off.stdout), {
    tenant_id: created.tenant_id,
    otlp_scan_tags: false,
  });
  assert.equal(await setting(), false);
  assert.equal((await task("tenant", "content-scan", created.tenant_id, "on")).code, 0);
  assert.equal(await setting(), true);
});

test("key list for a tenant without keys prints nothing and exits 0 (an unknown tenant is an error above)", async () => {
  const created = JSON.parse((await task("tenant", "create", "cli-empty")).stdout);
  const [key] =
    await sql`select key_id from sealog.api_keys where tenant_id = ${created.tenant_id}`;
  await sql`delete from sealog.api_keys where key_id = ${key!.key_id}`;
  const empty = await task("key", "list", created.tenant_id);
  assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, "", ""]);
});

test("tenant unlock ends a password lockout of the hook tenant at once, with an audit row", async () => {
  const userId = crypto.randomUUID();
  for (let attempt = 1; attempt <= 10; attempt++) {
    await deliverHook(passwordAttempt(userId, false));
  }
  assert.equal((await deliverHook(passwordAttempt(userId, true))).body.decision, "reject");

  const unlocked = await task("tenant", "unlock", HOOK_TENANT_ID, userId);
  assert.equal(unlocked.code, 0, unlocked.stderr);
  assert.deepEqual(JSON.parse(unlocked.stdout), {
    tenant_id: HOOK_TENANT_ID,
    user_id: userId,
    unlocked: true,
  });
  assert.equal((await deliverHook(passwordAttempt(userId, true))).body.decision, "continue");
  const [audit] = await sql`
    select source, outcome from sealog.auth_events
     where tenant_id = ${HOOK_TENANT_ID} and user_id = ${userId} and type = 'account_unlocked'`;
  assert.deepEqual({ ...audit }, { source: "operator", outcome: "success" });
});
