/**
 * The usage read's percentiles (supabase/functions/tenant/latency.ts): histograms merge by
 * adding counts, negative counts (deleted events) included; the nearest rank skips bins that
 * net to zero or below; an empty histogram has no percentile; the totals are merged from the
 * series unless the database sent their own histograms (grouped by risk tag). The error bound
 * against the database's binning is tested in tests/integration/latency_percentiles_test.ts.
 */
import assert from "node:assert/strict";
import {
  latencyBinValue,
  latencyPercentiles,
  mergeHistograms,
  usagePercentiles,
} from "../../supabase/functions/tenant/latency.ts";

Deno.test("histograms of several blocks merge by adding counts, negative ones and signed blocks included", () => {
  const merged = mergeHistograms("[1,3,2,10,1],[1,10,4,40,-1],[1],[1,40,1]");
  assert.equal(merged[3], 2);
  assert.equal(merged[10], 5);
  assert.equal(merged[40], 0);
  assert.equal(merged.reduce((sum, count) => sum + count, 0), 7);
  // Each as [sign, bin, count, ...]: a signed block (sealog.usage_parts' superblock minus its head) with -1.
  const signed = mergeHistograms(
    "[1,3,2,10,1,40,3],[-1,10,1,40,2],[2,5,1]",
  );
  assert.deepEqual([signed[3], signed[5], signed[10], signed[40]], [2, 2, 0, 1]);
  // Into an earlier merge, as the totals' are added; a bin no latency can reach is refused.
  assert.equal(mergeHistograms("[1,3,1]", merged)[3], 3);
  assert.throws(() => mergeHistograms("[1,1024,1]"), RangeError);
  assert.throws(() => mergeHistograms("[1,2.5,1]"), RangeError);
});

Deno.test("the nearest rank is the first bin whose running count reaches ceil(q * n)", () => {
  // 1, 2, ..., 10 ms, one event each: bins 0..20 hold one whole millisecond.
  const counts = mergeHistograms(
    "[1,1,1,2,1,3,1,4,1,5,1],[1,6,1,7,1,8,1,9,1,10,1]",
  );
  const values = Array.from({ length: 11 }, (_, bin) => latencyBinValue(bin));
  // percentile_disc(0.5) of 10 values is the 5th, of 0.95 the 10th.
  assert.deepEqual(latencyPercentiles(counts, [0.5, 0.95]), [values[5], values[10]]);
  assert.deepEqual(latencyPercentiles(counts, [0, 1]), [values[1], values[10]]);
});

Deno.test("bins that net to zero or below are skipped, and an empty histogram has no percentile", () => {
  // One event at bin 30 deleted again (its negative delta not folded yet), one left at bin 50.
  const counts = mergeHistograms("[1,30,1,50,1],[1,30,-1]");
  assert.deepEqual(latencyPercentiles(counts, [0.5, 0.95]), [
    latencyBinValue(50),
    latencyBinValue(50),
  ]);
  assert.deepEqual(latencyPercentiles(mergeHistograms(""), [0.5, 0.95]), [undefined, undefined]);
  assert.deepEqual(latencyPercentiles(mergeHistograms("[1,7,2],[1,7,-2]"), [0.5]), [
    undefined,
  ]);
});

Deno.test("a bin's value is within 2.5% (+0.5 ms) of every whole millisecond the bin holds", () => {
  assert.equal(latencyBinValue(0), 0);
  // Up to the bin of 2^53 - 1 ms, the largest counter; double precision adds at most about
  // 1e-15 of the value (a fraction of a millisecond only past 10^14 ms, 3,000 years).
  for (let bin = 1; bin <= 741; bin++) {
    // The bin's whole milliseconds (none in some of the first bins, which nothing lands in).
    const first = Math.ceil(Math.pow(1.05, bin - 1));
    const last = Math.ceil(Math.pow(1.05, bin)) - 1;
    const value = latencyBinValue(bin);
    for (const ms of first <= last ? [first, last] : []) {
      assert.ok(
        Math.abs(value - ms) <= 0.025 * ms + 0.5 + 1e-12 * ms,
        `bin ${bin}: ${value}, ${ms}`,
      );
    }
  }
});

Deno.test("the usage body: each entry's histograms ([sign, bin, count, ...] arrays joined by commas) become p50/p95; totals from the series or their own", () => {
  const body = {
    from: "x",
    series: [
      { model: "a", events: 3, latency_histograms: "[1,10,1],[1,10,1,60,1]" },
      { model: "b", events: 1 },
    ],
    totals: { events: 4 },
  };
  const answered = usagePercentiles(body) as {
    series: Record<string, unknown>[];
    totals: Record<string, unknown>;
  };
  assert.deepEqual(answered.series[0], {
    model: "a",
    events: 3,
    latency_p50_ms: latencyBinValue(10),
    latency_p95_ms: latencyBinValue(60),
  });
  // No latency at all: no percentile, and no histogram key left in the answer.
  assert.deepEqual(answered.series[1], { model: "b", events: 1 });
  // The totals merge the series' merged histograms.
  assert.deepEqual(answered.totals, {
    events: 4,
    latency_p50_ms: latencyBinValue(10),
    latency_p95_ms: latencyBinValue(60),
  });
  // Grouped by risk tag the totals bring their own: the slow event counted once, not per tag
  // (from the series, 3 of 5 would be slow and the median too).
  const byTag = usagePercentiles({
    series: [
      { risk_tag: "A", events: 1, latency_histograms: "[1,60,1]" },
      { risk_tag: "B", events: 1, latency_histograms: "[1,60,1]" },
      { risk_tag: "C", events: 1, latency_histograms: "[1,60,1]" },
      { events: 2, latency_histograms: "[1,10,2]" },
    ],
    totals: { events: 3, latency_histograms: "[1,60,1],[1,10,2]" },
  }) as { totals: Record<string, unknown> };
  assert.deepEqual(byTag.totals, {
    events: 3,
    latency_p50_ms: latencyBinValue(10),
    latency_p95_ms: latencyBinValue(60),
  });
  assert.deepEqual(
    usagePercentiles({ series: [], totals: { events: 0, latency_histograms: "" } }).totals,
    { events: 0 },
  );
});

Deno.test("a head shared by two buckets is added to its entry and subtracted from the group's next one; an entry netting to no event is dropped", () => {
  // Day 1 of model a: its UTC day {"10": 3} minus its head, plus the shared head {"10": 1,
  // "40": 1} (bins of day 2's morning). Day 2: its UTC day {"40": 4} minus that shared head.
  // Model b: day 1's events all deleted again (events 0), its shared head still owed to day 2.
  const answered = usagePercentiles({
    series: [
      {
        bucket: "d1",
        model: "a",
        events: 4,
        latency_histograms: "[1,10,3]",
        latency_shared: "[1,10,1,40,1]",
        next_bucket: "d2",
      },
      {
        bucket: "d1",
        model: "b",
        events: 0,
        latency_histograms: "[1,20,1],[-1,20,1]",
        latency_shared: "[1,50,2]",
        next_bucket: "d2",
      },
      { bucket: "d2", model: "a", events: 3, latency_histograms: "[1,40,4]" },
      { bucket: "d2", model: "b", events: 1, latency_histograms: "[1,50,2,60,1]" },
    ],
    totals: { events: 8 },
  }) as { series: Record<string, unknown>[]; totals: Record<string, unknown> };
  assert.deepEqual(answered.series, [
    {
      bucket: "d1",
      model: "a",
      events: 4,
      latency_p50_ms: latencyBinValue(10),
      latency_p95_ms: latencyBinValue(40),
    },
    {
      bucket: "d2",
      model: "a",
      events: 3,
      latency_p50_ms: latencyBinValue(40),
      latency_p95_ms: latencyBinValue(40),
    },
    {
      bucket: "d2",
      model: "b",
      events: 1,
      latency_p50_ms: latencyBinValue(60),
      latency_p95_ms: latencyBinValue(60),
    },
  ]);
  // The shared heads cancel in the totals: 3 latencies at bin 10, 4 at 40, 2 at 50, 1 at 60.
  assert.deepEqual(answered.totals, {
    events: 8,
    latency_p50_ms: latencyBinValue(40),
    latency_p95_ms: latencyBinValue(60),
  });
});
