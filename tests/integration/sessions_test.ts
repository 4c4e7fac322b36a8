/** GET /ingest/sessions/{session_id}: live totals of the key's tenant; 404 alike otherwise. */
import assert from "node:assert/strict";
import { telemetryEvent } from "../_support/events.ts";
import { call, createTenant, sql, test } from "../_support/stack.ts";

test("session totals, and the same 404 for unknown, expired, malformed and foreign sessions", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const early = new Date(Date.now() - 3_600_000).toISOString();
  await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: {
      events: [
        telemetryEvent({
          session_id: "s-1",
          occurred_at: early,
          input_tokens: 5,
          output_tokens: 1,
          risk_tags: ["PII_EMAIL"],
        }),
        telemetryEvent({
          session_id: "s-1",
          input_tokens: 7,
          output_tokens: 2,
          cost_micro_usd: 30,
          risk_tags: ["PII_PHONE", "PII_EMAIL"],
        }),
        telemetryEvent({ session_id: "s-expired" }),
        telemetryEvent({ session_id: "s-2", risk_tags: ["PII_IBAN"] }),
      ],
    },
  });
  // Each session of a batch gets its own events' tags, and an untagged one none.
  const own = await sql`select session_id, to_jsonb(risk_tags) as tags from sealog.session_state
                         where tenant_id = ${tenant.tenantId} order by session_id`;
  assert.deepEqual(own.map((row) => [row.session_id, row.tags]), [
    ["s-1", ["PII_EMAIL", "PII_PHONE"]],
    ["s-2", ["PII_IBAN"]],
    ["s-expired", []],
  ]);
  const live = await call("/ingest/sessions/s-1", { apiKey: tenant.apiKey });
  assert.equal(live.status, 200);
  assert.equal(live.body.calls, 2);
  assert.equal(live.body.input_tokens, 12);
  assert.equal(live.body.output_tokens, 3);
  assert.equal(live.body.cost_micro_usd, 30);
  assert.deepEqual(live.body.risk_tags, ["PII_EMAIL", "PII_PHONE"]);
  assert.equal(new Date(live.body.first_seen_at).toISOString(), early);
  assert.ok(Date.parse(live.body.expires_at) > Date.now() + 23 * 3_600_000);

  await sql`update sealog.session_state set expires_at = now() - interval '1 second'
             where tenant_id = ${tenant.tenantId} and session_id = 's-expired'`;
  const notFound = [
    await call("/ingest/sessions/unknown", { apiKey: tenant.apiKey }),
    await call("/ingest/sessions/s-expired", { apiKey: tenant.apiKey }),
    await call("/ingest/sessions/s-1", { apiKey: other.apiKey }),
    // ("..", as a whole segment, never reaches a server: URL parsing removes it.)
    await call("/ingest/sessions/a..b", { apiKey: tenant.apiKey }),
    await call(`/ingest/sessions/${"x".repeat(300)}`, { apiKey: tenant.apiKey }),
  ];
  for (const response of notFound) {
    assert.equal(response.status, 404);
    assert.equal(response.body.code, "session_not_found");
    assert.equal(response.body.detail, notFound[0]!.body.detail);
  }
});

test("a session past its expiry starts afresh on new activity", async () => {
  const tenant = await createTenant();
  const send = (tokens: number) =>
    call("/ingest", {
      method: "POST",
      apiKey: tenant.apiKey,
      json: {
        events: [
          telemetryEvent({ session_id: "revived", input_tokens: tokens, risk_tags: ["PII_IBAN"] }),
        ],
      },
    });
  await send(10);
  await sql`update sealog.session_state set expires_at = now() - interval '1 second'
             where tenant_id = ${tenant.tenantId} and session_id = 'revived'`;
  await send(3);
  const response = await call("/ingest/sessions/revived", { apiKey: tenant.apiKey });
  assert.equal(response.body.calls, 1);
  assert.equal(response.body.input_tokens, 3);
});

test("hostile counters saturate session totals instead of wedging the session", async () => {
  const tenant = await createTenant();
  const max = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < 3; i++) {
    const response = await call("/ingest", {
      method: "POST",
      apiKey: tenant.apiKey,
      json: {
        events: [telemetryEvent({ session_id: "huge", input_tokens: max, output_tokens: max })],
      },
    });
    assert.equal(response.status, 200);
  }
  const totals = await call("/ingest/sessions/huge", { apiKey: tenant.apiKey });
  assert.equal(totals.body.calls, 3);
  assert.equal(totals.body.input_tokens, max);
});
