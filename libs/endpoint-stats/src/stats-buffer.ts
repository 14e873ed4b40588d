import type { AttemptResultClass } from '#libs/domain-events';
import { addHistogram, LATENCY_BUCKETS, latencyBucket } from './latency-histogram.js';

/** The result classes in the order the rollup's count columns and `byResult` use. */
export const RESULT_CLASSES: readonly AttemptResultClass[] = ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network'];
const RESULT_INDEX = Object.fromEntries(RESULT_CLASSES.map((c, i) => [c, i])) as Record<AttemptResultClass, number>;

/** One endpoint's attempts that started in one minute, as the rollup row adds them up. */
export interface MinuteStats {
  tenantId: string;
  endpointId: string;
  /** Start of the minute, ms since the epoch. */
  minute: number;
  /** Attempts per result class, in RESULT_CLASSES order; 2xx are the successes. */
  byResult: Int32Array;
  latency: Int32Array;
  /** When the first failed flush of these counts was (ms), or 0. */
  failingSince: number;
}

export interface RecordedAttempt {
  tenantId: string;
  endpointId: string;
  startedAt: Date;
  durationMs: number;
  result: AttemptResultClass;
}

/** The coarser rollup's period: 24 minutes, aligned on the epoch (a day holds 60 of them, and a
 * 7d window's 168-minute bucket 7). */
export const STATS_PERIOD_MINUTES = 24;
const PERIOD_MS = STATS_PERIOD_MINUTES * 60_000;

/** A batch's minutes added up per endpoint and 24-minute period (`minute` is then the period's start). */
export function toPeriods(batch: readonly MinuteStats[]): MinuteStats[] {
  const periods = new Map<string, MinuteStats>();
  for (const m of batch) {
    const start = Math.floor(m.minute / PERIOD_MS) * PERIOD_MS;
    const key = `${m.endpointId}|${start}`;
    const p = periods.get(key);
    if (p) {
      addHistogram(p.byResult, m.byResult);
      addHistogram(p.latency, m.latency);
    } else {
      periods.set(key, { ...m, minute: start, byResult: Int32Array.from(m.byResult), latency: Int32Array.from(m.latency) });
    }
  }
  return [...periods.values()];
}

export const attemptsOf = (m: MinuteStats): number => m.byResult.reduce((a, b) => a + b, 0);

/** Attempts folded into per-endpoint, per-minute counts as they are recorded: the subscriber pays a
 * map lookup and a few increments per attempt, and memory grows with the endpoint-minutes seen
 * since the last flush, not with the attempts. Bounded: past `maxEntries` the oldest minutes are
 * dropped and counted in `dropped`. */
export class StatsBuffer {
  private entries = new Map<string, MinuteStats>();
  /** Attempts dropped (buffer full, or given up after failed flushes) since the last `takeDropped`. */
  private dropped = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  add(a: RecordedAttempt): void {
    const minute = Math.floor(a.startedAt.getTime() / 60_000) * 60_000;
    const key = `${a.endpointId}|${minute}`;
    let m = this.entries.get(key);
    if (!m) {
      m = { tenantId: a.tenantId, endpointId: a.endpointId, minute, byResult: new Int32Array(RESULT_CLASSES.length), latency: new Int32Array(LATENCY_BUCKETS), failingSince: 0 };
      this.entries.set(key, m);
      this.trim();
    }
    m.byResult[RESULT_INDEX[a.result]]!++;
    m.latency[latencyBucket(a.durationMs)]!++;
  }

  /** Removes and returns up to `max` entries, oldest first. */
  take(max: number): MinuteStats[] {
    const out: MinuteStats[] = [];
    for (const [key, m] of this.entries) {
      if (out.length >= max) break;
      out.push(m);
      this.entries.delete(key);
    }
    return out;
  }

  /** A batch whose flush failed at `now` goes back, ahead of what arrived meanwhile (merged into it
   * where the same endpoint-minute came in again). Entries that have been failing for `giveUpMs` are
   * dropped instead; returns how many attempts that was. */
  putBack(batch: readonly MinuteStats[], now: number, giveUpMs: number): number {
    let givenUp = 0;
    const merged = new Map<string, MinuteStats>();
    for (const m of batch) {
      const failingSince = m.failingSince || now;
      if (now - failingSince >= giveUpMs) {
        givenUp += attemptsOf(m);
        continue;
      }
      merged.set(`${m.endpointId}|${m.minute}`, { ...m, failingSince });
    }
    for (const [key, m] of this.entries) {
      const back = merged.get(key);
      if (back) {
        addHistogram(back.byResult, m.byResult);
        addHistogram(back.latency, m.latency);
      } else {
        merged.set(key, m);
      }
    }
    this.entries = merged;
    this.dropped += givenUp;
    this.trim();
    return givenUp;
  }

  /** Attempts dropped since the last call (for one log line per flush). */
  takeDropped(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  private trim(): void {
    while (this.entries.size > this.maxEntries) {
      const [key, oldest] = this.entries.entries().next().value!;
      this.entries.delete(key);
      this.dropped += attemptsOf(oldest);
    }
  }
}
