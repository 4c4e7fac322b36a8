/**
 * The HTTP ceiling for deno task bench: a bare hono route in the functions server
 * (mounted by local/serve.ts only when SEALOG_BENCH_ROUTES=1, never in production code).
 * It reads the same body as POST /ingest and answers a small JSON, so that its rate is
 * what the server, the gateway and hono can do with no pipeline, validation or database.
 */
import { Hono } from "hono";

export const app = new Hono().basePath("/bench");

app.post("/noop", async (c) => {
  const body = await c.req.arrayBuffer();
  return c.json({ received: body.byteLength });
});
