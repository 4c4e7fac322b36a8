/**
 * The scanner stays linear on adversarial input: for each input of bench/scanner_adversarial.ts,
 * scanning 1 MiB takes about 4 times as long as 256 KiB. A quadratic detector gives 16. Time is
 * this process's CPU time, not the wall clock: on a loaded machine (npm test runs its lanes in
 * parallel) the wall clock also counts the time other processes held the cores, which once gave
 * ×9 and ×16 on linear detectors. The bound is loose (8) for what CPU time still shares (caches,
 * GC threads); each timing repeats the scan for at least 40 ms and the best of interleaved runs is
 * taken. This checks a ratio, not a speed: the speed targets are in the benchmark.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { scan } from "../../sdk/mod.ts";
import { ADVERSARIAL } from "../../bench/scanner_adversarial.ts";

const KiB = 1024;
const MAX_RATIO = 8;
const RUNS = 3;
/** Each timing repeats the scan until it lasts this long, so that a few milliseconds of noise
 * (a GC pause, another process) cannot decide the ratio. */
const MIN_TIMING_MS = 40;

/** This process's CPU time (user and system) in milliseconds. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The best, over `runs` timings, of the time per scan of `text`. */
function msPerScan(text: string, runs: number): number {
  const started = cpuMs();
  scan(text);
  const once = cpuMs() - started;
  const repeats = Math.max(1, Math.ceil(MIN_TIMING_MS / Math.max(once, 0.5)));
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const from = cpuMs();
    for (let i = 0; i < repeats; i++) scan(text);
    best = Math.min(best, (cpuMs() - from) / repeats);
  }
  return best;
}

/** Time per scan at both sizes, interleaved so that a burst of load hits both alike. */
function ratioOf(small: string, large: string, runs: number): [number, number, number] {
  let smallMs = Infinity;
  let largeMs = Infinity;
  for (let run = 0; run < runs; run++) {
    smallMs = Math.min(smallMs, msPerScan(small, 1));
    largeMs = Math.min(largeMs, msPerScan(large, 1));
  }
  return [smallMs, largeMs, largeMs / smallMs];
}

for (const [name, build] of Object.entries(ADVERSARIAL)) {
  Deno.test(`linear time: ${name}, 256 KiB against 1 MiB`, () => {
    const small = build(256 * KiB);
    const large = build(1024 * KiB);
    let [smallMs, largeMs, ratio] = ratioOf(small, large, RUNS);
    // A loaded machine can still skew one measurement: a second, longer one settles it.
    if (ratio > MAX_RATIO) [smallMs, largeMs, ratio] = ratioOf(small, large, RUNS * 3);
    assert.ok(
      ratio <= MAX_RATIO,
      `${name}: ${smallMs.toFixed(2)} ms at 256 KiB, ${largeMs.toFixed(2)} ms at 1 MiB (×${
        ratio.toFixed(1)
      })`,
    );
  });
}
