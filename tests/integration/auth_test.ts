/**
 * Bearer authentication over real HTTP: missing, malformed, unknown, revoked and expired
 * keys get the same 401 body; a key without the route's scope gets 403; the tenant comes
 * only from the key; the static token map authenticates as its tenant.
 */
import assert from "node:assert/strict";
import { call, createTenant, sql, test } from "../_support/stack.ts";

/** A problem body without its per-request id, to compare bodies across requests. */
function withoutRequestId(body: Record<string, unknown>) {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}

test("whoami returns the key's tenant, prefix and scopes", async () => {
  const tenant = await createTenant({ scopes: ["ingest"] });
  const response = await call("/ingest/whoami", { apiKey: tenant.apiKey });
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, {
    tenant_id: tenant.tenantId,
    key_prefix: tenant.apiKey.slice(0, 13),
    scopes: ["ingest"],
  });
  assert.match(response.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  // JSON data, not prose: no language; a 401 says "en" for its title and detail.
  assert.equal(response.headers.get("Content-Language"), null);
});

test("missing, malformed, unknown, revoked and expired keys all get the same 401 body", async () => {
  const revoked = await createTenant();
  await sql`select sealog_admin.revoke_key(${revoked.keyId}::uuid)`;
  const expired = await createTenant({ expiresAt: new Date(Date.now() - 1000).toISOString() });
  const disabled = await createTenant();
  await sql`update sealog.tenants set disabled_at = now() where tenant_id = ${disabled.tenantId}`;

  const attempts: Record<string, Record<string, string>> = {
    missing: {},
    "not bearer": { Authorization: `Basic ${btoa("a:b")}` },
    malformed: { Authorization: "Bearer short" },
    "bad characters": { Authorization: "Bearer slg_live_ab!cd$efgh%ijklmnop" },
    unknown: { Authorization: `Bearer slg_live_${"A".repeat(43)}` },
    revoked: { Authorization: `Bearer ${revoked.apiKey}` },
    expired: { Authorization: `Bearer ${expired.apiKey}` },
    "disabled tenant": { Authorization: `Bearer ${disabled.apiKey}` },
  };
  const bodies = new Map<string, unknown>();
  for (const [name, headers] of Object.entries(attempts)) {
    const response = await call("/ingest/whoami", { headers });
    assert.equal(response.status, 401, name);
    assert.equal(response.headers.get("Content-Type"), "application/problem+json", name);
    assert.equal(response.headers.get("WWW-Authenticate"), 'Bearer realm="sealog"', name);
    assert.equal(response.headers.get("Content-Language"), "en", name);
    assert.equal(response.body.request_id, response.headers.get("X-Request-Id"), name);
    bodies.set(name, withoutRequestId(response.body));
  }
  const distinct = new Set([...bodies.values()].map((body) => JSON.stringify(body)));
  assert.equal(distinct.size, 1, "every 401 body is identical");
  assert.equal(
    bodies.get("missing") && (bodies.get("missing") as { code: string }).code,
    "unauthorized",
  );
});

test("a key without the route's scope gets 403 with one body", async () => {
  const tenant = await createTenant({ scopes: ["privacy"] });
  const first = await call("/ingest/sessions/s-1", { apiKey: tenant.apiKey });
  const second = await call("/ingest", {
    apiKey: tenant.apiKey,
    method: "POST",
    json: { events: [{}] },
  });
  assert.equal(first.status, 403);
  assert.equal(second.status, 403);
  assert.equal(first.body.code, "insufficient_scope");
  assert.deepEqual(withoutRequestId(first.body), withoutRequestId(second.body));
});

test("the tenant comes from the key, never from headers, query or body", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const response = await call(`/ingest/whoami?tenant_id=${other.tenantId}`, {
    apiKey: tenant.apiKey,
    headers: { "X-Tenant-Id": other.tenantId },
  });
  assert.equal(response.status, 200);
  assert.equal(response.body.tenant_id, tenant.tenantId);
});

test("a token from SEALOG_TENANT_TOKEN_MAP authenticates as its tenant", async () => {
  const token = Deno.env.get("SEALOG_TEST_STATIC_TOKEN");
  const tenantId = Deno.env.get("SEALOG_TEST_STATIC_TENANT");
  assert.ok(token && tenantId, "scripts/test.sh sets the static token map");
  const response = await call("/ingest/whoami", { apiKey: token });
  assert.equal(response.status, 200);
  assert.equal(response.body.tenant_id, tenantId);
  // One character off is an unknown key.
  const wrong = await call("/ingest/whoami", {
    apiKey: token.slice(0, -1) + (token.endsWith("0") ? "1" : "0"),
  });
  assert.equal(wrong.status, 401);
});

test("a key's last-use write in flight holds up none of its other requests", async () => {
  const tenant = await createTenant();
  assert.equal((await call("/ingest/whoami", { apiKey: tenant.apiKey })).status, 200);
  await sql`update sealog.api_keys set last_used_at = now() - interval '2 minutes'
             where key_id = ${tenant.keyId}`;
  // The key's row locked as a request writing its last use holds it, until that one commits.
  const held = sql.reserve();
  const connection = await held;
  try {
    await connection`begin`;
    await connection`select 1 from sealog.api_keys where key_id = ${tenant.keyId} for update`;
    const timeout = new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 5000));
    const admitted = call("/ingest/whoami", { apiKey: tenant.apiKey }).then((r) => r.status);
    assert.equal(await Promise.race([admitted, timeout]), 200);
  } finally {
    await connection`rollback`;
    connection.release();
  }
  // The holder here wrote nothing, so the next request writes the last use.
  assert.equal((await call("/ingest/whoami", { apiKey: tenant.apiKey })).status, 200);
  const [key] = await sql`
    select last_used_at > now() - interval '1 minute' as recent
      from sealog.api_keys where key_id = ${tenant.keyId}`;
  assert.equal(key!.recent, true);
});

test("a successful request records last_used_at; keys are stored only as digests", async () => {
  const tenant = await createTenant();
  await call("/ingest/whoami", { apiKey: tenant.apiKey });
  const [key] = await sql`
    select last_used_at, encode(key_digest, 'hex') as digest, display_prefix
      from sealog.api_keys where key_id = ${tenant.keyId}`;
  assert.ok(key!.last_used_at instanceof Date);
  assert.equal(key!.display_prefix, tenant.apiKey.slice(0, 13));
  const expected = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(tenant.apiKey))),
  ).map((byte) => byte.toString(16).padStart(2, "0")).join("");
  assert.equal(key!.digest, expected);
  const [plain] = await sql`
    select count(*)::int as n from sealog.api_keys k
     where position(${tenant.apiKey}::bytea in k.key_digest) > 0 or k.label = ${tenant.apiKey}`;
  assert.equal(plain!.n, 0);
});
