/**
 * Operator erasure over real HTTP: the project's secret key erases a platform user by id or by
 * email (what self-service would), sees every request, and completes the Stripe tasks of the
 * outbox through sealog_admin, after which the outbox keeps no processor ids.
 */
import assert from "node:assert/strict";
import { call, createTenant, sql, test } from "../_support/stack.ts";
import { createUser, operatorKey, seedPlatformData } from "../_support/users.ts";

test("the operator erases a platform user by id, and completes the Stripe task", async () => {
  const user = await createUser();
  await seedPlatformData(user);
  const created = await call("/deletion-requests", {
    apiKey: operatorKey(),
    method: "POST",
    json: { subject: { user_id: user.userId } },
  });
  assert.equal(created.status, 202);
  assert.equal(created.body.status, "completed");
  const [left] = await sql`
    select (select count(*)::int from auth.users where id = ${user.userId}) as users,
           (select count(*)::int from public.sealog_profiles where id = ${user.userId}) as profiles`;
  assert.deepEqual({ ...left }, { users: 0, profiles: 0 });

  const status = await call(`/deletion-requests/${created.body.request_id}`, {
    apiKey: operatorKey(),
  });
  assert.equal(status.body.requested_by, "operator");
  const [task] = status.body.receipt.external_tasks;
  assert.equal(task.state, "pending");

  // A worker (or the operator) cancels the subscription at Stripe, then reports it.
  const [pending] = await sql`
    select stripe_subscription_id from sealog_admin.erasure_tasks() where task_id = ${task.task_id}`;
  assert.match(pending!.stripe_subscription_id, /^sub_/);
  const [finished] = await sql`
    select sealog_admin.finish_erasure_task(${task.task_id}, true) as state`;
  assert.equal(finished!.state, "completed");
  const [outbox] = await sql`
    select stripe_customer_id, stripe_subscription_id from sealog.erasure_outbox
     where task_id = ${task.task_id}`;
  assert.deepEqual({ ...outbox }, { stripe_customer_id: null, stripe_subscription_id: null });

  const after = await call(`/deletion-requests/${created.body.request_id}`, {
    apiKey: operatorKey(),
  });
  assert.equal(after.body.receipt.external_tasks[0].state, "completed");
  const { external_tasks: _tasks, ...stored } = after.body.receipt;
  const { external_tasks: _before, ...storedBefore } = status.body.receipt;
  assert.deepEqual(stored, storedBefore, "the rest of the receipt never changes");
});

test("the operator erases by email, including rows of someone who never signed up", async () => {
  const email = `waiting-${crypto.randomUUID()}@example.test`;
  await sql`
    insert into public.sealog_agent_waitlist (agent_id, email) values (${crypto.randomUUID()}, ${email.toUpperCase()})`;
  await sql`
    insert into public.sealog_interactions (agent_id, kind, email) values (${crypto.randomUUID()}, 'invite_sent', ${email})`;
  const created = await call("/deletion-requests", {
    apiKey: operatorKey(),
    method: "POST",
    json: { subject: { email } },
  });
  assert.equal(created.status, 202);
  const status = await call(`/deletion-requests/${created.body.request_id}`, {
    apiKey: operatorKey(),
  });
  assert.equal(status.body.receipt.subject.kind, "email");
  assert.equal(status.body.receipt.deleted["public.sealog_agent_waitlist"], 1);
  assert.equal(status.body.receipt.deleted["public.sealog_interactions"], 1);
  assert.equal(status.body.receipt.deleted["auth.users"], 0);
  assert.ok(!status.text.toLowerCase().includes(email.toLowerCase()));
  const [left] = await sql`
    select (select count(*)::int from public.sealog_agent_waitlist where lower(email) = ${email}) +
           (select count(*)::int from public.sealog_interactions where email = ${email}) as n`;
  assert.equal(left!.n, 0);
});

test("by email, the operator erases the account that has that address", async () => {
  const user = await createUser();
  const created = await call("/deletion-requests", {
    apiKey: operatorKey(),
    method: "POST",
    json: { subject: { email: user.email.toUpperCase() } },
  });
  assert.equal(created.body.status, "completed");
  const [left] = await sql`select count(*)::int as n from auth.users where id = ${user.userId}`;
  assert.equal(left!.n, 0);
});

test("the operator sees requests of users and tenants; cannot erase a tenant's end user", async () => {
  const user = await createUser();
  const tenant = await createTenant();
  const byUser = await call("/deletion-requests", { apiKey: user.accessToken, method: "POST" });
  const byTenant = await call("/deletion-requests", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: { subject: { end_user_id: "someone" } },
  });
  for (const created of [byUser, byTenant]) {
    const status = await call(`/deletion-requests/${created.body.request_id}`, {
      apiKey: operatorKey(),
    });
    assert.equal(status.status, 200);
  }
  const endUser = await call("/deletion-requests", {
    apiKey: operatorKey(),
    method: "POST",
    json: { subject: { end_user_id: "someone" } },
  });
  assert.equal(endUser.status, 403);
  assert.equal(endUser.body.code, "subject_not_allowed");
  const bare = await call("/deletion-requests", { apiKey: operatorKey(), method: "POST" });
  assert.equal(bare.status, 422, "the operator must name a subject");
});

test("a wrong secret key is nobody: 401", async () => {
  const wrong = `${operatorKey().slice(0, -4)}AAAA`;
  const response = await call("/deletion-requests", {
    apiKey: wrong,
    method: "POST",
    json: { subject: { user_id: crypto.randomUUID() } },
  });
  assert.equal(response.status, 401);
  assert.equal(response.body.code, "unauthorized");
});
