/**
 * The connection budget holds: several function-server processes (instances), each with a
 * client pool larger than its share, under 64 concurrent clients apiece, never hold more
 * server connections for the functions' login than the pooler's pool size, and every
 * request succeeds (the pooler queues, it does not refuse).
 */
import assert from "node:assert/strict";
import { APPLICATION_NAME } from "../../supabase/functions/_shared/db.ts";
import { startFunctionsServer } from "../_support/functions_server.ts";
import { createTenant, sql, test } from "../_support/stack.ts";

const PROCESSES = 4;
const CLIENTS_PER_PROCESS = 64;
const REQUESTS_PER_CLIENT = 8;
// More client connections in total (4 × 8 = 32) than the pooler may open to the database.
const INSTANCE_POOL = 8;
const POOL_SIZE = Number(Deno.env.get("SEALOG_POOLER_POOL_SIZE") ?? "20");

test("4 instances × 64 clients: the functions' login never exceeds the pooler's pool, no request fails", async () => {
  assert.ok(PROCESSES * INSTANCE_POOL > POOL_SIZE, "the instances ask for more than the pool");
  const tenant = await createTenant({ ratePerSecond: 100_000, burst: 100_000 });
  const servers = await Promise.all(
    Array.from(
      { length: PROCESSES },
      () => startFunctionsServer({ SEALOG_DB_POOL_SIZE: String(INSTANCE_POOL) }),
    ),
  );
  let sampling = true;
  let peak = 0;
  const sampler = (async () => {
    while (sampling) {
      // The pooler's server connections only: it names them (application_name_add_host), while
      // a test running alongside may connect the login straight to the database, under the
      // functions' own name (doctor_test.ts), which the pool does not count.
      const [row] = await sql`
        select count(*)::int as n from pg_stat_activity
         where usename = 'sealog_functions' and application_name <> ${APPLICATION_NAME}`;
      peak = Math.max(peak, row!.n);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const statuses = new Map<number, number>();
  try {
    await Promise.all(
      servers.flatMap((server) =>
        Array.from({ length: CLIENTS_PER_PROCESS }, async () => {
          for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
            const response = await fetch(`${server.baseUrl}/ingest/whoami`, {
              headers: { Authorization: `Bearer ${tenant.apiKey}` },
              signal: AbortSignal.timeout(30_000),
            });
            await response.body?.cancel();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          }
        })
      ),
    );
  } finally {
    sampling = false;
    await sampler;
    await Promise.all(servers.map((server) => server.stop()));
  }
  const total = PROCESSES * CLIENTS_PER_PROCESS * REQUESTS_PER_CLIENT;
  assert.deepEqual(Object.fromEntries(statuses), { 200: total }, "every request succeeded");
  assert.ok(peak > 0, "the sampler saw the pooler's server connections");
  assert.ok(peak <= POOL_SIZE, `peak ${peak} server connections, pool size ${POOL_SIZE}`);
  console.log(`connection budget: ${total} requests, peak ${peak} of ${POOL_SIZE} connections`);
});
