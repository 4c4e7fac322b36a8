/**
 * GET /tenant/usage reads the usage rollups (docs/tenant-reads.md, "Rollups"), over real HTTP:
 * right after ingest and a resend, every figure equals the raw rows' aggregate, by day and by
 * hour, in UTC, Asia/Kolkata (+05:30) and America/New_York, whose days are signed rollup blocks,
 * grouped by model, status and risk tag, over a range
 * that starts and ends off the 15-minute buckets; p50/p95 are within the histogram's bound of
 * the exact nearest-rank values; the same once folded into the rollups. pg_cron folds the deltas into the rollup tables within a
 * minute, after which the rollup tables alone equal the raw rows.
 */
import assert from "node:assert/strict";
import { UsageReport } from "../../supabase/functions/tenant/schemas.ts";
import { telemetryEvent } from "../_support/events.ts";
import { call, createTenant, sql, test, type TestTenant } from "../_support/stack.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Events spread over the last 4 days at odd minutes, in every combination the test groups by. */
function events(count: number): Record<string, unknown>[] {
  const now = Date.now();
  const tags = [[], ["PII_EMAIL"], ["PII_EMAIL", "SECRET_JWT"], ["ACME_X"]];
  return Array.from({ length: count }, (_, i) =>
    telemetryEvent({
      occurred_at: new Date(now - ((i * 7919) % (4 * 24 * 60)) * MINUTE - (i % 60) * 1000)
        .toISOString(),
      model: `model-${i % 3}`,
      status: i % 5 === 0 ? "error" : i % 7 === 3 ? undefined : "ok",
      input_tokens: (i * 37) % 1000,
      output_tokens: (i * 11) % 300,
      cost_micro_usd: i % 4 === 0 ? undefined : (i * 13) % 5000,
      reasoning_tokens: i % 3 === 0 ? (i * 5) % 200 : undefined,
      latency_ms: i % 6 === 0 ? undefined : Math.round(50 + ((i * 7727) % 10_000) ** 1.2),
      risk_tags: tags[i % tags.length],
    }));
}

async function ingest(tenant: TestTenant, batch: Record<string, unknown>[]) {
  const response = await call("/ingest", {
    method: "POST",
    apiKey: tenant.apiKey,
    json: { events: batch },
  });
  assert.equal(response.status, 200, response.text);
  return response.body;
}

type Figures = Record<string, number | string | undefined>;

/** The raw rows' figures by the same grouping, computed by PostgreSQL from llm_request_logs. */
async function rawUsage(
  tenantId: string,
  query: { from: string; to: string; granularity: "hour" | "day"; zone: string; group: string },
) {
  const rows = await sql`
    select date_trunc(${query.granularity}, e.occurred_at, ${query.zone}) as bucket,
           case ${query.group} when 'model' then e.model::text when 'status' then e.status
                               when 'risk_tag' then k.tag end as grp,
           count(*)::int as events,
           (count(*) filter (where e.status = 'error'))::int as errors,
           sum(e.input_tokens)::int as input_tokens,
           sum(e.output_tokens)::int as output_tokens,
           coalesce(sum(e.reasoning_tokens), 0)::int as reasoning_tokens,
           coalesce(sum(e.cost_micro_usd), 0)::int as cost_micro_usd,
           (count(*) filter (where exists (select from unnest(e.risk_tags::text[]) as t(tag)
                                            where t.tag like 'PII\\_%' or t.tag like 'SECRET\\_%')))::int
             as pii_or_secret_events,
           percentile_disc(0.5) within group (order by e.latency_ms)::int as p50,
           percentile_disc(0.95) within group (order by e.latency_ms)::int as p95
      from sealog.llm_request_logs as e
     cross join lateral unnest(case when ${query.group} = 'risk_tag' and cardinality(e.risk_tags) > 0
                                    then e.risk_tags::text[] else array[null::text] end) as k(tag)
     where e.tenant_id = ${tenantId}
       and e.occurred_at >= ${query.from}
       and e.occurred_at < ${query.to}
     group by 1, 2`;
  return new Map(rows.map((row) => [`${(row.bucket as Date).getTime()}|${row.grp ?? "-"}`, row]));
}

function assertWithinBound(approx: number | undefined, exact: number | null, label: string) {
  if (exact === null) return assert.equal(approx, undefined, label);
  assert.ok(approx !== undefined, label);
  assert.ok(Math.abs(approx - exact) <= 0.025 * exact + 0.5, `${label}: ${approx} vs ${exact}`);
}

test("usage is exact at once after ingest and a resend, and after the fold: by day and hour, UTC, Kolkata and New York, by model, status and risk tag", async () => {
  const tenant = await createTenant();
  const other = await createTenant();
  const batch = events(600);
  for (let i = 0; i < batch.length; i += 200) await ingest(tenant, batch.slice(i, i + 200));
  const resent = await ingest(tenant, batch.slice(0, 200));
  assert.equal(resent.accepted, 0, "the resend is stored once");
  await ingest(other, events(50));

  // Off the 15-minute buckets at both ends: the edges come from the raw rows.
  const from = new Date(Date.now() - 3 * DAY - 7 * MINUTE - 13_000).toISOString();
  const to = new Date(Date.now() - 2 * 60 * MINUTE - 41_000).toISOString();
  const [rawTotals = {}] = await sql`
    select count(*)::int as events,
           percentile_disc(0.5) within group (order by latency_ms)::int as p50,
           percentile_disc(0.95) within group (order by latency_ms)::int as p95
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId} and occurred_at >= ${from} and occurred_at < ${to}`;
  // Read from the deltas, then from the rollups once folded: by model and risk tag from the rows
  // summed over agents and statuses, by status from the detailed ones.
  for (const state of ["before the fold", "after the fold"]) {
    if (state === "after the fold") await sql`select sealog.fold_usage_deltas()`;
    for (const granularity of ["day", "hour"] as const) {
      for (const zone of ["UTC", "Asia/Kolkata", "America/New_York"]) {
        for (const group of ["model", "status", "risk_tag"]) {
          const label = `${state} ${granularity} ${zone} ${group}`;
          const response = await call(
            `/tenant/usage?from=${from}&to=${to}&granularity=${granularity}&time_zone=${zone}&group_by=${group}`,
            { apiKey: tenant.apiKey },
          );
          assert.equal(response.status, 200, response.text);
          UsageReport.parse(response.body);
          const raw = await rawUsage(tenant.tenantId, { from, to, granularity, zone, group });
          assert.equal(response.body.series.length, raw.size, label);
          for (const entry of response.body.series as Figures[]) {
            const key = `${Date.parse(entry.bucket as string)}|${entry[group] ?? "-"}`;
            const expected = raw.get(key);
            assert.ok(expected, `${label}: ${key} is in the raw rows`);
            for (
              const figure of [
                "events",
                "errors",
                "input_tokens",
                "output_tokens",
                "reasoning_tokens",
                "cost_micro_usd",
                "pii_or_secret_events",
              ]
            ) {
              assert.equal(entry[figure], expected[figure], `${label} ${key} ${figure}`);
            }
            assertWithinBound(entry.latency_p50_ms as number, expected.p50, `${label} ${key} p50`);
            assertWithinBound(entry.latency_p95_ms as number, expected.p95, `${label} ${key} p95`);
          }
          // The totals count each event once: merged from the series' histograms, or grouped by
          // risk tag (an event under each of its tags there) from histograms of their own.
          assertWithinBound(
            response.body.totals.latency_p50_ms,
            rawTotals.p50,
            `${label} totals p50`,
          );
          assertWithinBound(
            response.body.totals.latency_p95_ms,
            rawTotals.p95,
            `${label} totals p95`,
          );
          assert.equal(response.body.totals.events, rawTotals.events, `${label} totals`);
        }
      }
    }
  }
  const [totals] = await sql`
    select count(*)::int as events, sum(input_tokens)::int as input_tokens
      from sealog.llm_request_logs
     where tenant_id = ${tenant.tenantId} and occurred_at >= ${from} and occurred_at < ${to}`;
  const response = await call(`/tenant/usage?from=${from}&to=${to}&granularity=none`, {
    apiKey: tenant.apiKey,
  });
  assert.equal(response.body.totals.events, totals!.events);
  assert.equal(response.body.totals.input_tokens, totals!.input_tokens);
});

test("p50/p95 of a Kolkata day merged from blocks, a deleted event's negative delta, and a model without latency", async () => {
  const tenant = await createTenant();
  // Yesterday in Kolkata (+05:30): a local day is signed rollup blocks (its UTC day, plus the UTC
  // evening before from 18:30, minus its own, each evening 6 h - two 15 min read once for the two
  // days it bounds), so its histograms are merged with signs. The deleted event (23:40 local,
  // 18:10 UTC) lies in the day, in a 6-hour block subtracted and in a 15-minute block added.
  const kolkataMidnight = new Date(
    Math.floor((Date.now() + 5.5 * 3_600_000) / DAY) * DAY - DAY - 5.5 * 3_600_000,
  );
  const at = (minutes: number) =>
    new Date(kolkataMidnight.getTime() + minutes * MINUTE).toISOString();
  const batch = [
    // One per hour of the local day, 10 ms to 230 ms, and the slowest one to be deleted again.
    ...Array.from(
      { length: 23 },
      (_, hour) =>
        telemetryEvent({
          occurred_at: at(hour * 60 + 17),
          model: "timed",
          latency_ms: 10 + hour * 10,
        }),
    ),
    telemetryEvent({ occurred_at: at(23 * 60 + 40), model: "timed", latency_ms: 90_000 }),
    telemetryEvent({ occurred_at: at(600), model: "untimed" }),
  ];
  await ingest(tenant, batch);
  // A delete through the parent table (as a shorter retention does): its delta is negative.
  await sql`delete from sealog.llm_request_logs
             where tenant_id = ${tenant.tenantId} and latency_ms = 90000`;
  const from = new Date(kolkataMidnight.getTime() - 2 * DAY).toISOString();
  const raw = await rawUsage(tenant.tenantId, {
    from,
    to: new Date().toISOString(),
    granularity: "day",
    zone: "Asia/Kolkata",
    group: "model",
  });
  for (const state of ["before the fold", "after the fold"]) {
    if (state === "after the fold") await sql`select sealog.fold_usage_deltas()`;
    const response = await call(
      `/tenant/usage?from=${from}&granularity=day&time_zone=Asia/Kolkata&group_by=model`,
      { apiKey: tenant.apiKey },
    );
    assert.equal(response.status, 200, response.text);
    UsageReport.parse(response.body);
    const [timed, untimed] = response.body.series as Figures[];
    const expected = raw.get(`${kolkataMidnight.getTime()}|timed`)!;
    assert.deepEqual([timed!.model, timed!.events, expected.events], ["timed", 23, 23], state);
    assert.equal(Date.parse(timed!.bucket as string), kolkataMidnight.getTime(), state);
    assertWithinBound(timed!.latency_p50_ms as number, expected.p50, `${state} p50`);
    assertWithinBound(timed!.latency_p95_ms as number, expected.p95, `${state} p95`);
    // No event of the group carried a latency: no percentile, in the series or the schema.
    assert.deepEqual([untimed!.model, untimed!.events], ["untimed", 1], state);
    assert.equal("latency_p50_ms" in untimed!, false, state);
    assert.equal("latency_histograms" in untimed!, false, state);
    assertWithinBound(response.body.totals.latency_p95_ms, expected.p95, `${state} totals p95`);
  }
});

test("pg_cron folds the deltas into the rollup tables within a minute; then they alone equal the raw rows", async () => {
  const [job] =
    await sql`select schedule, command from cron.job where jobname = 'sealog-fold-usage'`;
  assert.deepEqual({ ...job }, {
    schedule: "* * * * *",
    command: "select sealog.fold_usage_deltas()",
  });
  const tenant = await createTenant();
  await ingest(tenant, events(120));
  const ingestedAt = Date.now();
  // The next run starts within a minute; allow for the run itself on a loaded machine.
  let pending = -1;
  while (Date.now() - ingestedAt < 90_000) {
    const [row] = await sql`
      select count(*)::int as n from sealog.usage_deltas where tenant_id = ${tenant.tenantId}`;
    pending = row!.n;
    if (pending === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  assert.equal(pending, 0, "every delta was folded by pg_cron");
  // Both kinds of rows: per agent and status (detailed), and summed over them.
  const rolled = await sql`
    select detailed, sum(events)::int as events, sum(input_tokens)::int as input_tokens,
           sum(cost_micro_usd)::int as cost_micro_usd
      from sealog.usage_rollups where tenant_id = ${tenant.tenantId} and span_minutes = 15
     group by detailed order by detailed`;
  const [raw] = await sql`
    select count(*)::int as events, sum(input_tokens)::int as input_tokens,
           coalesce(sum(cost_micro_usd), 0)::int as cost_micro_usd
      from sealog.llm_request_logs where tenant_id = ${tenant.tenantId}`;
  assert.deepEqual(rolled.map((row) => ({ ...row })), [
    { detailed: false, ...raw },
    { detailed: true, ...raw },
  ]);
  assert.equal(raw!.events, 120);
});
