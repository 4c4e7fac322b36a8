/**
 * The usage read's p50/p95 stay within 2.5% (+0.5 ms) of the exact nearest-rank percentile
 * (percentile_disc) of the latencies, whatever their spread: the database bins them
 * (sealog.latency_bin, as the rollups do), tenant/latency.ts merges the histograms and reads the
 * percentiles. Checked on 200 groups of random latencies from 0 ms to days, each split over 7
 * histograms as the rollups' blocks split them.
 */
import assert from "node:assert/strict";
import {
  latencyBinValue,
  latencyPercentiles,
  mergeHistograms,
} from "../../supabase/functions/tenant/latency.ts";
import { sql, test } from "../_support/stack.ts";

test("p50 and p95 from merged histograms are within 2.5% (+0.5 ms) of percentile_disc", async () => {
  const groups = await sql`
    with latencies as materialized (
      select g % 200 as grp, g % 7 as part,
             case when g % 13 = 0 then (random() * 20)::bigint
                  else (exp(random() * ln(500000000)))::bigint end as ms
        from generate_series(1, 40000) as g
    ),
    histograms as (
      select h.grp, h.part, jsonb_object_agg(h.bin, h.n) as bins
        from (select l.grp, l.part, sealog.latency_bin(l.ms) as bin, count(*) as n
                from latencies as l
               group by 1, 2, 3) as h
       group by h.grp, h.part
    )
    -- The histograms as get_usage passes them: [sign, bin, count, ...] from the pairs the
    -- rollups keep (sealog.histogram_pairs), joined by commas.
    select e.grp, e.p50::float8 as p50, e.p95::float8 as p95,
           (select count(*) from histograms as h where h.grp = e.grp)::int as parts,
           (select string_agg('[1,' || sealog.histogram_pairs(h.bins) || ']', ',')
              from histograms as h where h.grp = e.grp) as histograms
      from (select l.grp,
                   percentile_disc(0.5) within group (order by l.ms) as p50,
                   percentile_disc(0.95) within group (order by l.ms) as p95
              from latencies as l
             group by l.grp) as e`;
  assert.equal(groups.length, 200);
  for (const group of groups) {
    assert.equal(group.parts, 7, "each group is merged from 7 histograms");
    const [p50, p95] = latencyPercentiles(mergeHistograms(group.histograms), [0.5, 0.95]);
    for (const [approx, exact] of [[p50, group.p50], [p95, group.p95]]) {
      assert.ok(
        approx !== undefined && Math.abs(approx - exact) <= 0.025 * exact + 0.5,
        `group ${group.grp}: ${approx} against ${exact}`,
      );
    }
  }
});

test("latencies up to 20 ms are exact, and the largest counter value is within the bound", async () => {
  const rows = await sql`
    select ms::float8 as ms, sealog.latency_bin(ms) as bin
      from (select generate_series(0, 20)::bigint as ms
            union all select 9007199254740991) as l`;
  for (const { ms, bin } of rows) {
    const value = latencyBinValue(bin);
    if (ms <= 20) assert.equal(value, ms, `${ms} ms`);
    else assert.ok(Math.abs(value - ms) <= 0.025 * ms, `${ms} ms: ${value}`);
  }
});
