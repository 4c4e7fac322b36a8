import assert from "node:assert/strict";
import {
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_REQUEST,
  takeBatch,
  utf8Length,
} from "../../sdk/src/client/batcher.ts";
import { EventBuffer } from "../../sdk/src/client/buffer.ts";

function fill(count: number, json: string): EventBuffer {
  const buffer = new EventBuffer(100_000, "drop-newest");
  for (let seq = 1; seq <= count; seq++) {
    buffer.push({ id: `e${seq}`, json, bytes: utf8Length(json), seq });
  }
  return buffer;
}

const encoder = new TextEncoder();

Deno.test("batch: at most 500 events per request", () => {
  const buffer = fill(1_234, '{"event_id":"x"}');
  const sizes: number[] = [];
  for (
    let batch = takeBatch(buffer, 500, MAX_BODY_BYTES);
    batch;
    batch = takeBatch(buffer, 500, MAX_BODY_BYTES)
  ) {
    sizes.push(batch.events.length);
    assert.deepEqual(JSON.parse(batch.body).events.length, batch.events.length);
  }
  assert.deepEqual(sizes, [500, 500, 234]);
  assert.equal(MAX_EVENTS_PER_REQUEST, 500);
});

Deno.test("batch: at most 1 MiB of body, measured in UTF-8 bytes, and exactly as counted", () => {
  // 40 KB events with multi-byte characters: 25 of them are just over 1 MiB.
  const json = JSON.stringify({ model: "é€😀".repeat(4_000) });
  const buffer = fill(100, json);
  let total = 0;
  for (
    let batch = takeBatch(buffer, 500, MAX_BODY_BYTES);
    batch;
    batch = takeBatch(buffer, 500, MAX_BODY_BYTES)
  ) {
    const bytes = encoder.encode(batch.body).length;
    assert.equal(bytes, batch.bytes);
    assert.ok(bytes <= MAX_BODY_BYTES, `${bytes} > 1 MiB`);
    // Full batches leave no room for one more event.
    if (buffer.length > 0) assert.ok(bytes + utf8Length(json) + 1 > MAX_BODY_BYTES);
    total += batch.events.length;
  }
  assert.equal(total, 100);
  assert.equal(MAX_BODY_BYTES, 1_048_576);
});

Deno.test("batch: an empty buffer gives no batch", () => {
  assert.equal(takeBatch(new EventBuffer(10, "drop-newest"), 500, MAX_BODY_BYTES), null);
});

Deno.test("utf8Length agrees with TextEncoder, surrogate pairs included", () => {
  for (
    const text of [
      "",
      "abc",
      "é",
      "€",
      "😀",
      "a😀b",
      "\ud800",
      "x\udc00y",
      "日本語テキスト",
      '{"k":"\\u0000"}',
    ]
  ) {
    assert.equal(utf8Length(text), encoder.encode(text).length, JSON.stringify(text));
  }
});
