import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptResult } from './attempt-result.js';
import { classifyResult, JITTER, MAX_RETRY_AFTER_MS, parseRetryAfter, RetryPolicy } from './retry-policy.js';

const response = (status: number, retryAfterMs: number | null = null): AttemptResult => ({ kind: 'response', status, body: '', retryAfterMs, durationMs: 1 });
const error = (errorKind: 'timeout' | 'dns' | 'reset' | 'tls' | 'connection_refused' | 'network'): AttemptResult => ({ kind: 'error', errorKind, message: '', durationMs: 1 });

describe('classifyResult', () => {
  const table: Array<[AttemptResult, string]> = [
    [response(200), 'success'],
    [response(204), 'success'],
    [response(299), 'success'],
    [response(500), 'retryable'],
    [response(503), 'retryable'],
    [response(599), 'retryable'],
    [response(408), 'retryable'],
    [response(429), 'retryable'],
    [response(400), 'permanent'],
    [response(401), 'permanent'],
    [response(404), 'permanent'],
    [response(410), 'permanent'],
    [response(301), 'permanent'],
    [response(302), 'permanent'],
    [response(307), 'permanent'],
    [error('timeout'), 'retryable'],
    [error('dns'), 'retryable'],
    [error('reset'), 'retryable'],
    [error('tls'), 'retryable'],
    [error('connection_refused'), 'retryable'],
  ];
  for (const [result, expected] of table) {
    it(`${result.kind === 'response' ? result.status : result.errorKind} is ${expected}`, () => assert.equal(classifyResult(result), expected));
  }
});

describe('RetryPolicy', () => {
  const schedule = [5, 60, 300];
  const mid = new RetryPolicy(schedule, () => 0.5);

  it('follows the schedule, attempt by attempt, then gives up', () => {
    assert.deepEqual(mid.decide(response(500), 1), { outcome: 'retry', delayMs: 5_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 2), { outcome: 'retry', delayMs: 60_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 3), { outcome: 'retry', delayMs: 300_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 4), { outcome: 'failed', reason: 'HTTP 500 after 4 attempts' });
    assert.equal(mid.maxAttempts, 4);
  });

  it('starts the schedule over for a delivery sent again: attempt numbers go on, the series counts from seriesStart', () => {
    // The first series ended failed after attempt 4; resent, attempt 5 is the series' first.
    assert.deepEqual(mid.decide(response(500), 5, 4), { outcome: 'retry', delayMs: 5_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 6, 4), { outcome: 'retry', delayMs: 60_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 7, 4), { outcome: 'retry', delayMs: 300_000, reason: 'HTTP 500' });
    assert.deepEqual(mid.decide(response(500), 8, 4), { outcome: 'failed', reason: 'HTTP 500 after 4 attempts since it was sent again' });
    // A series started after a success on attempt 2.
    assert.deepEqual(mid.decide(error('timeout'), 3, 2), { outcome: 'retry', delayMs: 5_000, reason: 'timeout' });
  });

  it('fails a 4xx at once and succeeds a 2xx', () => {
    assert.equal(mid.decide(response(400), 1).outcome, 'failed');
    assert.equal(mid.decide(response(201), 3).outcome, 'succeeded');
    assert.match((mid.decide(response(302), 1) as { reason: string }).reason, /redirects are not followed/);
  });

  it('spreads delays by the jitter fraction either way', () => {
    const low = new RetryPolicy(schedule, () => 0).delayAfter(2);
    const high = new RetryPolicy(schedule, () => 0.999999).delayAfter(2);
    assert.equal(low, Math.round(60_000 * (1 - JITTER)));
    assert.ok(high <= 60_000 * (1 + JITTER) && high > 60_000 * (1 + JITTER) - 1);
  });

  it('never retries sooner than Retry-After, and caps it', () => {
    assert.equal(mid.delayAfter(1, 120_000), 120_000);
    assert.equal(mid.delayAfter(1, 1_000), 5_000);
    assert.equal(mid.delayAfter(1, 10 * MAX_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
    assert.deepEqual(mid.decide(response(429, 30_000), 1), { outcome: 'retry', delayMs: 30_000, reason: 'HTTP 429' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const table: Array<[string | undefined, number | null]> = [
    ['120', 120_000],
    [' 3 ', 3_000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', null],
    ['-5', null],
    [undefined, null],
  ];
  for (const [value, expected] of table) it(`${JSON.stringify(value)} -> ${expected}`, () => assert.equal(parseRetryAfter(value, now), expected));
});
