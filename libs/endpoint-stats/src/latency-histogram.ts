/** Attempt durations are counted in fixed, log-spaced buckets, so that minutes, hours and days of
 * them add up element by element (in memory, and in Postgres with hist_add) and percentiles come
 * from the sums. Bucket i holds durations from LATENCY_BUCKET_LOWER_MS[i] up to the next bound
 * (exclusive); the bounds are 0 and 2^(k/2) ms rounded up, k = 0..34, without repeats: each bucket
 * starts about √2 times later than the one before (1 ms wide below 4 ms), and the last one holds
 * everything from 131,072 ms (beyond the longest DELIVERY_TIMEOUT_MS). */
export const LATENCY_BUCKET_LOWER_MS: readonly number[] = [
  0, 1, 2, 3, 4, 6, 8, 12, 16, 23, 32, 46, 64, 91, 128, 182, 256, 363, 512, 725, 1024, 1449, 2048, 2897, 4096, 5793, 8192, 11586, 16384, 23171, 32768,
  46341, 65536, 92682, 131072,
];

export const LATENCY_BUCKETS = LATENCY_BUCKET_LOWER_MS.length;

/** Where the last bucket is taken to end, for interpolating inside it (√2 past its start). */
const LAST_BUCKET_END_MS = 185_364;

/** The bucket a duration (ms) falls in. */
export function latencyBucket(durationMs: number): number {
  const ms = Math.max(0, durationMs);
  let lo = 0;
  let hi = LATENCY_BUCKETS - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (LATENCY_BUCKET_LOWER_MS[mid]! <= ms) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Adds `from` into `into`, element by element (histograms, or any counts of one length). */
export function addHistogram(into: Int32Array | number[], from: ArrayLike<number>): void {
  for (let i = 0; i < into.length; i++) into[i] = into[i]! + (from[i] ?? 0);
}

/** The p-th percentile (nearest rank) of the durations counted in `hist`, in whole ms, or null when
 * it counts none. Inside its bucket the value is interpolated by rank (durations taken as spread
 * evenly over the bucket), so it is exact below 4 ms (1 ms buckets) and otherwise off by less than
 * the bucket's width, at most about 41% of the value. */
export function histogramPercentile(hist: ArrayLike<number>, p: number): number | null {
  let total = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) total += hist[i] ?? 0;
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let below = 0;
  for (let i = 0; i < LATENCY_BUCKETS; i++) {
    const n = hist[i] ?? 0;
    if (below + n >= rank) {
      const lo = LATENCY_BUCKET_LOWER_MS[i]!;
      const end = LATENCY_BUCKET_LOWER_MS[i + 1] ?? LAST_BUCKET_END_MS;
      const at = lo + ((end - lo) * (rank - below - 0.5)) / n;
      return Math.min(end - 1, Math.max(lo, Math.floor(at)));
    }
    below += n;
  }
  return null;
}
