import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthFold, summarise, type HealthAttempt } from './health-summary.js';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
let n = 0;
/** An attempt at T0 + `s` seconds (duration 0) to endpoint `ep`. */
function attempt(ep: string, s: number, deliveryStatus: HealthAttempt['deliveryStatus'], extra: Partial<HealthAttempt> = {}): HealthAttempt {
  return {
    tenantId: 't1',
    endpointId: ep,
    deliveryId: `d${++n}`,
    startedAt: new Date(T0 + s * 1000),
    durationMs: 0,
    deliveryStatus,
    responseStatus: deliveryStatus === 'succeeded' ? 200 : 503,
    errorKind: null,
    reason: deliveryStatus === 'succeeded' ? null : `HTTP 503 at ${s}`,
    ...extra,
  };
}
const at = (s: number) => new Date(T0 + s * 1000);

describe('summarise', () => {
  const cases: Array<[string, HealthAttempt[], Partial<ReturnType<typeof summarise>[number]>]> = [
    ['failures only extend the stored streak', [attempt('a', 1, 'failed'), attempt('a', 2, 'failed')], { reset: false, streakFailures: 2, streakSince: at(1), lastFailureAt: at(2), lastSuccessAt: null, failedDeliveries: 2 }],
    ['a retried attempt moves lastFailureAt, not the streak', [attempt('a', 1, 'pending')], { reset: false, streakFailures: 0, streakSince: null, lastFailureAt: at(1), lastError: 'HTTP 503 at 1', failedDeliveries: 0 }],
    ['a success after failures resets the streak', [attempt('a', 1, 'failed'), attempt('a', 2, 'failed'), attempt('a', 3, 'succeeded')], { reset: true, streakFailures: 0, streakSince: null, lastSuccessAt: at(3), lastFailureAt: at(2), failedDeliveries: 2 }],
    ['failures after a success start a new streak', [attempt('a', 1, 'failed'), attempt('a', 2, 'succeeded'), attempt('a', 3, 'failed'), attempt('a', 4, 'failed')], { reset: true, streakFailures: 2, streakSince: at(3), lastSuccessAt: at(2), failedDeliveries: 3 }],
    ['a success alone resets', [attempt('a', 1, 'succeeded')], { reset: true, streakFailures: 0, lastSuccessAt: at(1), lastFailureAt: null, lastError: null }],
    ['the last error is the latest failure, response status and error kind', [attempt('a', 2, 'failed'), attempt('a', 1, 'pending', { responseStatus: null, errorKind: 'timeout', reason: 'timed out' })], { lastError: 'HTTP 503 at 2', lastResponseStatus: 503, lastErrorKind: null, lastFailureAt: at(2) }],
    ['a network error', [attempt('a', 1, 'failed', { responseStatus: null, errorKind: 'connection_refused', reason: 'connection refused' })], { lastError: 'connection refused', lastResponseStatus: null, lastErrorKind: 'connection_refused' }],
    ['at most five delivery ids, every one counted', Array.from({ length: 7 }, (_, i) => attempt('a', i, 'failed')), { failedDeliveries: 7, streakFailures: 7 }],
  ];
  for (const [what, attempts, expected] of cases) {
    it(what, () => {
      const [s, ...rest] = summarise(attempts);
      assert.equal(rest.length, 0);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(s![k as keyof typeof s], v, k);
      assert.ok(s!.failedDeliveryIds.length <= 5);
    });
  }

  it('keeps endpoints apart and lists failed delivery ids in order', () => {
    const a1 = attempt('a', 1, 'failed');
    const b1 = attempt('b', 1, 'succeeded');
    const a2 = attempt('a', 2, 'failed');
    const out = summarise([a1, b1, a2]);
    assert.deepEqual(out.map((s) => [s.endpointId, s.streakFailures, s.reset, s.failedDeliveryIds]), [['a', 2, false, [a1.deliveryId, a2.deliveryId]], ['b', 0, true, []]]);
  });

  it('measures from the end of the attempt', () => {
    const [s] = summarise([attempt('a', 1, 'failed', { durationMs: 1500 })]);
    assert.deepEqual(s!.streakSince, new Date(T0 + 2500));
  });
});

describe('HealthFold.append', () => {
  /** A seeded sequence of attempts to three endpoints, every status, times out of order. */
  function sequence(seed: number, length: number): HealthAttempt[] {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const statuses: Array<HealthAttempt['deliveryStatus']> = ['succeeded', 'failed', 'pending'];
    // Each failure has its own reason, so that which of two at the same time wins shows.
    return Array.from({ length }, (_, i) => {
      const status = statuses[Math.floor(next() * 3)]!;
      return attempt(['a', 'b', 'c'][Math.floor(next() * 3)]!, Math.floor(next() * 10), status, status === 'succeeded' ? {} : { reason: `failure ${i}` });
    });
  }
  const fold = (attempts: HealthAttempt[]) => {
    const f = new HealthFold();
    for (const a of attempts) f.add(a);
    return f;
  };
  const byEndpoint = (s: ReturnType<typeof summarise>) => [...s].sort((x, y) => x.endpointId.localeCompare(y.endpointId));

  it('folding the older attempts and appending the newer ones gives what folding them all in order gives', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const all = sequence(seed, 1 + (seed % 17));
      const cut = seed % (all.length + 1);
      const appended = fold(all.slice(0, cut)).append(fold(all.slice(cut)));
      assert.deepEqual(byEndpoint(appended.summaries()), byEndpoint(summarise(all)), `seed ${seed}, cut at ${cut} of ${all.length}`);
      assert.equal(appended.attempts, all.length);
    }
  });
});
