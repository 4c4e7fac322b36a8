/**
 * The Sealog client: record() scans a call's messages into risk tags, drops the text and
 * buffers a content-free event; batches leave by size or time, under a concurrency limit, and
 * are retried on network errors, 408, 429 and 5xx until the server has stored them. Each
 * event's id is fixed when it is recorded, so a retry is counted once by the server.
 */
import {
  type Batch,
  envelopeBytes,
  hasFullBatch,
  MAX_BODY_BYTES,
  MAX_EVENTS_PER_REQUEST,
  takeBatch,
  utf8Length,
} from "./batcher.ts";
import { EventBuffer, type OverflowPolicy } from "./buffer.ts";
import { InvalidEventError, type LlmCall, toWireEvent } from "./event.ts";
import { riskTagsOf } from "./messages.ts";
import {
  DEFAULT_RETRY,
  nextDelay,
  retryAfterMs,
  type RetryOptions,
  type RetryPolicy,
  verdict,
} from "./retry.ts";
import { type FetchLike, type IngestReply, postBatch, type ServerRejection } from "./transport.ts";

/** Settings of createClient(); only `url` and `apiKey` are required. */
export type ClientOptions = {
  /** The functions base URL, e.g. http://127.0.0.1:54321/functions/v1 (".../ingest" works too). */
  url: string;
  /** An API key with the ingest scope. */
  apiKey: string;
  /** Events per request, at most 500 (the server's limit). Default 500. */
  maxBatchEvents?: number;
  /** Request body bytes, at most 1 MiB (the server's limit). Default 1 MiB. */
  maxBatchBytes?: number;
  /** How long an event may wait for a batch to fill, in milliseconds. Default 1000. */
  flushIntervalMs?: number;
  /** Requests under way at once. Default 2. */
  maxConcurrentRequests?: number;
  /** Events that may wait in the buffer. Default 10 000. */
  maxBufferedEvents?: number;
  /** What a full buffer does with a new event (see README). Default "drop-newest". */
  overflow?: OverflowPolicy;
  /** Per-request timeout in milliseconds; a timeout is retried. Default 10 000. */
  requestTimeoutMs?: number;
  retry?: RetryOptions;
  /** Events the server refused one by one (a 207 or 422); they are not retried. */
  onRejected?: (rejections: RejectedEvent[]) => void;
  /** Batches that could not be delivered: a non-retryable error, or retries exhausted. */
  onError?: (error: DeliveryError) => void;
  /** Where warnings go. Default console. */
  logger?: { warn: (message: string) => void };
  /** Warn if the process exits with events unsent. Default true. */
  warnOnExit?: boolean;
  /** A fetch of your own (a proxy agent, a test double). Default globalThis.fetch. */
  fetch?: FetchLike;
  /** The jitter's random source, in [0, 1). Default Math.random. */
  random?: () => number;
};

/** What record() did with a call. */
export type RecordResult =
  | { ok: true; eventId: string; riskTags: string[] }
  | {
    ok: false;
    reason: "invalid" | "buffer_full" | "closed";
    message: string;
  };

/** An event the server refused, with why. */
export type RejectedEvent = {
  eventId: string | null;
  index: number;
  code: string;
  message: string;
};

/** A batch that was not delivered. */
export type DeliveryError = {
  reason: "not_retryable" | "retries_exhausted";
  /** HTTP status, or 0 for a network error or timeout. */
  status: number;
  /** The problem+json code, when the server sent one (e.g. "unauthorized"). */
  code?: string;
  eventIds: string[];
};

/**
 * Counters since the client was created. Every event that passed validation is, at any
 * moment, in exactly one of: buffered, inFlight, accepted, duplicates, rejected, failed,
 * dropped or unsent.
 */
export type ClientStats = {
  /** Events that passed validation (record() returned ok, or the buffer dropped them). */
  recorded: number;
  /** Waiting in the buffer. */
  buffered: number;
  /** In a request under way, or waiting to retry one. */
  inFlight: number;
  /** Stored by the server. */
  accepted: number;
  /** Already stored (a retry after a lost response): not stored again. */
  duplicates: number;
  /** Refused by the server one by one (207/422), reported to onRejected. */
  rejected: number;
  /** Lost to a non-retryable error or to exhausted retries, reported to onError. */
  failed: number;
  /** Lost to the buffer's overflow policy. */
  dropped: number;
  /** Still unsent when shutdown()'s deadline passed. */
  unsent: number;
  /** Refused by record() before buffering (invalid input). */
  invalid: number;
  /** HTTP requests made, retries included. */
  requests: number;
  /** Requests that were retries. */
  retries: number;
  /** 429 responses received. */
  rateLimited: number;
};

/** A client of Sealog's ingest API. */
export type SealogClient = {
  /** Scans the call's messages, drops their text, and buffers a content-free event. */
  record(call: LlmCall): RecordResult;
  /** Sends every event recorded so far; resolves once each is stored, refused or lost. */
  flush(): Promise<void>;
  /**
   * Stops accepting events and flushes, waiting at most `timeoutMs` (default 10 000); what is
   * still unsent then is abandoned, counted in stats().unsent, and warned about.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<ClientStats>;
  stats(): ClientStats;
};

/** Creates a client. */
export function createClient(options: ClientOptions): SealogClient {
  return new Client(options);
}

type Flight = { batch: Batch; firstSeq: number };
type Waiter = { upTo: number; resolve: () => void };
type ExitTarget = {
  process?: {
    on?: (event: string, fn: () => void) => void;
    off?: (event: string, fn: () => void) => void;
  };
  addEventListener?: (event: string, fn: () => void) => void;
  removeEventListener?: (event: string, fn: () => void) => void;
};

class Client implements SealogClient {
  readonly #endpoint: string;
  readonly #apiKey: string;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  readonly #flushIntervalMs: number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: FetchLike;
  readonly #random: () => number;
  readonly #logger: { warn: (message: string) => void };
  readonly #onRejected: (rejections: RejectedEvent[]) => void;
  readonly #onError: (error: DeliveryError) => void;
  readonly #buffer: EventBuffer;
  readonly #flights = new Set<Flight>();
  readonly #deliveries = new Set<Promise<void>>();
  readonly #stopped = new AbortController();
  #waiters: Waiter[] = [];
  #seq = 0;
  #dueUpTo = 0;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #pauseTimer: ReturnType<typeof setTimeout> | undefined;
  #pausedUntil = 0;
  #closed = false;
  #shutdown: Promise<ClientStats> | undefined;
  #exitHook: (() => void) | undefined;
  #counts = {
    recorded: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    dropped: 0,
    unsent: 0,
    invalid: 0,
    requests: 0,
    retries: 0,
    rateLimited: 0,
  };

  constructor(options: ClientOptions) {
    if (typeof options?.url !== "string" || options.url === "") {
      throw new TypeError("url is required");
    }
    if (typeof options.apiKey !== "string" || options.apiKey === "") {
      throw new TypeError("apiKey is required");
    }
    const base = options.url.replace(/\/+$/, "");
    this.#endpoint = base.endsWith("/ingest") ? base : `${base}/ingest`;
    this.#apiKey = options.apiKey;
    this.#maxEvents = clamp(
      options.maxBatchEvents ?? MAX_EVENTS_PER_REQUEST,
      1,
      MAX_EVENTS_PER_REQUEST,
    );
    this.#maxBytes = clamp(
      options.maxBatchBytes ?? MAX_BODY_BYTES,
      1024,
      MAX_BODY_BYTES,
    );
    this.#flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1000);
    this.#concurrency = Math.max(1, options.maxConcurrentRequests ?? 2);
    this.#timeoutMs = Math.max(1, options.requestTimeoutMs ?? 10_000);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? console;
    this.#onRejected = options.onRejected ?? ((rejections) =>
      this.#logger.warn(
        `sealog: the server refused ${rejections.length} event(s): ${
          [...new Set(rejections.map((r) => r.code))].join(", ")
        }`,
      ));
    this.#onError = options.onError ?? ((error) =>
      this.#logger.warn(
        `sealog: ${error.eventIds.length} event(s) not delivered (${error.reason}, HTTP ${error.status}${
          error.code ? ` ${error.code}` : ""
        })`,
      ));
    this.#buffer = new EventBuffer(
      Math.max(1, options.maxBufferedEvents ?? 10_000),
      options.overflow ?? "drop-newest",
    );
    if (options.warnOnExit ?? true) this.#registerExitWarning();
  }

  record(call: LlmCall): RecordResult {
    if (this.#closed) {
      return {
        ok: false,
        reason: "closed",
        message: "the client is shut down",
      };
    }
    let json: string;
    let eventId: string;
    let riskTags: string[];
    try {
      const event = toWireEvent(call, riskTagsOf(call?.messages), new Date());
      json = JSON.stringify(event);
      eventId = event.event_id;
      riskTags = event.risk_tags ?? [];
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      this.#counts.invalid++;
      return { ok: false, reason: "invalid", message: error.message };
    }
    const bytes = utf8Length(json);
    if (bytes + envelopeBytes(1) > this.#maxBytes) {
      this.#counts.invalid++;
      return {
        ok: false,
        reason: "invalid",
        message: "the event is larger than a request may be",
      };
    }
    this.#counts.recorded++;
    const event = { id: eventId, json, bytes, seq: ++this.#seq };
    const dropped = this.#buffer.push(event);
    if (dropped) {
      this.#counts.dropped++;
      if (dropped === event) {
        return {
          ok: false,
          reason: "buffer_full",
          message: "the buffer is full; the event was dropped",
        };
      }
      this.#notify();
    }
    this.#pump();
    return { ok: true, eventId, riskTags };
  }

  async flush(): Promise<void> {
    const upTo = this.#seq;
    this.#dueUpTo = Math.max(this.#dueUpTo, upTo);
    this.#pump();
    if (this.#oldestUnsettled() > upTo) return;
    await new Promise<void>((resolve) => this.#waiters.push({ upTo, resolve }));
  }

  shutdown(options: { timeoutMs?: number } = {}): Promise<ClientStats> {
    this.#shutdown ??= this.#stop(Math.max(0, options.timeoutMs ?? 10_000));
    return this.#shutdown;
  }

  stats(): ClientStats {
    let inFlight = 0;
    for (const flight of this.#flights) inFlight += flight.batch.events.length;
    return { ...this.#counts, buffered: this.#buffer.length, inFlight };
  }

  async #stop(timeoutMs: number): Promise<ClientStats> {
    this.#closed = true;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      this.flush().then(() => false),
      new Promise<boolean>((resolve) => deadline = setTimeout(() => resolve(true), timeoutMs)),
    ]);
    clearTimeout(deadline);
    if (timedOut) {
      // Deliveries stop at their next await and count their events as unsent.
      this.#stopped.abort();
      await Promise.all(this.#deliveries);
      this.#counts.unsent += this.#buffer.drain().length;
      this.#notify();
    }
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#pauseTimer);
    this.#unregisterExitWarning();
    if (this.#counts.unsent > 0) {
      this.#logger.warn(
        `sealog: shutdown deadline (${timeoutMs} ms) passed with ${this.#counts.unsent} event(s) unsent`,
      );
    }
    return this.stats();
  }

  /** Starts requests while there are due events and free slots; arms the flush timer. */
  #pump(): void {
    if (this.#stopped.signal.aborted) return;
    while (this.#flights.size < this.#concurrency) {
      const next = this.#buffer.peek();
      if (!next) break;
      if (
        next.seq > this.#dueUpTo &&
        !hasFullBatch(this.#buffer, this.#maxEvents, this.#maxBytes)
      ) {
        break;
      }
      if (Date.now() < this.#pausedUntil) {
        this.#pauseTimer ??= setTimeout(() => {
          this.#pauseTimer = undefined;
          this.#pump();
        }, this.#pausedUntil - Date.now());
        break;
      }
      this.#start(takeBatch(this.#buffer, this.#maxEvents, this.#maxBytes)!);
    }
    if (this.#buffer.length === 0) {
      // Nothing waits: no timer may keep the process alive.
      clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    } else if (this.#flushTimer === undefined && !this.#closed) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        this.#dueUpTo = this.#seq;
        this.#pump();
      }, this.#flushIntervalMs);
    }
  }

  #start(batch: Batch): void {
    const flight = { batch, firstSeq: batch.events[0]!.seq };
    this.#flights.add(flight);
    const delivery = this.#deliver(batch).finally(() => {
      this.#flights.delete(flight);
      this.#deliveries.delete(delivery);
      this.#notify();
      this.#pump();
    });
    this.#deliveries.add(delivery);
  }

  /** Sends one batch until it is stored, refused or lost; retries what may succeed later. */
  async #deliver(batch: Batch): Promise<void> {
    const ids = batch.events.map((event) => event.id);
    for (let attempt = 0;; attempt++) {
      // A Retry-After pause may be extended by another request while this one waits.
      while (Date.now() < this.#pausedUntil && !this.#stopped.signal.aborted) {
        await this.#sleep(this.#pausedUntil - Date.now());
      }
      if (this.#stopped.signal.aborted) {
        this.#counts.unsent += ids.length;
        return;
      }
      this.#counts.requests++;
      if (attempt > 0) this.#counts.retries++;
      const reply = await postBatch(this.#endpoint, this.#apiKey, batch.body, {
        timeoutMs: this.#timeoutMs,
        signal: this.#stopped.signal,
        fetch: this.#fetch,
      });
      if (this.#stopped.signal.aborted && reply.status === 0) {
        this.#counts.unsent += ids.length;
        return;
      }
      switch (verdict(reply.status, reply.code)) {
        case "stored":
          return this.#stored(reply, ids);
        case "rejected":
          return this.#rejected(reply.rejected ?? [], ids, ids.length);
        case "failed":
          return this.#failed("not_retryable", reply, ids);
        case "retry": {
          if (reply.status === 429) this.#counts.rateLimited++;
          if (attempt + 1 >= this.#retry.maxAttempts) {
            return this.#failed("retries_exhausted", reply, ids);
          }
          const retryAfter = retryAfterMs(
            reply.retryAfter,
            this.#retry.maxRetryAfterMs,
          );
          // A Retry-After speaks for the whole service: every request waits, not just this one.
          if (retryAfter !== null) {
            this.#pausedUntil = Math.max(
              this.#pausedUntil,
              Date.now() + retryAfter,
            );
          }
          await this.#sleep(
            nextDelay(attempt, this.#retry, retryAfter, this.#random),
          );
        }
      }
    }
  }

  #stored(reply: IngestReply, ids: string[]): void {
    const rejected = reply.rejected ?? [];
    const duplicates = reply.duplicates ?? 0;
    const accepted = reply.accepted ??
      ids.length - rejected.length - duplicates;
    this.#counts.accepted += accepted;
    this.#counts.duplicates += duplicates;
    if (rejected.length > 0) this.#rejected(rejected, ids, rejected.length);
  }

  #rejected(rejections: ServerRejection[], ids: string[], count: number): void {
    this.#counts.rejected += count;
    const reported: RejectedEvent[] = rejections.length > 0
      ? rejections.map((r) => ({
        index: r.index,
        eventId: r.event_id ?? ids[r.index] ?? null,
        code: r.code,
        message: r.message,
      }))
      : ids.map((eventId, index) => ({
        index,
        eventId,
        code: "no_valid_events",
        message: "rejected",
      }));
    this.#callback(() => this.#onRejected(reported));
  }

  #failed(
    reason: DeliveryError["reason"],
    reply: IngestReply,
    ids: string[],
  ): void {
    this.#counts.failed += ids.length;
    const error: DeliveryError = {
      reason,
      status: reply.status,
      eventIds: ids,
    };
    if (reply.code ?? reply.error) error.code = reply.code ?? reply.error;
    this.#callback(() => this.#onError(error));
  }

  #callback(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#logger.warn(
        `sealog: a callback threw: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  /** Resolves flush() calls whose events have all settled. */
  #notify(): void {
    if (this.#waiters.length === 0) return;
    const oldest = this.#oldestUnsettled();
    this.#waiters = this.#waiters.filter((waiter) => {
      if (oldest <= waiter.upTo) return true;
      waiter.resolve();
      return false;
    });
  }

  /** The sequence number of the oldest event not yet stored, refused or lost. */
  #oldestUnsettled(): number {
    let oldest = this.#buffer.peek()?.seq ?? Infinity;
    for (const flight of this.#flights) {
      oldest = Math.min(oldest, flight.firstSeq);
    }
    return oldest;
  }

  /** Waits `ms`, or less if shutdown's deadline passes meanwhile. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#stopped.signal;
    if (ms <= 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done);
    });
  }

  #registerExitWarning(): void {
    const target = globalThis as ExitTarget;
    this.#exitHook = () => {
      const pending = this.#buffer.length + this.stats().inFlight;
      if (pending > 0) {
        this.#logger.warn(
          `sealog: exiting with ${pending} event(s) unsent; call client.shutdown() before exit`,
        );
      }
    };
    if (typeof target.process?.on === "function") {
      target.process.on("exit", this.#exitHook);
    } else target.addEventListener?.("unload", this.#exitHook);
  }

  #unregisterExitWarning(): void {
    const target = globalThis as ExitTarget;
    if (!this.#exitHook) return;
    if (typeof target.process?.off === "function") {
      target.process.off("exit", this.#exitHook);
    } else target.removeEventListener?.("unload", this.#exitHook);
    this.#exitHook = undefined;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.floor(value)));
}
