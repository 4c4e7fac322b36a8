/**
 * The bounded buffer of events waiting to be sent. Each entry is serialised once, when it is
 * recorded, so a retry resends exactly the same bytes (and the same event_id).
 *
 * Overflow policy, when `capacity` events are already waiting:
 * - "drop-newest" (default): the new event is refused; record() says so, and stats.dropped
 *   counts it. Events already accepted are never discarded.
 * - "drop-oldest": the oldest waiting event is discarded to make room, and counted.
 * Events inside a request under way are not in the buffer and are never dropped.
 */

export type OverflowPolicy = "drop-newest" | "drop-oldest";

/** One buffered event: its id, its JSON, that JSON's UTF-8 size, and its order of arrival. */
export type BufferedEvent = {
  id: string;
  json: string;
  bytes: number;
  seq: number;
};

export class EventBuffer {
  #items: BufferedEvent[] = [];
  #head = 0;
  #bytes = 0;

  constructor(readonly capacity: number, readonly overflow: OverflowPolicy) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** UTF-8 bytes of all buffered events' JSON. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The oldest buffered event, if any. */
  peek(): BufferedEvent | undefined {
    return this.#items[this.#head];
  }

  /**
   * Adds an event. Returns the event that was dropped to respect the capacity (the new one
   * under "drop-newest", the oldest under "drop-oldest"), or null.
   */
  push(event: BufferedEvent): BufferedEvent | null {
    if (this.length >= this.capacity) {
      if (this.overflow === "drop-newest") return event;
      const oldest = this.shift()!;
      this.#append(event);
      return oldest;
    }
    this.#append(event);
    return null;
  }

  /** Removes and returns the oldest event. */
  shift(): BufferedEvent | undefined {
    const event = this.#items[this.#head];
    if (!event) return undefined;
    this.#head++;
    this.#bytes -= event.bytes;
    // Compact now and then, so that shifting stays O(1) amortised.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return event;
  }

  /** Removes every event and returns them, oldest first. */
  drain(): BufferedEvent[] {
    const events = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return events;
  }

  #append(event: BufferedEvent): void {
    this.#items.push(event);
    this.#bytes += event.bytes;
  }
}
