/**
 * An unreachable database gets 503 with Retry-After, never a hang: a second functions
 * server, started exactly as the stack starts it, points at a port where nothing listens.
 */
import assert from "node:assert/strict";
import { databaseUrl, startFunctionsServer } from "../_support/functions_server.ts";
import { test } from "../_support/stack.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

test("an unreachable database gets 503 with Retry-After, quickly", async () => {
  const server = await startFunctionsServer({
    SEALOG_DB_URL: databaseUrl({ port: String(freePort()) }),
    SEALOG_DB_CONNECT_TIMEOUT_S: "1",
  });
  try {
    const response = await fetch(`${server.baseUrl}/ingest/whoami`, {
      headers: { Authorization: `Bearer slg_live_${"C".repeat(43)}` },
      signal: AbortSignal.timeout(15_000),
    });
    const body = await response.json();
    assert.equal(response.status, 503);
    assert.equal(response.headers.get("Content-Type"), "application/problem+json");
    assert.equal(body.code, "database_unavailable");
    assert.ok(Number(response.headers.get("Retry-After")) >= 1);
    assert.doesNotMatch(JSON.stringify(body), /ECONNREFUSED|127\.0\.0\.1|postgres/);
  } finally {
    await server.stop();
  }
});
