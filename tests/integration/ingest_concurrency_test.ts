/**
 * Many clients at once, resending overlapping event ids into shared sessions: the stored
 * count and the session totals must match exactly.
 */
import assert from "node:assert/strict";
import { telemetryEvent } from "../_support/events.ts";
import { call, createTenant, sql, test } from "../_support/stack.ts";

test("concurrent overlapping resends: exact stored count and exact session totals", async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000 });
  const sessions = ["conc-a", "conc-b", "conc-c"];
  const events = Array.from({ length: 300 }, (_, i) =>
    telemetryEvent({
      session_id: sessions[i % sessions.length],
      input_tokens: i + 1,
      output_tokens: 2 * i,
      cost_micro_usd: 10,
      risk_tags: i % 7 === 0 ? ["PII_EMAIL"] : i % 11 === 0 ? ["PII_PHONE"] : [],
    }));
  // 24 clients, each sending overlapping windows of the same events, shuffled.
  const clients = Array.from({ length: 24 }, (_, client) => {
    const start = (client * 37) % 200;
    const slice = events.slice(start, start + 100).sort(() => Math.random() - 0.5);
    return async () => {
      for (let offset = 0; offset < slice.length; offset += 25) {
        const response = await call("/ingest", {
          method: "POST",
          apiKey: tenant.apiKey,
          json: { events: slice.slice(offset, offset + 25) },
        });
        assert.equal(response.status, 200, response.text);
      }
    };
  });
  await Promise.all(clients.map((client) => client()));
  // Every event once more, to be sure none is missing.
  const final = await call("/ingest", { method: "POST", apiKey: tenant.apiKey, json: { events } });
  assert.equal(final.status, 200);

  const [count] =
    await sql`select count(*)::int as n from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
  assert.equal(count!.n, events.length);

  for (const session of sessions) {
    const expected = events.filter((event) => event.session_id === session);
    const response = await call(`/ingest/sessions/${session}`, { apiKey: tenant.apiKey });
    assert.equal(response.status, 200);
    assert.equal(response.body.calls, expected.length);
    assert.equal(
      response.body.input_tokens,
      expected.reduce((sum, e) => sum + (e.input_tokens as number), 0),
    );
    assert.equal(
      response.body.output_tokens,
      expected.reduce((sum, e) => sum + (e.output_tokens as number), 0),
    );
    assert.equal(response.body.cost_micro_usd, expected.length * 10);
    const tags = [...new Set(expected.flatMap((e) => e.risk_tags as string[]))].sort();
    assert.deepEqual(response.body.risk_tags, tags);
  }
});

test("concurrent resends at the midnight partition boundary: each event stored and counted once", async () => {
  const tenant = await createTenant({ ratePerSecond: 100_000 });
  // The last millisecond of yesterday (UTC) and the first of today: two daily partitions.
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const sides = [new Date(midnight.getTime() - 1), midnight].map((d) => d.toISOString());
  const events = Array.from({ length: 40 }, (_, i) =>
    telemetryEvent({
      session_id: "midnight",
      occurred_at: sides[i % 2],
      input_tokens: i + 1,
    }));
  // A retry across midnight resends the event unchanged, so it lands in its own day again;
  // 16 clients resend every event three times, shuffled.
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let round = 0; round < 3; round++) {
      const batch = [...events].sort(() => Math.random() - 0.5);
      const response = await call("/ingest", {
        method: "POST",
        apiKey: tenant.apiKey,
        json: { events: batch },
      });
      assert.equal(response.status, 200, response.text);
    }
  }));

  const rows = await sql`
    select tableoid::regclass::text as partition, count(*)::int as n
      from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}
     group by 1 order by 1`;
  const day = (d: Date) => d.toISOString().slice(0, 10).replaceAll("-", "");
  assert.deepEqual(rows.map((r) => [r.partition, r.n]), [
    [`sealog.llm_request_logs_p${day(new Date(midnight.getTime() - 1))}`, 20],
    [`sealog.llm_request_logs_p${day(midnight)}`, 20],
  ]);
  const session = await call("/ingest/sessions/midnight", { apiKey: tenant.apiKey });
  assert.equal(session.body.calls, 40);
  assert.equal(session.body.input_tokens, (40 * 41) / 2);
});
