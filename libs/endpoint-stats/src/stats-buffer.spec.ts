import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptResultClass } from '#libs/domain-events';
import { latencyBucket } from './latency-histogram.js';
import { attemptsOf, StatsBuffer, toPeriods } from './stats-buffer.js';

const T = '00000000-0000-7000-8000-00000000000a';
const A = '00000000-0000-7000-8000-0000000000a1';
const B = '00000000-0000-7000-8000-0000000000b1';
const at = (iso: string) => new Date(iso);
const attempt = (endpointId: string, startedAt: string, result: AttemptResultClass, durationMs = 10) => ({ tenantId: T, endpointId, startedAt: at(startedAt), durationMs, result });

describe('StatsBuffer', () => {
  it('folds attempts into one entry per endpoint and minute, with classes and latency', () => {
    const b = new StatsBuffer(100);
    b.add(attempt(A, '2026-12-01T10:00:00.000Z', '2xx', 5));
    b.add(attempt(A, '2026-12-01T10:00:59.999Z', '5xx', 300));
    b.add(attempt(A, '2026-12-01T10:01:00.000Z', 'timeout', 10_000));
    b.add(attempt(B, '2026-12-01T10:00:30.000Z', 'network', 1));
    assert.equal(b.size, 3);
    const [a0, a1, b0] = b.take(10);
    assert.equal(b.size, 0);
    assert.deepEqual([a0!.endpointId, new Date(a0!.minute).toISOString(), [...a0!.byResult]], [A, '2026-12-01T10:00:00.000Z', [1, 0, 0, 1, 0, 0]]);
    assert.equal(a0!.latency[latencyBucket(5)], 1);
    assert.equal(a0!.latency[latencyBucket(300)], 1);
    assert.deepEqual([new Date(a1!.minute).toISOString(), [...a1!.byResult]], ['2026-12-01T10:01:00.000Z', [0, 0, 0, 0, 1, 0]]);
    assert.deepEqual([b0!.endpointId, [...b0!.byResult]], [B, [0, 0, 0, 0, 0, 1]]);
    assert.equal(attemptsOf(a0!), 2);
  });

  it('takes at most the batch size, oldest first', () => {
    const b = new StatsBuffer(100);
    for (let m = 0; m < 5; m++) b.add(attempt(A, `2026-12-01T10:0${m}:00Z`, '2xx'));
    assert.deepEqual(b.take(2).map((e) => new Date(e.minute).getUTCMinutes()), [0, 1]);
    assert.equal(b.size, 3);
  });

  it('puts a failed batch back ahead of newer entries, merging counts of the same minute', () => {
    const b = new StatsBuffer(100);
    b.add(attempt(A, '2026-12-01T10:00:00Z', '2xx'));
    const batch = b.take(10);
    b.add(attempt(B, '2026-12-01T10:00:00Z', '4xx'));
    b.add(attempt(A, '2026-12-01T10:00:10Z', '5xx'));
    assert.equal(b.putBack(batch, 1_000, 60_000), 0);
    const again = b.take(10);
    assert.deepEqual(again.map((e) => [e.endpointId, [...e.byResult]]), [[A, [1, 0, 0, 1, 0, 0]], [B, [0, 0, 1, 0, 0, 0]]]);
    assert.equal(again[0]!.failingSince, 1_000);
    assert.equal(b.takeDropped(), 0);
  });

  it('gives up counts that kept failing for the give-up time, and says how many attempts', () => {
    const b = new StatsBuffer(100);
    b.add(attempt(A, '2026-12-01T10:00:00Z', '2xx'));
    b.add(attempt(A, '2026-12-01T10:00:01Z', '2xx'));
    assert.equal(b.putBack(b.take(10), 1_000, 60_000), 0, 'first failure');
    assert.equal(b.putBack(b.take(10), 30_000, 60_000), 0, 'still within the give-up time');
    assert.equal(b.putBack(b.take(10), 61_000, 60_000), 2, 'failing for 60 s');
    assert.equal(b.size, 0);
    assert.equal(b.takeDropped(), 2);
    assert.equal(b.takeDropped(), 0);
  });

  it('drops the oldest minutes beyond its bound and counts their attempts', () => {
    const b = new StatsBuffer(2);
    b.add(attempt(A, '2026-12-01T10:00:00Z', '2xx'));
    b.add(attempt(A, '2026-12-01T10:00:01Z', '2xx'));
    b.add(attempt(A, '2026-12-01T10:01:00Z', '2xx'));
    b.add(attempt(A, '2026-12-01T10:02:00Z', '2xx'));
    assert.equal(b.size, 2);
    assert.equal(b.takeDropped(), 2);
    assert.deepEqual(b.take(10).map((e) => new Date(e.minute).getUTCMinutes()), [1, 2]);
  });

  it('adds minutes up per endpoint and 24-minute period, leaving the minutes as they were', () => {
    const b = new StatsBuffer(100);
    b.add(attempt(A, '2026-12-01T10:23:59Z', '2xx', 5)); // period 10:00
    b.add(attempt(A, '2026-12-01T10:24:00Z', '5xx', 50)); // period 10:24
    b.add(attempt(A, '2026-12-01T10:47:00Z', '2xx', 5)); // period 10:24
    b.add(attempt(B, '2026-12-01T10:30:00Z', 'timeout', 10_000));
    const minutes = b.take(10);
    const periods = toPeriods(minutes);
    assert.deepEqual(
      periods.map((p) => [p.endpointId, new Date(p.minute).toISOString(), [...p.byResult]]),
      [
        [A, '2026-12-01T10:00:00.000Z', [1, 0, 0, 0, 0, 0]],
        [A, '2026-12-01T10:24:00.000Z', [1, 0, 0, 1, 0, 0]],
        [B, '2026-12-01T10:24:00.000Z', [0, 0, 0, 0, 1, 0]],
      ],
    );
    assert.equal(periods[1]!.latency[latencyBucket(5)], 1);
    assert.equal(periods[1]!.latency[latencyBucket(50)], 1);
    assert.deepEqual(minutes.map((m) => attemptsOf(m)), [1, 1, 1, 1], 'the minutes are not changed');
  });
});
