/**
 * No call is sent behind another on one connection. A transaction pooler (Supavisor, PgBouncer)
 * may hand the server connection to another client at a call's ReadyForQuery while the next
 * call's bytes are on their way, and the backend then reads a message from its middle
 * (`FATAL: invalid frontend message type`). So, with more requests than connections, a relay
 * between the functions and the pooler sees at most one call outstanding per connection, and
 * every request gets its answer.
 */
import assert from "node:assert/strict";
import { startFunctionsServer } from "../_support/functions_server.ts";
import { createTenant, test } from "../_support/stack.ts";
import { telemetryEvent } from "../_support/events.ts";
import { relayedDatabaseUrl } from "../_support/pooler_relay.ts";

test("more concurrent requests than connections: one call at a time on each", async () => {
  const { relay, url } = relayedDatabaseUrl();
  const server = await startFunctionsServer({ SEALOG_DB_URL: url, SEALOG_DB_POOL_SIZE: "2" });
  try {
    const tenant = await createTenant();
    const call = async (path: string, key: string, events?: unknown[]) => {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: events ? "POST" : "GET",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: events ? JSON.stringify({ events }) : undefined,
      });
      await response.body?.cancel();
      return response.status;
    };
    const unknownKey = `slg_live_${"D".repeat(43)}`;
    // Each kind of call: key checks, refused keys, and ingest over two sessions and over one
    // (either grouped when it waits).
    const statuses = await Promise.all(Array.from({ length: 96 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return call("/ingest/whoami", tenant.apiKey);
        case 1:
          return call("/ingest/whoami", unknownKey);
        case 2:
          return call("/ingest", tenant.apiKey, [
            telemetryEvent({ session_id: `a-${i}` }),
            telemetryEvent({ session_id: `b-${i}` }),
          ]);
        default:
          return call("/ingest", tenant.apiKey, [telemetryEvent({ session_id: `c-${i}` })]);
      }
    }));

    assert.deepEqual(statuses, Array(24).fill([200, 401, 200, 200]).flat());
    assert.ok(relay.state.connections <= 2, `${relay.state.connections} connections`);
    assert.equal(relay.state.mostOutstanding, 1, "calls outstanding at once on one connection");
  } finally {
    await server.stop();
    await relay.close();
  }
});
