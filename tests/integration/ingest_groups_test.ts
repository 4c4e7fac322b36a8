/**
 * Group commit for POST /ingest (_shared/ingest_groups.ts), through a functions server with a
 * pool of one connection, so that requests wait for it: those that wait share one
 * transaction, yet each is stored, counted, answered and logged as if sent alone, and a group
 * the database refuses is sent again request by request.
 */
import assert from "node:assert/strict";
import { telemetryEvent } from "../_support/events.ts";
import { startFunctionsServer } from "../_support/functions_server.ts";
import { createTenant, sql, test } from "../_support/stack.ts";

type Reply = {
  status: number;
  requestId: string;
  body: { accepted?: number; duplicates?: number };
};

async function post(baseUrl: string, apiKey: string, events: unknown[]): Promise<Reply> {
  const response = await fetch(`${baseUrl}/ingest`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify({ events }),
  });
  const requestId = response.headers.get("X-Request-Id")!;
  return { status: response.status, requestId, body: await response.json() };
}

test("requests waiting for the pool share a transaction, each stored, answered and logged as if alone", async () => {
  const server = await startFunctionsServer({ SEALOG_DB_POOL_SIZE: "1" });
  try {
    const tenant = await createTenant({ ratePerSecond: 100_000 });
    const events = Array.from(
      { length: 30 },
      (_, i) => telemetryEvent({ session_id: `group-${i % 4}`, input_tokens: i + 1 }),
    );
    const neighbour = await createTenant({ ratePerSecond: 100_000 });
    // Every event twice at once, so a resend often shares the first copy's group, the first
    // four a third time in one request over four sessions, beside an unknown key, an invalid
    // event and another tenant's requests.
    const [replies, unknown, invalid, neighbours] = await Promise.all([
      Promise.all([
        ...[...events, ...events].map((event) => post(server.baseUrl, tenant.apiKey, [event])),
        post(server.baseUrl, tenant.apiKey, events.slice(0, 4)),
      ]),
      post(server.baseUrl, `slg_live_${"x".repeat(43)}`, [telemetryEvent()]),
      post(server.baseUrl, tenant.apiKey, [telemetryEvent({ input_tokens: -1 })]),
      Promise.all(
        Array.from(
          { length: 10 },
          () => post(server.baseUrl, neighbour.apiKey, [telemetryEvent()]),
        ),
      ),
    ]);
    assert.deepEqual(
      neighbours.map((r) => [r.status, r.body.accepted]),
      neighbours.map(() => [200, 1]),
    );
    const [theirs] = await sql`select count(*)::int as n from sealog.llm_request_logs
                                where tenant_id = ${neighbour.tenantId}`;
    assert.equal(theirs!.n, 10, "the other tenant's events under its own tenant");

    assert.deepEqual(replies.map((r) => r.status), replies.map(() => 200));
    assert.equal(replies.reduce((sum, r) => sum + r.body.accepted!, 0), 30);
    assert.equal(replies.reduce((sum, r) => sum + r.body.duplicates!, 0), 34);
    assert.equal(unknown.status, 401);
    assert.equal(invalid.status, 422);

    const [stored] = await sql`select count(*)::int as n from sealog.llm_request_logs
                                where tenant_id = ${tenant.tenantId}`;
    assert.equal(stored!.n, 30, "each event stored once");
    const sessions =
      await sql`select session_id, calls::int, input_tokens::int from sealog.session_state
                                where tenant_id = ${tenant.tenantId} order by session_id`;
    assert.deepEqual(
      sessions.map((s) => [s.session_id, s.calls, s.input_tokens]),
      [0, 1, 2, 3].map((k) => {
        const mine = events.filter((_, i) => i % 4 === k);
        return [
          `group-${k}`,
          mine.length,
          mine.reduce((sum, e) => sum + (e.input_tokens as number), 0),
        ];
      }),
      "each session counts each event once",
    );

    const ids = [...replies, unknown, invalid, ...neighbours].map((r) => r.requestId);
    const [logged] = await sql`
      select count(*)::int as rows, count(distinct request_id)::int as requests,
             count(distinct received_at) filter (where tenant_id is not null)::int as transactions
        from sealog.api_access_log
       where request_id in (select jsonb_array_elements_text(${sql.json(ids)})::uuid)`;
    assert.equal(logged!.rows, ids.length, "one access-log row per request");
    assert.equal(logged!.requests, ids.length);
    // A row's received_at is its transaction's start: fewer of them than requests means that
    // some requests shared one.
    assert.ok(logged!.transactions < ids.length - 1, `${logged!.transactions} transactions`);
    // The request over four sessions waited among the others and shared a transaction too.
    const [shared] = await sql`
      select count(*)::int as n from sealog.api_access_log a
       where a.tenant_id = ${tenant.tenantId}
         and a.received_at = (select received_at from sealog.api_access_log
                               where request_id = ${replies.at(-1)!.requestId})`;
    assert.ok(shared!.n > 1, "the request over several sessions was grouped");
  } finally {
    await server.stop();
  }
});

test("a group the database refuses is sent again request by request: only the blocked one fails", async () => {
  const server = await startFunctionsServer({ SEALOG_DB_POOL_SIZE: "1" });
  const holder = await sql.reserve();
  try {
    const tenant = await createTenant({ ratePerSecond: 100_000 });
    assert.equal(
      (await post(server.baseUrl, tenant.apiKey, [telemetryEvent({ session_id: "held" })])).status,
      200,
    );
    // The session's row stays locked past the functions' lock_timeout (4 s; a group's 200 ms).
    await holder`begin`;
    await holder`select 1 from sealog.session_state
                  where tenant_id = ${tenant.tenantId} and session_id = 'held' for update`;
    // The first request takes the only connection and waits on the lock; the others wait for
    // the connection, then go as one group with the next request on the held session.
    const first = post(server.baseUrl, tenant.apiKey, [telemetryEvent({ session_id: "held" })]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const free = Array.from(
      { length: 6 },
      (_, i) => post(server.baseUrl, tenant.apiKey, [telemetryEvent({ session_id: `free-${i}` })]),
    );
    const blocked = post(server.baseUrl, tenant.apiKey, [telemetryEvent({ session_id: "held" })]);
    const [firstReply, blockedReply, ...freeReplies] = await Promise.all([first, blocked, ...free]);
    await holder`rollback`;

    assert.equal(firstReply.status, 503);
    assert.equal(blockedReply.status, 503, "the request on the held session fails alone");
    assert.deepEqual(freeReplies.map((r) => [r.status, r.body.accepted]), free.map(() => [200, 1]));
    const [logged] = await sql`
      select count(*)::int as n from sealog.api_access_log
       where request_id in (select jsonb_array_elements_text(${
      sql.json(freeReplies.map((r) => r.requestId))
    })::uuid)`;
    assert.equal(logged!.n, 6, "the refused group left no access-log row behind");
    const [stored] = await sql`select count(*)::int as n from sealog.llm_request_logs
                                where tenant_id = ${tenant.tenantId}`;
    assert.equal(stored!.n, 7, "the first event and the six free ones");
  } finally {
    holder.release();
    await server.stop();
  }
});
