import assert from "node:assert/strict";
import { type BufferedEvent, EventBuffer } from "../../sdk/src/client/buffer.ts";

const event = (seq: number, bytes = 10): BufferedEvent => ({
  id: `e${seq}`,
  json: "{}",
  bytes,
  seq,
});

Deno.test("buffer: drop-newest refuses the new event and keeps those already accepted", () => {
  const buffer = new EventBuffer(3, "drop-newest");
  for (let seq = 1; seq <= 3; seq++) assert.equal(buffer.push(event(seq)), null);
  const refused = event(4);
  assert.equal(buffer.push(refused), refused);
  assert.deepEqual(buffer.drain().map((e) => e.seq), [1, 2, 3]);
});

Deno.test("buffer: drop-oldest discards the oldest waiting event to make room", () => {
  const buffer = new EventBuffer(3, "drop-oldest");
  for (let seq = 1; seq <= 3; seq++) buffer.push(event(seq));
  assert.equal(buffer.push(event(4))?.seq, 1);
  assert.equal(buffer.push(event(5))?.seq, 2);
  assert.deepEqual(buffer.drain().map((e) => e.seq), [3, 4, 5]);
});

Deno.test("buffer: length and bytes follow pushes and shifts, across compactions", () => {
  const buffer = new EventBuffer(10_000, "drop-newest");
  for (let seq = 1; seq <= 5_000; seq++) buffer.push(event(seq, seq % 7));
  for (let seq = 1; seq <= 4_000; seq++) assert.equal(buffer.shift()?.seq, seq);
  assert.equal(buffer.length, 1_000);
  let bytes = 0;
  for (let seq = 4_001; seq <= 5_000; seq++) bytes += seq % 7;
  assert.equal(buffer.bytes, bytes);
  assert.equal(buffer.peek()?.seq, 4_001);
});
