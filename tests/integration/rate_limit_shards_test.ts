/**
 * The per-tenant rate limit without a tenant-wide lock: a request locks one shard of its
 * tenant's bucket until it commits, so the tenant's other requests take other shards, and
 * the shards' tokens still add up to exactly the burst (README "Rate limits").
 */
import assert from "node:assert/strict";
import { call, createTenant, sql, test } from "../_support/stack.ts";

test("a tenant's request is not held up by its requests in flight, while one shard is free", async () => {
  const tenant = await createTenant({ ratePerSecond: 1000, burst: 2000 });
  assert.equal((await call("/ingest/whoami", { apiKey: tenant.apiKey })).status, 200);
  const reserved = "00000000-0000-0000-0000-000000000000";
  // 15 of the 16 shards of the tenant, and of the reserved bucket of unknown keys, held by
  // "requests in flight" (an open transaction) while new requests arrive.
  const held = sql.reserve();
  const connection = await held;
  try {
    await connection`begin`;
    await connection`
      select 1 from sealog.rate_limit_buckets
       where tenant_id in (${tenant.tenantId}, ${reserved}) and shard < 15
         for update`;
    const timeout = new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 5000));
    const admitted = Promise.all([
      call("/ingest/whoami", { apiKey: tenant.apiKey }),
      call("/ingest/whoami", { apiKey: `slg_live_${"q".repeat(43)}` }),
    ]).then((responses) => responses.map((response) => response.status));
    assert.deepEqual(await Promise.race([admitted, timeout]), [200, 401]);
  } finally {
    await connection`rollback`;
    connection.release();
  }
});

test("a fresh tenant's concurrent first requests are all admitted while its shards are created", async () => {
  const tenant = await createTenant({ ratePerSecond: 1000, burst: 2000 });
  const responses = await Promise.all(
    Array.from({ length: 40 }, () => call("/ingest/whoami", { apiKey: tenant.apiKey })),
  );
  assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
});

test("N concurrent requests against a burst of M admit at most M plus what refills meanwhile", async () => {
  const burst = 50;
  const tenant = await createTenant({ ratePerSecond: 1, burst });
  const started = performance.now();
  const responses = await Promise.all(
    Array.from({ length: 200 }, () => call("/ingest/whoami", { apiKey: tenant.apiKey })),
  );
  const seconds = (performance.now() - started) / 1000;
  const admitted = responses.filter((response) => response.status === 200).length;
  // Tolerance: none beyond the refill, 1 token/s here; a request is refused only when every
  // shard is empty, so no fewer than the burst either.
  assert.ok(admitted >= burst && admitted <= burst + Math.ceil(seconds), `admitted ${admitted}`);
  assert.equal(responses.filter((response) => response.status === 429).length, 200 - admitted);
  const [sum] = await sql`
    select count(*)::int as shards, sum(tokens) < 1 + ${seconds}::float8 as empty
      from sealog.rate_limit_buckets where tenant_id = ${tenant.tenantId}`;
  assert.deepEqual(sum, { shards: 16, empty: true });
});

test("when every shard with a token is held, a request waits for one, then takes what is left", async () => {
  // 16 shards of 2 tokens, refilled at 1/16 token per second each.
  const tenant = await createTenant({ ratePerSecond: 1, burst: 32 });
  assert.equal((await call("/ingest/whoami", { apiKey: tenant.apiKey })).status, 200);
  const connection = await sql.reserve();
  let settled = false;
  try {
    // A "request in flight" holds every shard and empties all but shard 7 before it commits.
    await connection`begin`;
    await connection`
      update sealog.rate_limit_buckets set tokens = 0, refilled_at = now()
       where tenant_id = ${tenant.tenantId} and shard <> 7`;
    await connection`
      update sealog.rate_limit_buckets set tokens = 2, refilled_at = now()
       where tenant_id = ${tenant.tenantId} and shard = 7`;
    const pending = call("/ingest/whoami", { apiKey: tenant.apiKey }).then((response) => {
      settled = true;
      return response;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(settled, false, "answered while every shard was held");
    await connection`commit`;
    const response = await pending;
    assert.equal(response.status, 200);
  } finally {
    await connection`rollback`;
    connection.release();
  }
  // Its token came from shard 7, the only one the holder left with any.
  const left = await sql`
    select shard, tokens < 2 as taken from sealog.rate_limit_buckets
     where tenant_id = ${tenant.tenantId} and tokens >= 1`;
  assert.deepEqual([...left], [{ shard: 7, taken: true }]);
});
