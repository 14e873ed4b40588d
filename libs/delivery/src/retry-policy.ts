import type { AttemptResult } from './attempt-result.js';

export type Verdict =
  | { outcome: 'succeeded' }
  | { outcome: 'failed'; reason: string }
  | { outcome: 'retry'; delayMs: number; reason: string };

/** The longest a receiver's Retry-After can push an attempt back. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;
/** Each delay is spread by up to this fraction either way, so retries of a burst do not arrive together. */
export const JITTER = 0.1;

export type ResultClass = 'success' | 'retryable' | 'permanent';

/** 2xx succeeds; 5xx, 408, 429 and every network error or timeout are retried; anything else
 * (other 4xx, redirects, which are never followed) fails at once. */
export function classifyResult(result: AttemptResult): ResultClass {
  if (result.kind === 'error') return 'retryable';
  const s = result.status;
  if (s >= 200 && s < 300) return 'success';
  if (s >= 500 || s === 408 || s === 429) return 'retryable';
  return 'permanent';
}

export function describeResult(result: AttemptResult): string {
  return result.kind === 'error' ? result.errorKind : `HTTP ${result.status}`;
}

export class RetryPolicy {
  constructor(
    /** Seconds to wait after attempt n (index n-1); its length is the number of retries. */
    private readonly scheduleSeconds: readonly number[],
    private readonly random: () => number = Math.random,
  ) {}

  get maxAttempts(): number {
    return this.scheduleSeconds.length + 1;
  }

  /** What to do after attempt `attemptNumber` (1-based, counted over the delivery's life) produced
   * `result`. `seriesStart` is the attempt count at which the current series began (0 unless the
   * delivery was sent again): the schedule, and the attempts it allows, count from there. */
  decide(result: AttemptResult, attemptNumber: number, seriesStart = 0): Verdict {
    const cls = classifyResult(result);
    if (cls === 'success') return { outcome: 'succeeded' };
    const reason = describeResult(result);
    if (cls === 'permanent') return { outcome: 'failed', reason: result.kind === 'response' && result.status >= 300 && result.status < 400 ? `${reason} (redirects are not followed)` : reason };
    const inSeries = attemptNumber - seriesStart;
    if (inSeries >= this.maxAttempts) return { outcome: 'failed', reason: `${reason} after ${inSeries} attempts${seriesStart > 0 ? ' since it was sent again' : ''}` };
    const retryAfter = result.kind === 'response' ? result.retryAfterMs : null;
    return { outcome: 'retry', delayMs: this.delayAfter(inSeries, retryAfter), reason };
  }

  /** The wait before the next attempt: the schedule's entry with jitter, never sooner than Retry-After. */
  delayAfter(attemptNumber: number, retryAfterMs: number | null = null): number {
    const base = (this.scheduleSeconds[Math.min(attemptNumber, this.scheduleSeconds.length) - 1] ?? 0) * 1000;
    const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * this.random()));
    const floor = retryAfterMs === null ? 0 : Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
    return Math.max(jittered, floor);
  }
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return null;
  const trimmed = v.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names a day or month; Date.parse alone would accept "-5".
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
