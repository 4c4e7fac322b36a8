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

type Flight = { bytes: number[] };

/** A TCP relay to the pooler that records the client's flights while `recording` is on. */
function startRelay(upstream: { hostname: string; port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const state = { recording: false, flights: [] as Flight[], connections: 0 };
  let lastFromClient = false;
  const pipe = async (
    from: Deno.Conn,
    to: Deno.Conn,
    side: "client" | "server",
  ) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        const chunk = buffer.subarray(0, n);
        if (side === "client" && state.recording) {
          if (!lastFromClient) state.flights.push({ bytes: [] });
          state.flights.at(-1)!.bytes.push(...chunk);
        }
        lastFromClient = side === "client";
        await to.write(chunk);
      }
    } catch { /* either side closed */ }
    try {
      to.close();
    } catch { /* already closed */ }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      state.connections++;
      const server = await Deno.connect(upstream);
      pipe(client, server, "client");
      pipe(server, client, "server");
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    port,
    state,
    close: async () => {
      listener.close();
      await accepting;
    },
  };
}

/** The protocol messages of one flight: type byte and length (Int32, including itself). */
function messages(bytes: number[]): string[] {
  const types: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const length = (bytes[at + 1]! << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) |
      bytes[at + 4]!;
    types.push(String.fromCharCode(bytes[at]!));
    at += 1 + length;
  }
  return types;
}

test("every API call reaches the pooler in one flight, Parse to Sync", async () => {
  const url = new URL(Deno.env.get("SEALOG_DB_URL")!);
  const relay = startRelay({ hostname: url.hostname, port: Number(url.port) });
  url.port = String(relay.port);
  const server = await startFunctionsServer({
    SEALOG_DB_URL: url.href,
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
      assert.deepEqual(messages(flight.bytes), ["P", "D", "B", "E", "S"]);
    }
  } finally {
    await server.stop();
    await relay.close();
  }
});
