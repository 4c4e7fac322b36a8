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
  const [ledger] =
    await sql`select count(*)::int as n from sealog.llm_event_ids where tenant_id = ${tenant.tenantId}`;
  assert.equal(ledger!.n, events.length);

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
