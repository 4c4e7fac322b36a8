/**
 * Every access-log row records who called (tenant key, static token, user, operator, hook,
 * or none), the caller's organisation (the tenant), the database role that ran the request
 * (the functions' least-privileged login), and the client address from the header the
 * gateway sets: a forged X-Forwarded-For, or a forged copy of that header, is not recorded.
 */
import assert from "node:assert/strict";
import { customAccessToken, deliverHook, HOOK_TENANT_ID } from "../_support/auth_hooks.ts";
import { accessLogRows, call, createTenant, test } from "../_support/stack.ts";
import { createUser, operatorKey } from "../_support/users.ts";

const FORGED = { "X-Forwarded-For": "203.0.113.9, 10.0.0.1", "cf-connecting-ip": "198.51.100.7" };

async function loggedRow(response: { headers: Headers }) {
  const rows = await accessLogRows(response.headers.get("X-Request-Id"));
  assert.equal(rows.length, 1);
  return rows[0]!;
}

function assertCommon(row: Record<string, unknown>) {
  assert.equal(row.db_role, "sealog_functions", "the request ran as the functions' login");
  assert.equal(row.client_ip, "127.0.0.1", "the gateway's address, never a forged header");
}

test("a tenant key: kind tenant_key, the key's tenant, and a forged X-Forwarded-For is not recorded", async () => {
  const tenant = await createTenant();
  const response = await call("/ingest/whoami", { apiKey: tenant.apiKey, headers: FORGED });
  assert.equal(response.status, 200);
  const row = await loggedRow(response);
  assertCommon(row);
  assert.equal(row.caller_kind, "tenant_key");
  assert.equal(row.tenant_id, tenant.tenantId);
});

test("no credential: kind none, no tenant", async () => {
  const response = await call("/ingest/whoami", { headers: FORGED });
  assert.equal(response.status, 401);
  const row = await loggedRow(response);
  assertCommon(row);
  assert.equal(row.caller_kind, "none");
  assert.equal(row.tenant_id, null);
});

test("a static token: kind static_token and the mapped tenant", async () => {
  const response = await call("/ingest/whoami", {
    apiKey: Deno.env.get("SEALOG_TEST_STATIC_TOKEN"),
    headers: FORGED,
  });
  assert.equal(response.status, 200);
  const row = await loggedRow(response);
  assertCommon(row);
  assert.equal(row.caller_kind, "static_token");
  assert.equal(row.tenant_id, Deno.env.get("SEALOG_TEST_STATIC_TENANT"));
});

test("the operator and a user: kinds operator and user", async () => {
  const missing = `/deletion-requests/${crypto.randomUUID()}`;
  const operator = await call(missing, { apiKey: operatorKey(), headers: FORGED });
  assert.equal(operator.status, 404);
  const operatorRow = await loggedRow(operator);
  assertCommon(operatorRow);
  assert.equal(operatorRow.caller_kind, "operator");

  const user = await createUser();
  const byUser = await call(missing, { apiKey: user.accessToken, headers: FORGED });
  assert.equal(byUser.status, 404);
  const userRow = await loggedRow(byUser);
  assertCommon(userRow);
  assert.equal(userRow.caller_kind, "user");
  assert.equal(userRow.user_id, user.userId);
});

test("a Supabase Auth hook: kind hook and the hook tenant", async () => {
  const response = await deliverHook(customAccessToken(crypto.randomUUID()), { headers: FORGED });
  assert.equal(response.status, 200);
  const row = await loggedRow(response);
  assertCommon(row);
  assert.equal(row.caller_kind, "hook");
  assert.equal(row.tenant_id, HOOK_TENANT_ID);
});
