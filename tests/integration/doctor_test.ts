/**
 * deno task doctor, against the local stack: healthy, and against each misconfiguration it
 * claims to detect (functions logged in as postgres, a missing pseudonym key, a migration not
 * applied, a failed pg_cron run, advisor warnings, a bad key). It never prints a secret.
 */
import assert from "node:assert/strict";
import { databaseUrl, startFunctionsServer } from "../_support/functions_server.ts";
import { BASE_URL, createTenant, sql, test } from "../_support/stack.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const dbPort = Deno.env.get("SEALOG_DB_PORT") ?? "54332";
const operatorPassword = Deno.env.get("SEALOG_DB_PASSWORD") ?? "postgres";

async function doctor(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-run",
      "--allow-sys",
      `${ROOT}cli/tasks/doctor.ts`,
      ...args,
    ],
    cwd: options.cwd ?? ROOT,
    env: { SUPABASE_DB_URL: "", ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  // (The local operator password is the word "postgres", which the output may name as a role.)
  const secrets = [
    "SEALOG_PSEUDONYM_KEY",
    "SEALOG_FUNCTIONS_DB_PASSWORD",
    "SEALOG_AUTH_HOOK_SECRET",
  ]
    .map((name) => Deno.env.get(name) ?? "x".repeat(64));
  for (const secret of secrets) {
    assert.ok(!out.includes(secret), "doctor never prints a secret");
  }
  return { code, out };
}

const failed = (out: string) => out.split("\n").filter((line) => line.startsWith("FAIL"));

test("doctor: a healthy stack passes every check", async () => {
  const tenant = await createTenant();
  const { code, out } = await doctor([
    "--functions-url",
    BASE_URL,
    "--key",
    tenant.apiKey,
    "--origin",
    "https://app.example.test",
  ]);
  assert.deepEqual(failed(out), [], out);
  assert.equal(code, 0, out);
  assert.equal(out.split("\n").filter((line) => line.startsWith("PASS")).length, 10, out);
});

test("doctor: functions logged in as postgres fail the role check", async () => {
  const url = `postgresql://postgres:${operatorPassword}@127.0.0.1:${dbPort}/postgres`;
  const server = await startFunctionsServer({ SEALOG_DB_URL: url });
  try {
    const { code, out } = await doctor(["--functions-url", server.baseUrl, "--skip-advisors"]);
    assert.equal(code, 1);
    assert.deepEqual(failed(out), [
      "FAIL  the functions reach the database as sealog_functions: the request ran as postgres",
      // The probe reaches the database, which refuses the privileged login.
      "FAIL  SEALOG_PSEUDONYM_KEY is set: unexpected HTTP 500 database_misconfigured",
    ]);
    assert.match(out, /fix: point SEALOG_DB_URL at sealog_functions/);
  } finally {
    await server.stop();
    // The shared test database must pass the SOC 2 report again (pgTAP 39).
    // Doctor's requests only (another test checks its own postgres row meanwhile).
    await sql`delete from sealog.api_access_log
               where db_role = 'postgres'
                 and path in ('/ingest/whoami', '/deletion-requests', '/auth-events')`;
  }
});

test("doctor: functions connected straight to the database fail the pooler check", async () => {
  // The functions' own login, but on PostgreSQL's port instead of the pooler's.
  const server = await startFunctionsServer({ SEALOG_DB_URL: databaseUrl({ port: dbPort }) });
  try {
    const { code, out } = await doctor(["--functions-url", server.baseUrl, "--skip-advisors"]);
    assert.equal(code, 1);
    assert.deepEqual(failed(out).map((line) => line.replace(/\d+ connection/, "N connection")), [
      "FAIL  the functions reach the database through the transaction pooler: N connection(s) straight to the database",
    ]);
    assert.match(out, /fix: point SEALOG_DB_URL at the transaction pooler/);
  } finally {
    await server.stop();
  }
});

test("doctor: a missing SEALOG_PSEUDONYM_KEY fails, with the command that sets it", async () => {
  const server = await startFunctionsServer({}, ["SEALOG_PSEUDONYM_KEY"]);
  try {
    const { code, out } = await doctor(["--functions-url", server.baseUrl, "--skip-advisors"]);
    assert.equal(code, 1);
    assert.deepEqual(failed(out), ["FAIL  SEALOG_PSEUDONYM_KEY is set: not set"]);
    assert.match(out, /fix: supabase secrets set SEALOG_PSEUDONYM_KEY=/);
  } finally {
    await server.stop();
  }
});

test("doctor: a migration not applied, a failed pg_cron run, advisor warnings and a bad key fail", async () => {
  // A checkout one migration ahead of the database.
  const checkout = await Deno.makeTempDir();
  await Deno.mkdir(`${checkout}/supabase/migrations`, { recursive: true });
  for (const entry of Deno.readDirSync(`${ROOT}supabase/migrations`)) {
    await Deno.copyFile(
      `${ROOT}supabase/migrations/${entry.name}`,
      `${checkout}/supabase/migrations/${entry.name}`,
    );
  }
  await Deno.writeTextFile(
    `${checkout}/supabase/migrations/20991231000000_not_applied.sql`,
    "select 1;\n",
  );
  const [job] = await sql`select jobid from cron.job where jobname = 'sealog-purge-api-access-log'`;
  const [run] = await sql`
    insert into cron.job_run_details (jobid, runid, job_pid, database, username, command, status, start_time, end_time)
    values (${
    job!.jobid
  }, nextval('cron.runid_seq'), 0, 'postgres', 'postgres', 'select 1', 'failed', now() + interval '1 day', now() + interval '1 day')
    returning runid`;
  try {
    const { code, out } = await doctor(
      ["--functions-url", BASE_URL, "--key", "slg_live_not-a-key"],
      { cwd: checkout, env: { SUPABASE_CLI: "false" } },
    );
    assert.equal(code, 1);
    assert.deepEqual(failed(out), [
      "FAIL  migrations are at head: 1 not applied (first 20991231000000)",
      "FAIL  pg_cron jobs exist and their last runs succeeded: last run failed: sealog-purge-api-access-log",
      "FAIL  whoami works with the key: HTTP 401 unauthorized",
      "FAIL  supabase db advisors is clean: warnings found",
    ]);
  } finally {
    await sql`delete from cron.job_run_details where runid = ${run!.runid}`;
    await Deno.remove(checkout, { recursive: true });
  }
});

test("doctor: bad arguments get one line and a non-zero exit", async () => {
  const { code, out } = await doctor(["--bogus"]);
  assert.equal(code, 2);
  assert.match(out, /^error: unknown option --bogus; see deno task doctor --help\n$/);
  assert.doesNotMatch(out, /at .*\.ts:\d+/);
});
