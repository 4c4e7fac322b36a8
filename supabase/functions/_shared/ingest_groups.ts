/**
 * Group commit for POST /ingest. A request spends much of its database time waiting for its
 * commit's WAL flush, one flush per call (docs/performance.md, "Group commit for single-event
 * ingest"). So while two such calls are under way, or every connection has a call running
 * (none is sent behind another: db.ts), the requests that wait are queued here; when a call
 * ends, the oldest waiting requests go as one call of sealog_api.ingest_group: one
 * transaction, one flush, and one statement storing all their events. A request that finds
 * room goes at once, alone.
 *
 * Each request stays whole: the database authenticates it, takes its rate-limit token,
 * stores its events and writes its access-log row as when it is sent alone, and its 2xx is
 * sent after the group commits. Requests of several keys may share a group: each touches
 * only its own tenant's rows, and its reply goes to its own HTTP request alone. A group is
 * ordered by key, so that concurrent groups take their keys' rate-limit rows in one order,
 * and its one statement inserts the events and updates the sessions each in key order, as a
 * request sent alone does (a deadlock left, the database ends it). When the database refuses
 * the group's statement (a deadlock, a timeout, a bad value), nothing of it committed and
 * each request is sent again alone, to get its own answer.
 */
import {
  callApiFunction,
  callIngestGroup,
  callsUnderWay,
  type DbReply,
  statementRefused,
  whenCallSettles,
} from "./db.ts";
import type { IngestCall } from "./db.ts";

/** At most this many requests, and about this many events, in one group. */
const GROUP_CALLS = 32;
const GROUP_EVENTS = 500;

/**
 * Calls of POST /ingest (alone or grouped) under way at once before requests wait: two
 * commits overlap, one flushing while the next fills; more would split the waiting requests
 * into smaller groups, each its own flush (a pool of 16 served 995 single-event requests/s
 * where two calls at once served 1,594: docs/performance.md).
 */
const INGEST_CALLS = 2;

type Waiting = IngestCall & {
  /** The group's order: the key, then arrival (the sort is stable). */
  key: string;
  resolve: (reply: DbReply) => void;
  reject: (error: unknown) => void;
};

/** Requests waiting for room, oldest first. */
const waiting: Waiting[] = [];
/** Calls of POST /ingest (alone or grouped) sent and not answered. */
let ingestCallsUnderWay = 0;

whenCallSettles(sendNextGroup);

/** POST /ingest's one call: at once while there is room, else in the next group. */
export function callIngest(ctx: Record<string, unknown>, events: unknown[]): Promise<DbReply> {
  if (!full() && waiting.length === 0) return counted(callApiFunction("ingest", ctx, events));
  return new Promise((resolve, reject) => {
    const key = `${ctx.key_digest ?? ""}:${ctx.static_tenant_id ?? ""}`;
    waiting.push({ ctx, events, key, resolve, reject });
    sendNextGroup();
  });
}

function full(): boolean {
  const { calls, connections } = callsUnderWay();
  return ingestCallsUnderWay >= INGEST_CALLS || calls >= connections;
}

/** A call of POST /ingest, counted while under way; its end may let the next group go. */
function counted<T>(call: Promise<T>): Promise<T> {
  ingestCallsUnderWay++;
  return call.finally(() => {
    ingestCallsUnderWay--;
    sendNextGroup();
  });
}

function sendNextGroup(): void {
  while (!full() && waiting.length > 0) {
    let calls = 1;
    let events = waiting[0]!.events.length;
    while (
      calls < waiting.length && calls < GROUP_CALLS &&
      events + waiting[calls]!.events.length <= GROUP_EVENTS
    ) {
      events += waiting[calls]!.events.length;
      calls++;
    }
    send(waiting.splice(0, calls));
  }
}

function send(group: Waiting[]): void {
  if (group.length === 1) {
    const [only] = group;
    counted(callApiFunction("ingest", only!.ctx, only!.events)).then(only!.resolve, only!.reject);
    return;
  }
  group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  counted(callIngestGroup(group.map(({ ctx, events }) => ({ ctx, events })))).then(
    (replies) => group.forEach((call, i) => call.resolve(replies[i]!)),
    (error) => {
      if (!statementRefused(error)) return group.forEach((call) => call.reject(error));
      for (const call of group) {
        counted(callApiFunction("ingest", call.ctx, call.events)).then(call.resolve, call.reject);
      }
    },
  );
}
