/**
 * The grace period, with the function app run in this process under
 * SEALOG_ERASURE_GRACE=7 days against the test database (the served functions run with the
 * default, 0). Time is never waited for: a due request is made due by moving scheduled_for
 * in SQL, and the erasure pg_cron runs every minute is called directly.
 */
import assert from "node:assert/strict";
import { sql, test } from "../_support/stack.ts";
import { createUser, seedPlatformData } from "../_support/users.ts";

Deno.env.set("SEALOG_ERASURE_GRACE", "7 days");
const { app } = await import("../../supabase/functions/deletion-requests/app.ts");

async function request(path: string, token: string, method = "GET") {
  const response = await app.request(`/deletion-requests${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: await response.json() };
}

const profileCount = async (userId: string) =>
  (await sql`select count(*)::int as n from public.sealog_profiles where id = ${userId}`)[0]!.n;

test("within the grace period nothing is erased, a second request returns the first, and DELETE cancels", async () => {
  const user = await createUser();
  await seedPlatformData(user);

  const created = await request("", user.accessToken, "POST");
  assert.equal(created.status, 202);
  assert.equal(created.body.status, "pending");
  const [grace] = await sql`
    select scheduled_for - requested_at = interval '7 days' as seven_days
      from sealog.deletion_requests where request_id = ${created.body.request_id}`;
  assert.ok(grace!.seven_days, "scheduled for the end of the grace period");
  assert.equal(await profileCount(user.userId), 1, "nothing is erased yet");

  const again = await request("", user.accessToken, "POST");
  assert.equal(again.status, 202);
  assert.equal(again.body.request_id, created.body.request_id);

  const cancelled = await request(`/${created.body.request_id}`, user.accessToken, "DELETE");
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, "cancelled");
  assert.ok(cancelled.body.cancelled_at);
  const repeated = await request(`/${created.body.request_id}`, user.accessToken, "DELETE");
  assert.equal(repeated.status, 200);
  assert.equal(repeated.body.cancelled_at, cancelled.body.cancelled_at);

  // A cancelled request forgets whom it was about; the person's data is untouched.
  const [subject] = await sql`
    select count(*)::int as n from sealog.deletion_request_subjects
     where request_id = ${created.body.request_id}`;
  assert.equal(subject!.n, 0);
  assert.equal(await profileCount(user.userId), 1);
  // Nothing runs it later either.
  await sql`select sealog.run_due_erasures(now() + interval '8 days')`;
  assert.equal(await profileCount(user.userId), 1);
});

test("past the grace period a request cannot be cancelled; it is erased once, idempotently", async () => {
  const user = await createUser();
  await seedPlatformData(user);
  const created = await request("", user.accessToken, "POST");
  assert.equal(created.body.status, "pending");
  const id = created.body.request_id;

  // The grace period ends.
  await sql`
    update sealog.deletion_requests set scheduled_for = now() - interval '1 second'
     where request_id = ${id}`;
  const late = await request(`/${id}`, user.accessToken, "DELETE");
  assert.equal(late.status, 409);
  assert.equal(late.body.code, "deletion_request_not_cancellable");

  // What pg_cron runs every minute (it may also have got there first: the outcome is the same).
  await sql`select sealog.run_due_erasures()`;
  const done = await request(`/${id}`, user.accessToken);
  assert.equal(done.status, 200);
  assert.equal(done.body.status, "completed");
  assert.equal(done.body.receipt.deleted["public.sealog_profiles"], 1);
  assert.equal(await profileCount(user.userId), 0);

  // Running the erasure again changes nothing, and the receipt stays the same.
  const [rerun] = await sql`
    select sealog.erase_subject(${id}::uuid) = receipt as same, receipt
      from sealog.deletion_requests where request_id = ${id}`;
  assert.ok(rerun!.same);
  await sql`select sealog.run_due_erasures()`;
  const after = await request(`/${id}`, user.accessToken);
  assert.deepEqual(after.body, done.body);

  const cancelDone = await request(`/${id}`, user.accessToken, "DELETE");
  assert.equal(cancelDone.status, 409, "a completed request cannot be cancelled");
});

test("SEALOG_ERASURE_GRACE accepts 0 or a duration of at most 30 days, and names a bad value", async () => {
  const script =
    `import { config } from "./supabase/functions/_shared/config.ts"; console.log(config().SEALOG_ERASURE_GRACE);`;
  const grace = async (value: string | undefined) => {
    const env: Record<string, string> = {
      HOME: Deno.env.get("HOME") ?? "/root",
      SUPABASE_DB_URL: "postgresql://127.0.0.1:1/none",
    };
    const denoDir = Deno.env.get("DENO_DIR");
    if (denoDir) env.DENO_DIR = denoDir;
    if (value !== undefined) env.SEALOG_ERASURE_GRACE = value;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      cwd: new URL("../../", import.meta.url).pathname,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    return {
      code,
      out: new TextDecoder().decode(stdout).trim(),
      err: new TextDecoder().decode(stderr),
    };
  };
  assert.equal((await grace(undefined)).out, "0", "default: immediate");
  assert.equal((await grace("0")).out, "0");
  assert.equal((await grace("7 days")).out, String(7 * 86_400));
  assert.equal((await grace("12 hours")).out, String(12 * 3600));
  assert.equal((await grace("30 days")).out, String(30 * 86_400));
  for (const bad of ["7", "-1 day", "31 days", "soon", "7 fortnights"]) {
    const result = await grace(bad);
    assert.notEqual(result.code, 0, bad);
    assert.match(result.err, /SEALOG_ERASURE_GRACE/, bad);
  }
});

test("without the settings it needs the function still starts, and answers not_configured", async () => {
  // The app, in a process without SUPABASE_JWKS and SEALOG_PSEUDONYM_KEY (and no database).
  const script = `
    const { app } = await import("./supabase/functions/deletion-requests/app.ts");
    const token = Deno.args[0];
    const user = await app.request("/deletion-requests", { method: "POST", headers: { Authorization: "Bearer " + token } });
    console.log(JSON.stringify([user.status, (await user.json()).code]));`;
  const user = await createUser();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script, user.accessToken],
    cwd: new URL("../../", import.meta.url).pathname,
    env: {
      HOME: Deno.env.get("HOME") ?? "/root",
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
      SUPABASE_DB_URL: "postgresql://127.0.0.1:1/none",
      SUPABASE_URL: "http://127.0.0.1:1",
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const [status, problem] = JSON.parse(new TextDecoder().decode(stdout));
  assert.deepEqual([status, problem], [500, "not_configured"]);
  assert.match(new TextDecoder().decode(stderr), /"setting":"SUPABASE_JWKS"/);
  assert.doesNotMatch(new TextDecoder().decode(stderr), new RegExp(user.accessToken));
});
