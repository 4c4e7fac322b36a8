/** The benchmark's statistics and its chart, which deno task bench relies on. */
import assert from "node:assert/strict";
import { latencyChartSvg } from "../../bench/chart.ts";
import { meanVariance, percentile, welchT } from "../../bench/stats.ts";

Deno.test("percentile is the nearest rank of an ascending array", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 95), 95);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([], 50), null);
});

Deno.test("Welch's t: 0 for identical samples, large for shifted ones, sign follows the means", () => {
  const a = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 + 100);
  assert.deepEqual(meanVariance([1, 2, 3, 4]), { n: 4, mean: 2.5, variance: 5 / 3 });
  assert.equal(welchT(a, a), 0);
  const shifted = a.map((x) => x + 3);
  assert.ok(welchT(shifted, a) > 4.5);
  assert.ok(welchT(a, shifted) < -4.5);
  // Known value: means 2 and 5, variances 1 and 1, n 3 each: t = -3 / sqrt(2/3).
  assert.ok(Math.abs(welchT([1, 2, 3], [4, 5, 6]) + 3 / Math.sqrt(2 / 3)) < 1e-12);
});

Deno.test("the latency chart renders to SVG with vega-lite, without a browser", async () => {
  const svg = await latencyChartSvg([
    { batch: 1, concurrency: 1, eventsPerS: 300, p50: 2, p99: 8 },
    { batch: 1, concurrency: 4, eventsPerS: 600, p50: 5, p99: 14 },
    { batch: 500, concurrency: 1, eventsPerS: 8000, p50: 60, p99: 120 },
  ], "test chart");
  assert.match(svg, /^<svg /);
  assert.match(svg, /test chart/);
  assert.match(svg, /batch 500/);
});
