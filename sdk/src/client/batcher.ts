/**
 * Batches: the oldest buffered events that fit one request, at most `maxEvents` (the server
 * takes 500) and `maxBytes` of body (the server takes 1 MiB), assembled from each event's
 * JSON as serialised when it was recorded.
 */
import type { BufferedEvent, EventBuffer } from "./buffer.ts";

export const MAX_EVENTS_PER_REQUEST = 500;
export const MAX_BODY_BYTES = 1024 * 1024;

const OPEN = '{"events":[';
const CLOSE = "]}";
/** Bytes of a body around its events: the envelope, and the commas between events. */
export const envelopeBytes = (events: number) =>
  OPEN.length + CLOSE.length + Math.max(0, events - 1);

/** One request's worth of events and its body. */
export type Batch = { events: BufferedEvent[]; body: string; bytes: number };

/** Takes the oldest events that fit within the limits off the buffer; null when empty. */
export function takeBatch(
  buffer: EventBuffer,
  maxEvents: number,
  maxBytes: number,
): Batch | null {
  const events: BufferedEvent[] = [];
  let bytes = envelopeBytes(1);
  for (
    let next = buffer.peek();
    next && events.length < maxEvents;
    next = buffer.peek()
  ) {
    const added = next.bytes + (events.length > 0 ? 1 : 0);
    // The first event always goes: record() refuses events that could not fit alone.
    if (events.length > 0 && bytes + added > maxBytes) break;
    events.push(buffer.shift()!);
    bytes += added;
  }
  if (events.length === 0) return null;
  return {
    events,
    body: OPEN + events.map((event) => event.json).join(",") + CLOSE,
    bytes,
  };
}

/** Whether the buffer holds at least one full batch, so that waiting would not help. */
export function hasFullBatch(
  buffer: EventBuffer,
  maxEvents: number,
  maxBytes: number,
): boolean {
  return buffer.length >= maxEvents ||
    buffer.bytes + envelopeBytes(buffer.length) >= maxBytes;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    } else bytes += 3;
  }
  return bytes;
}
