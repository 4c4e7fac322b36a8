/**
 * Latency percentiles of GET /tenant/usage, from the rollups' histograms. The database bins
 * each latency (sealog.latency_bin: bin 0 holds 0 ms, bin k >= 1 holds [1.05^(k-1), 1.05^k) ms)
 * and passes a group's histograms through unmerged; merging them and reading the nearest rank
 * happens here, at about 0.04 µs per bin where jsonb_each_text in SQL took 0.7 µs
 * (docs/tenant-reads.md, "Rollups"). Each percentile is within 2.5% (+0.5 ms) of the exact
 * nearest-rank percentile (percentile_disc) of the latencies counted.
 */

/**
 * Merged counts, indexed by bin: sized for every bin a latency counter (at most 2^53 - 1 ms, bin
 * 741) can reach, so adding is one array write.
 */
export type MergedHistogram = Float64Array;

const BINS = 1024;

/**
 * Adds histograms bin by bin (counts may be negative: a deleted event's delta), from the text
 * get_usage sends: each histogram as `[sign, bin, count, bin, count, ...]` (its counts times the
 * sign: -1 for a block that sealog.usage_parts subtracts), joined by commas. Plain numbers: the
 * database strips the quotes of its jsonb text, so the reply carries no escaped quotes, and
 * JSON.parse reads number arrays several times faster than objects with numeric keys
 * (docs/performance.md, "Tenant reads").
 */
export function mergeHistograms(
  text: string,
  into: MergedHistogram = new Float64Array(BINS),
): MergedHistogram {
  if (text === "") return into;
  for (const sent of JSON.parse(`[${text}]`) as number[][]) {
    const sign = sent[0]!;
    for (let at = 1; at < sent.length; at += 2) {
      const bin = sent[at]!;
      if (!(bin >= 0 && bin < BINS && Number.isInteger(bin))) {
        throw new RangeError(`latency bin ${bin} out of range`);
      }
      into[bin]! += sign * sent[at + 1]!;
    }
  }
  return into;
}

/** Adds merged histograms, for totals made of groups already merged. */
export function addMerged(merged: readonly MergedHistogram[]): MergedHistogram {
  const sum = new Float64Array(BINS);
  for (const counts of merged) {
    for (let bin = 0; bin < BINS; bin++) sum[bin]! += counts[bin]!;
  }
  return sum;
}

const binValues: number[] = [];

/**
 * The latency a bin stands for: its midpoint, moved to the nearest whole millisecond the bin can
 * hold, so within (1.05 - 1) / 2 = 2.5% (+0.5 ms) of any latency in it; bins of one integer
 * (up to 20 ms) are exact.
 */
export function latencyBinValue(bin: number): number {
  if (bin <= 0) return 0;
  const cached = binValues[bin];
  if (cached !== undefined) return cached;
  const low = Math.pow(1.05, bin - 1);
  const high = Math.pow(1.05, bin);
  const value = Math.min(
    Math.max(Math.round((low + high) / 2), Math.ceil(low)),
    Math.max(Math.ceil(high) - 1, Math.ceil(low)),
  );
  binValues[bin] = value;
  return value;
}

/**
 * Nearest-rank percentiles, one per fraction: the value of the first bin whose running count
 * reaches ceil(fraction * total). Undefined for an empty histogram (no event with a latency).
 */
export function latencyPercentiles(
  counts: MergedHistogram,
  fractions: readonly number[],
): (number | undefined)[] {
  let total = 0;
  for (let bin = 0; bin < counts.length; bin++) if (counts[bin]! > 0) total += counts[bin]!;
  const result: (number | undefined)[] = fractions.map(() => undefined);
  if (total === 0) return result;
  const ranks = fractions.map((fraction) => Math.max(Math.ceil(fraction * total), 1));
  let running = 0;
  let found = 0;
  for (let bin = 0; bin < counts.length && found < ranks.length; bin++) {
    const count = counts[bin]!;
    if (count <= 0) continue;
    running += count;
    for (let i = 0; i < ranks.length; i++) {
      if (result[i] === undefined && running >= ranks[i]!) {
        result[i] = latencyBinValue(bin);
        found++;
      }
    }
  }
  return result;
}

/**
 * A usage entry as get_usage returns it: figures, and the histograms of its blocks as one string
 * (a jsonb array of them cost the database more than merging them here saved; performance.md).
 * A signed bucket's last head, read once for two buckets (sealog.usage_parts), comes in
 * `latency_shared`: added here, and subtracted from the entry of the same group at `next_bucket`.
 */
type UsageEntry = Record<string, unknown> & {
  latency_histograms?: string;
  latency_shared?: string;
  next_bucket?: string;
};

const P50_P95 = [0.5, 0.95] as const;

/** Replaces an entry's histograms by its p50/p95 (left out when it has no latency). */
function figure(entry: UsageEntry, merged: MergedHistogram): Record<string, unknown> {
  const { latency_histograms: _, latency_shared: __, next_bucket: ___, ...figures } = entry;
  const [p50, p95] = latencyPercentiles(merged, P50_P95);
  return p50 === undefined ? figures : { ...figures, latency_p50_ms: p50, latency_p95_ms: p95 };
}

/** An entry's bucket and group, as one key. */
function groupKey(bucket: unknown, entry: UsageEntry): string {
  return JSON.stringify([
    bucket ?? null,
    entry.model ?? null,
    entry.provider ?? null,
    entry.agent_id ?? null,
    entry.status ?? null,
    entry.risk_tag ?? null,
  ]);
}

/**
 * get_usage's body as the API answers it: each series entry's histograms merged into its p50/p95
 * (a shared head added to its entry and subtracted from the next bucket's of the group; an entry
 * whose events net to none is then left out), and the totals' from their own histograms (grouped
 * by risk tag, where the series count an event under each tag) or else from the series' merged
 * ones (which then hold every event once).
 */
export function usagePercentiles(body: Record<string, unknown>): Record<string, unknown> {
  const series = (body.series ?? []) as UsageEntry[];
  const totals = (body.totals ?? {}) as UsageEntry;
  const merged = series.map((entry) => mergeHistograms(entry.latency_histograms ?? ""));
  const index = new Map(series.map((entry, i) => [groupKey(entry.bucket, entry), i]));
  series.forEach((entry, i) => {
    if (entry.latency_shared === undefined) return;
    const shared = mergeHistograms(entry.latency_shared);
    const next = index.get(groupKey(entry.next_bucket, entry));
    for (let bin = 0; bin < shared.length; bin++) {
      if (shared[bin] === 0) continue;
      merged[i]![bin]! += shared[bin]!;
      if (next !== undefined) merged[next]![bin]! -= shared[bin]!;
    }
  });
  return {
    ...body,
    series: series.flatMap((entry, i) => entry.events === 0 ? [] : [figure(entry, merged[i]!)]),
    totals: figure(
      totals,
      totals.latency_histograms !== undefined
        ? mergeHistograms(totals.latency_histograms)
        : addMerged(merged),
    ),
  };
}
