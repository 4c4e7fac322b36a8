/** Statistics shared by the benchmarks and the timing test. */

/** The p-th percentile (nearest rank) of an ascending array; null when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Mean and unbiased variance, in one pass (Welford). */
export function meanVariance(
  values: ArrayLike<number>,
): { n: number; mean: number; variance: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    n++;
    const delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/** Welch's t statistic for two samples with unequal variances. */
export function welchT(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = meanVariance(a);
  const y = meanVariance(b);
  const se = Math.sqrt(x.variance / x.n + y.variance / y.n);
  return se === 0 ? 0 : (x.mean - y.mean) / se;
}
