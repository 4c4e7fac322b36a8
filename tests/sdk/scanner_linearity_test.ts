/**
 * The scanner stays linear on adversarial input: for each input of bench/scanner_adversarial.ts,
 * scanning 1 MiB takes about 4 times as long as 256 KiB. A quadratic detector gives 16. The
 * bound is loose (8) because other processes share the machine; the best of several
 * interleaved runs is taken, so a burst of load hits both sizes alike. This checks a ratio,
 * not a speed: the speed targets are in the benchmark.
 */
import assert from "node:assert/strict";
import { scan } from "../../sdk/mod.ts";
import { ADVERSARIAL } from "../../bench/scanner_adversarial.ts";

const KiB = 1024;
const MAX_RATIO = 8;
const RUNS = 5;

function bestOf(runs: number, small: string, large: string): [number, number] {
  let smallMs = Infinity;
  let largeMs = Infinity;
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    scan(small);
    smallMs = Math.min(smallMs, performance.now() - started);
    started = performance.now();
    scan(large);
    largeMs = Math.min(largeMs, performance.now() - started);
  }
  return [smallMs, largeMs];
}

for (const [name, build] of Object.entries(ADVERSARIAL)) {
  Deno.test(`linear time: ${name}, 256 KiB against 1 MiB`, () => {
    const small = build(256 * KiB);
    const large = build(1024 * KiB);
    scan(small); // warm-up
    let [smallMs, largeMs] = bestOf(RUNS, small, large);
    // Under a millisecond, timer resolution and noise dominate; a longer retry settles it.
    if (largeMs / Math.max(smallMs, 0.5) > MAX_RATIO) {
      [smallMs, largeMs] = bestOf(RUNS * 2, small, large);
    }
    const ratio = largeMs / Math.max(smallMs, 0.5);
    assert.ok(
      ratio <= MAX_RATIO,
      `${name}: ${smallMs.toFixed(1)} ms at 256 KiB, ${largeMs.toFixed(1)} ms at 1 MiB (×${
        ratio.toFixed(1)
      })`,
    );
  });
}
