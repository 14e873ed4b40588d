import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramPercentile, LATENCY_BUCKET_LOWER_MS, LATENCY_BUCKETS, latencyBucket } from './latency-histogram.js';

function histogramOf(durations: number[]): number[] {
  const h = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const d of durations) h[latencyBucket(d)]!++;
  return h;
}

function exactPercentile(durations: number[], p: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('latency histogram', () => {
  it('has increasing bounds from 0, each about √2 times the one before', () => {
    assert.equal(LATENCY_BUCKET_LOWER_MS[0], 0);
    assert.equal(LATENCY_BUCKETS, 35);
    for (let i = 1; i < LATENCY_BUCKETS; i++) {
      const [prev, cur] = [LATENCY_BUCKET_LOWER_MS[i - 1]!, LATENCY_BUCKET_LOWER_MS[i]!];
      assert.ok(cur > prev);
      if (prev >= 1) assert.ok(cur <= Math.ceil(prev * Math.SQRT2), `${prev} -> ${cur}`);
    }
    // 2^(k/2) rounded up, k = 0..34, computed without 2 ** (k / 2)'s float error at even k.
    const powers = Array.from({ length: 35 }, (_, k) => (k % 2 === 0 ? 2 ** (k / 2) : Math.ceil(2 ** ((k - 1) / 2) * Math.SQRT2)));
    assert.deepEqual(LATENCY_BUCKET_LOWER_MS.slice(1), [...new Set(powers)]);
  });

  const cases: Array<[number, number]> = [
    [0, 0], [0.4, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 4], [6, 5], [7, 5], [8, 6], [11, 6], [12, 7], [999, 19], [1000, 19], [1024, 20],
    [10_000, 26], [120_000, 33], [131_071, 33], [131_072, 34], [10_000_000, 34], [-5, 0],
  ];
  for (const [ms, bucket] of cases) {
    it(`puts ${ms} ms in bucket ${bucket}`, () => assert.equal(latencyBucket(ms), bucket));
  }

  it('has no percentile without durations', () => {
    assert.equal(histogramPercentile(new Array(LATENCY_BUCKETS).fill(0), 50), null);
  });

  it('is exact in the 1 ms buckets (below 4 ms)', () => {
    const d = [0, 1, 1, 2, 2, 2, 3, 3, 3, 3];
    for (const p of [10, 30, 50, 60, 70, 90, 99]) assert.equal(histogramPercentile(histogramOf(d), p), exactPercentile(d, p), `p${p}`);
  });

  it('stays within the bucket of the exact percentile, for spread and skewed samples', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples = [
      Array.from({ length: 5000 }, () => Math.floor(rand() * 2000)),
      Array.from({ length: 5000 }, () => Math.floor(Math.exp(rand() * 11))),
      [...Array.from({ length: 990 }, () => 30 + Math.floor(rand() * 5)), ...Array.from({ length: 10 }, () => 10_000)],
    ];
    for (const d of samples) {
      const h = histogramOf(d);
      for (const p of [50, 95, 99]) {
        const exact = exactPercentile(d, p);
        const got = histogramPercentile(h, p)!;
        assert.equal(latencyBucket(got), latencyBucket(exact), `p${p}: ${got} against ${exact}`);
        assert.ok(Math.abs(got - exact) <= Math.max(1, exact * 0.42), `p${p}: ${got} against ${exact}`);
      }
    }
  });

  it('interpolates inside a bucket by rank', () => {
    const h = new Array<number>(LATENCY_BUCKETS).fill(0);
    h[latencyBucket(100)] = 4; // bucket 91..127
    assert.equal(histogramPercentile(h, 25), 95);
    assert.equal(histogramPercentile(h, 100), 123);
  });
});
