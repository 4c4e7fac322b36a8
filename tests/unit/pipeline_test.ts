/**
 * The pipeline's middleware through app.request(), without a network: body limits, media
 * types, CORS and the problem shape. (The access-log row of each request goes to the test
 * database when SUPABASE_DB_URL is set; otherwise the pipeline logs that it could not.)
 */
import assert from "node:assert/strict";
import { MAX_BODY_BYTES, readJsonBody } from "../../supabase/functions/_shared/body.ts";
import { createFunctionApp } from "../../supabase/functions/_shared/pipeline.ts";

Deno.env.set(
  "SEALOG_ALLOWED_ORIGINS",
  Deno.env.get("SEALOG_ALLOWED_ORIGINS") ?? "https://app.example.test",
);
Deno.env.set("SUPABASE_DB_URL", Deno.env.get("SUPABASE_DB_URL") ?? "postgresql://127.0.0.1:1/none");

const app = createFunctionApp("unit");
app.post("/echo", async (c) => c.json({ received: await readJsonBody(c) }));
app.get("/boom", () => {
  throw new Error("select secret from somewhere");
});

const post = (
  body: BodyInit,
  headers: Record<string, string> = { "Content-Type": "application/json" },
) => app.request("/unit/echo", { method: "POST", body, headers });

Deno.test({
  name: "JSON bodies are parsed; every response carries X-Request-Id",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const response = await post('{"a":[1,2]}');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: { a: [1, 2] } });
    assert.match(response.headers.get("X-Request-Id") ?? "", /^[0-9a-f-]{36}$/);
  },
});

Deno.test({
  name: "the body limit holds for streamed bodies without Content-Length",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    let produced = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        produced += 65536;
        controller.enqueue(new Uint8Array(65536).fill(0x20));
      },
    });
    const response = await post(stream);
    assert.equal(response.status, 413);
    assert.equal((await response.json()).code, "payload_too_large");
    assert.ok(produced <= MAX_BODY_BYTES + 3 * 65536, `read ${produced} bytes`);
  },
});

Deno.test({
  name: "media type, encoding and syntax errors map to 415, 415 and 400",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    assert.equal((await post("{}", { "Content-Type": "text/json" })).status, 415);
    assert.equal(
      (await post("{}", { "Content-Type": "application/json", "Content-Encoding": "br" })).status,
      415,
    );
    assert.equal((await post("{,}")).status, 400);
    assert.equal(
      (await post(new Uint8Array([0x22, 0xc3, 0x28, 0x22]))).status,
      400,
      "invalid UTF-8",
    );
  },
});

Deno.test({
  name: "unexpected errors answer a generic 500 problem, never the error's message",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const originalError = console.error;
    const logged: string[] = [];
    console.error = (line: string) => logged.push(line);
    try {
      const response = await app.request("/unit/boom");
      const text = await response.text();
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("Content-Type"), "application/problem+json");
      assert.doesNotMatch(text, /secret|somewhere/);
      assert.ok(logged.every((line) => !line.includes("secret")));
    } finally {
      console.error = originalError;
    }
  },
});

Deno.test({
  name: "CORS: only allow-listed origins get headers; never a wildcard",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const allowed = await app.request("/unit/echo", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example.test", "Access-Control-Request-Method": "POST" },
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("Access-Control-Allow-Origin"), "https://app.example.test");
    assert.equal(allowed.headers.get("Access-Control-Allow-Credentials"), "true");
    const denied = await app.request("/unit/echo", {
      method: "POST",
      headers: { Origin: "https://evil.example", "Content-Type": "application/json" },
      body: "{}",
    });
    assert.equal(denied.headers.get("Access-Control-Allow-Origin"), null);
    assert.equal(denied.headers.get("Access-Control-Allow-Credentials"), null);
    assert.equal(denied.headers.get("Vary"), "Origin");
  },
});
