/**
 * One round trip per API call (a decision of the product): a relay between a functions server
 * and the pooler records what the functions send, split into flights (everything sent before
 * the next reply). Each request must be exactly one flight, one extended-protocol run from
 * Parse to Sync. postgres.js's describe-first path for statements with parameters (Parse,
 * Describe, Flush; then Bind, Execute, Sync once the types came back) makes two.
 */
import assert from "node:assert/strict";
import { startFunctionsServer } from "../_support/functions_server.ts";
import { createTenant, test } from "../_support/stack.ts";
import { telemetryEvent } from "../_support/events.ts";
import { flightMessages, relayedDatabaseUrl } from "../_support/pooler_relay.ts";

test("every API call reaches the pooler in one flight, Parse to Sync", async () => {
  const { relay, url } = relayedDatabaseUrl();
  const server = await startFunctionsServer({
    SEALOG_DB_URL: url,
    SEALOG_DB_POOL_SIZE: "1",
  });
  try {
    const tenant = await createTenant();
    const whoami = () =>
      fetch(`${server.baseUrl}/ingest/whoami`, {
        headers: { Authorization: `Bearer ${tenant.apiKey}` },
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    // The connection's startup and authentication are flights too: done before recording.
    assert.equal((await whoami()).status, 200);

    relay.state.recording = true;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await whoami()).status);
      const ingest = await fetch(`${server.baseUrl}/ingest`, {
        method: "POST",
        headers: { Authorization: `Bearer ${tenant.apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({ events: [telemetryEvent()] }),
      });
      await ingest.body?.cancel();
      statuses.push(ingest.status);
      const unknown = await fetch(`${server.baseUrl}/ingest/whoami`, {
        headers: { Authorization: `Bearer slg_live_${"C".repeat(43)}` },
      });
      await unknown.body?.cancel();
      statuses.push(unknown.status);
    }
    relay.state.recording = false;

    assert.deepEqual(statuses, Array(4).fill([200, 200, 401]).flat());
    assert.equal(relay.state.connections, 1);
    assert.equal(relay.state.flights.length, statuses.length, "one flight per request");
    for (const flight of relay.state.flights) {
      assert.deepEqual(flightMessages(flight.bytes), ["P", "D", "B", "E", "S"]);
    }
  } finally {
    await server.stop();
    await relay.close();
  }
});
