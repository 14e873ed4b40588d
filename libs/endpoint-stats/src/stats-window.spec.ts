import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATENCY_BUCKETS, latencyBucket } from './latency-histogram.js';
import { isStatsWindow, SERIES_BUCKETS, statsRange, summariseStats } from './stats-window.js';

const hist = (entries: Array<[number, number]>) => {
  const h = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [ms, n] of entries) h[latencyBucket(ms)]! += n;
  return h;
};

describe('stats windows', () => {
  it('knows 1h, 24h and 7d only', () => {
    for (const w of ['1h', '24h', '7d']) assert.ok(isStatsWindow(w));
    for (const w of ['1d', '7D', '', 'hasOwnProperty', '__proto__', '60m']) assert.ok(!isStatsWindow(w), w);
  });

  const now = Date.parse('2026-12-01T10:30:20.500Z');
  const cases: Array<[Parameters<typeof statsRange>[0], string, string, number]> = [
    ['1h', '2026-12-01T09:31:00.000Z', '2026-12-01T10:31:00.000Z', 1],
    ['24h', '2026-11-30T10:48:00.000Z', '2026-12-01T10:48:00.000Z', 24],
    // 168-minute buckets are aligned on the epoch (1970-01-01T00:00Z), not on days.
    ['7d', '2026-11-24T11:36:00.000Z', '2026-12-01T11:36:00.000Z', 168],
  ];
  for (const [w, from, to, minutes] of cases) {
    it(`${w}: 60 buckets of ${minutes} min, the last one holding now`, () => {
      const r = statsRange(w, now);
      assert.deepEqual([new Date(r.from).toISOString(), new Date(r.to).toISOString(), r.bucketMs], [from, to, minutes * 60_000]);
      assert.equal((r.to - r.from) / r.bucketMs, SERIES_BUCKETS);
      assert.ok(r.to - r.bucketMs <= now && now < r.to);
      assert.equal(r.from % r.bucketMs, 0);
    });
  }

  it('is empty, with 60 empty buckets, when nothing was recorded', () => {
    const s = summariseStats('1h', statsRange('1h', now), []);
    assert.deepEqual([s.attempts, s.succeeded, s.failed, s.successRate], [0, 0, 0, null]);
    assert.deepEqual(s.latencyMs, { p50: null, p95: null, p99: null });
    assert.deepEqual(s.byResult, { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, timeout: 0, network: 0 });
    assert.equal(s.series.length, 60);
    assert.ok(s.series.every((b) => b.attempts === 0 && b.p95Ms === null));
    assert.equal(s.series[0]!.start.toISOString(), '2026-12-01T09:31:00.000Z');
    assert.equal(s.series[59]!.start.toISOString(), '2026-12-01T10:30:00.000Z');
  });

  it('adds buckets into totals and percentiles, and places each in the series', () => {
    const r = statsRange('24h', now);
    const s = summariseStats('24h', r, [
      { bucket: 0, byResult: [90, 0, 0, 10, 0, 0], latency: hist([[20, 90], [500, 10]]) },
      { bucket: 59, byResult: [0, 1, 2, 3, 4, 0], latency: hist([[10_000, 10]]) },
    ]);
    assert.deepEqual([s.window, s.bucketMinutes, s.attempts, s.succeeded, s.failed, s.successRate], ['24h', 24, 110, 90, 20, 0.8182]);
    assert.deepEqual(s.byResult, { '2xx': 90, '3xx': 1, '4xx': 2, '5xx': 13, timeout: 4, network: 0 });
    assert.equal(latencyBucket(s.latencyMs.p50!), latencyBucket(20));
    assert.equal(latencyBucket(s.latencyMs.p95!), latencyBucket(10_000));
    assert.deepEqual([s.series[0]!.attempts, s.series[0]!.succeeded, s.series[0]!.failed], [100, 90, 10]);
    assert.equal(latencyBucket(s.series[0]!.p95Ms!), latencyBucket(500));
    assert.deepEqual([s.series[59]!.attempts, s.series[59]!.succeeded, s.series[59]!.failed], [10, 0, 10]);
    assert.ok(s.series.slice(1, 59).every((b) => b.attempts === 0));
    assert.equal(s.from.toISOString(), new Date(r.from).toISOString());
  });
});
