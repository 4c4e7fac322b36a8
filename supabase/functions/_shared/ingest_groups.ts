/**
 * Group commit for POST /ingest. A single-event request spends most of its database time
 * waiting for its commit's WAL flush, and a pool of 2 connections lets only two flushes
 * overlap (docs/performance.md, "Group commit for single-event ingest"). So while every
 * connection has a call running and one queued behind it (postgres.js pipelines a call
 * behind a busy one, so that the connection never idles between two), the requests that
 * wait are queued; when a call ends, the oldest waiting requests go as one call of
 * sealog_api.ingest_group: one transaction, one flush. A request that finds room goes at
 * once, alone: grouping adds no wait.
 *
 * Each request stays whole: the database authenticates it, takes its rate-limit token,
 * stores its events and writes its access-log row as when it is sent alone, and its 2xx is
 * sent after the group commits. Requests of several keys may share a group: each touches
 * only its own tenant's rows, and its reply goes to its own HTTP request alone. A group is
 * ordered by key, session and first event id, and each request in it names one session, so
 * that concurrent groups lock a tenant's session rows and insert a resent event's key in one
 * order (a deadlock left, the database ends it). A request over several sessions is never
 * held back or grouped. When the database refuses the group's statement (a deadlock, a
 * timeout, a bad value), nothing of it committed and each request is sent again alone, to
 * get its own answer.
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
/** Calls per connection (one running, one queued behind it) before requests wait to group. */
const CALLS_PER_CONNECTION = 2;

type Waiting = IngestCall & {
  /** The group's order: key, session, then first event id. */
  order: string;
  resolve: (reply: DbReply) => void;
  reject: (error: unknown) => void;
};

/** Requests waiting for room, oldest first. */
const waiting: Waiting[] = [];

whenCallSettles(sendNextGroup);

/** POST /ingest's one call: at once while there is room, else in the next group. */
export function callIngest(ctx: Record<string, unknown>, events: unknown[]): Promise<DbReply> {
  const session = onlySession(events);
  if (session === null || (!full() && waiting.length === 0)) {
    return callApiFunction("ingest", ctx, events);
  }
  return new Promise((resolve, reject) => {
    const key = `${ctx.key_digest ?? ""}:${ctx.static_tenant_id ?? ""}`;
    const firstEvent = String((events[0] as { event_id?: unknown } | undefined)?.event_id ?? "");
    waiting.push({
      ctx,
      events,
      order: `${key}\u0000${session}\u0000${firstEvent}`,
      resolve,
      reject,
    });
    sendNextGroup();
  });
}

function full(): boolean {
  const { calls, connections } = callsUnderWay();
  return calls >= connections * CALLS_PER_CONNECTION;
}

/** The session every event names, "" for none, null for two or more. */
function onlySession(events: unknown[]): string | null {
  let session: string | undefined;
  for (const event of events) {
    const id = String((event as { session_id?: unknown }).session_id ?? "");
    if (session !== undefined && id !== session) return null;
    session = id;
  }
  return session ?? "";
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
    callApiFunction("ingest", only!.ctx, only!.events).then(only!.resolve, only!.reject);
    return;
  }
  group.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  callIngestGroup(group.map(({ ctx, events }) => ({ ctx, events }))).then(
    (replies) => group.forEach((call, i) => call.resolve(replies[i]!)),
    (error) => {
      if (!statementRefused(error)) return group.forEach((call) => call.reject(error));
      for (const call of group) {
        callApiFunction("ingest", call.ctx, call.events).then(call.resolve, call.reject);
      }
    },
  );
}
