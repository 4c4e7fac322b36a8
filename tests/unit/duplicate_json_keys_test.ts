/**
 * Duplicate JSON keys: bodies that repeat a key within one object are refused as
 * malformed (I-JSON, RFC 7493), since JSON.parse would silently keep only the last value.
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { findDuplicateKey, readJsonBody } from "../../supabase/functions/_shared/body.ts";
import type { SealogEnv } from "../../supabase/functions/_shared/context.ts";
import { ApiError, problem } from "../../supabase/functions/_shared/problems.ts";

Deno.test("findDuplicateKey finds a key repeated within one object, at any depth", () => {
  assert.equal(findDuplicateKey('{"a":1,"a":2}'), "a");
  assert.equal(findDuplicateKey('{"events":[{"x":1,"y":{"z":1, "z" : 2}}]}'), "z");
  assert.equal(findDuplicateKey('{"model":"a","\\u006dodel":"b"}'), "model");
  assert.equal(findDuplicateKey('{"a\\"b":1,"a\\"b":2}'), 'a"b');
  assert.equal(findDuplicateKey('{"events":[],"events":[]}'), "events");
});

Deno.test("findDuplicateKey accepts the same key in sibling or nested objects, and values", () => {
  assert.equal(findDuplicateKey('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}'), null);
  assert.equal(findDuplicateKey('{"a":"a","b":"a","c":["a","a"]}'), null);
  assert.equal(findDuplicateKey('{"a":"x\\\\","b":"{\\"a\\":1,\\"a\\":2}"}'), null);
  assert.equal(findDuplicateKey("[1,2,3]"), null);
  assert.equal(findDuplicateKey('"a"'), null);
  assert.equal(findDuplicateKey("[".repeat(100_000) + "]".repeat(100_000)), null);
});

Deno.test("readJsonBody answers 400 malformed_json to a body with a duplicate key", async () => {
  const app = new Hono<SealogEnv>();
  app.onError((error, c) => problem(c, (error as ApiError).code));
  app.post("/", async (c) => c.json(await readJsonBody(c)));
  const post = (body: string) =>
    app.request("/", { method: "POST", headers: { "Content-Type": "application/json" }, body });
  const refused = await post('{"events":[{"event_id":"a","event_id":"b"}]}');
  assert.equal(refused.status, 400);
  assert.equal((await refused.json()).code, "malformed_json");
  const accepted = await post('{"events":[{"event_id":"a"},{"event_id":"b"}]}');
  assert.equal(accepted.status, 200);
});
