import type { AttemptResultClass } from '#libs/domain-events';
import { addHistogram, histogramPercentile, LATENCY_BUCKETS } from './latency-histogram.js';
import { RESULT_CLASSES } from './stats-buffer.js';

/** The windows the stats route serves, each as 60 buckets of this many minutes. */
export const STATS_WINDOW_BUCKET_MINUTES = { '1h': 1, '24h': 24, '7d': 168 } as const;
export type StatsWindow = keyof typeof STATS_WINDOW_BUCKET_MINUTES;
export const STATS_WINDOWS = Object.keys(STATS_WINDOW_BUCKET_MINUTES) as StatsWindow[];
export const SERIES_BUCKETS = 60;

/** Which rollup a window reads: minute rows for 1h (60 of them), 24-minute periods for 24h (60) and
 * 7d (420), so no window reads more than 420 rows however many attempts it covers. */
export const STATS_WINDOW_ROLLUP: Record<StatsWindow, 'minutes' | 'periods'> = { '1h': 'minutes', '24h': 'periods', '7d': 'periods' };

export function isStatsWindow(w: string): w is StatsWindow {
  return Object.hasOwn(STATS_WINDOW_BUCKET_MINUTES, w);
}

export interface StatsRange {
  rollup: 'minutes' | 'periods';
  /** Start of the first bucket (inclusive) and end of the last (exclusive), ms since the epoch. */
  from: number;
  to: number;
  bucketMs: number;
}

/** The 60 buckets of a window at `now`: aligned on multiples of the bucket length since the epoch
 * (so the same call a moment later shows the same buckets), the last one being the current,
 * partly elapsed one. */
export function statsRange(window: StatsWindow, now: number): StatsRange {
  const bucketMs = STATS_WINDOW_BUCKET_MINUTES[window] * 60_000;
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  return { rollup: STATS_WINDOW_ROLLUP[window], from: to - SERIES_BUCKETS * bucketMs, to, bucketMs };
}

/** One series bucket's sums, as the repository reads them from the rollup. */
export interface BucketSums {
  /** 0..59 */
  bucket: number;
  /** Attempts per result class, in RESULT_CLASSES order. */
  byResult: number[];
  latency: number[];
}

export type ByResult = Record<AttemptResultClass, number>;

export interface EndpointStats {
  window: StatsWindow;
  from: Date;
  to: Date;
  bucketMinutes: number;
  attempts: number;
  succeeded: number;
  failed: number;
  /** succeeded / attempts, 4 decimals; null without attempts. */
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  byResult: ByResult;
  series: Array<{ start: Date; attempts: number; succeeded: number; failed: number; p95Ms: number | null }>;
}

/** The stats response from a window's bucket sums: totals over the 60 buckets, percentiles from the
 * summed histograms, and every bucket in the series, empty ones included. */
export function summariseStats(window: StatsWindow, range: StatsRange, sums: readonly BucketSums[]): EndpointStats {
  const byBucket = new Map(sums.map((s) => [s.bucket, s]));
  const totalByResult = new Array<number>(RESULT_CLASSES.length).fill(0);
  const totalLatency = new Array<number>(LATENCY_BUCKETS).fill(0);
  const series: EndpointStats['series'] = [];
  for (let i = 0; i < SERIES_BUCKETS; i++) {
    const s = byBucket.get(i);
    const attempts = s ? s.byResult.reduce((a, b) => a + b, 0) : 0;
    const succeeded = s?.byResult[0] ?? 0;
    if (s) {
      addHistogram(totalByResult, s.byResult);
      addHistogram(totalLatency, s.latency);
    }
    series.push({ start: new Date(range.from + i * range.bucketMs), attempts, succeeded, failed: attempts - succeeded, p95Ms: s ? histogramPercentile(s.latency, 95) : null });
  }
  const attempts = totalByResult.reduce((a, b) => a + b, 0);
  const succeeded = totalByResult[0]!;
  return {
    window,
    from: new Date(range.from),
    to: new Date(range.to),
    bucketMinutes: range.bucketMs / 60_000,
    attempts,
    succeeded,
    failed: attempts - succeeded,
    successRate: attempts === 0 ? null : Math.round((succeeded / attempts) * 10_000) / 10_000,
    latencyMs: { p50: histogramPercentile(totalLatency, 50), p95: histogramPercentile(totalLatency, 95), p99: histogramPercentile(totalLatency, 99) },
    byResult: Object.fromEntries(RESULT_CLASSES.map((c, i) => [c, totalByResult[i]!])) as ByResult,
    series,
  };
}
