import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DEFAULT_RETRY, Hookrelay, HookrelayRateLimitError, HookrelayUnavailableError, parseRetryAfter, retryDelay } from '@hookrelay/client';
import { Loopback } from './loopback.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('parseRetryAfter', () => {
  const cases: [string | null | undefined, number | undefined][] = [
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['5', 5000],
    [' 120 ', 120_000],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Tue, 01 Dec 2026 12:00:30 GMT', 30_000],
    // a date already past: no wait
    ['Tue, 01 Dec 2026 11:59:00 GMT', 0],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} -> ${expected}`, () => assert.equal(parseRetryAfter(value, NOW), expected));
  }
});

describe('retryDelay', () => {
  const opts = { ...DEFAULT_RETRY, retries: 2, baseDelayMs: 100, maxDelayMs: 10_000 };
  const cases: [string, number, number, string | null, number | undefined][] = [
    ['429 with Retry-After: the header', 0, 429, '3', 3000],
    ['503 without it: the base delay', 0, 503, null, 100],
    ['doubles per retry', 1, 503, null, 200],
    ['an unreadable header: the base delay', 1, 429, 'later', 200],
    ['retries used up', 2, 429, '0', undefined],
    ['a status not retried', 0, 500, '1', undefined],
    ['Retry-After longer than maxDelayMs: not retried', 0, 429, '11', undefined],
  ];
  for (const [name, retry, status, header, expected] of cases) {
    it(name, () => assert.equal(retryDelay(opts, retry, status, header, NOW), expected));
  }
});

describe('retries against a real server', () => {
  const servers: Loopback[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('sends a request again after 429 and 503 with the same body, and returns the success', async () => {
    const s = await Loopback.start((_req, nth) =>
      nth === 1 ? { status: 429, headers: { 'retry-after': '0' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'slow down' } }
      : nth === 2 ? { status: 503, headers: { 'retry-after': '0' }, body: { statusCode: 503, error: 'Service Unavailable', message: 'later' } }
      : { status: 202, body: { id: '00000000-0000-4000-8000-000000000001', type: 'order.completed', createdAt: '2026-12-01T12:00:00.000Z' } },
    );
    servers.push(s);
    const hr = new Hookrelay({ baseUrl: s.url, apiKey: 'whk_test' });
    const accepted = await hr.events.dispatch({ type: 'order.completed', data: { n: 1 } });
    assert.equal(accepted.id, '00000000-0000-4000-8000-000000000001');
    assert.equal(s.seen.length, 3);
    for (const req of s.seen) {
      assert.equal(req.method, 'POST');
      assert.deepEqual(JSON.parse(req.body), { type: 'order.completed', data: { n: 1 } });
      assert.equal(req.headers.authorization, 'Bearer whk_test');
    }
  });

  it('gives up after the configured retries with a typed error carrying Retry-After', async () => {
    const s = await Loopback.start(() => ({ status: 429, headers: { 'retry-after': '0' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'rate limit exceeded' } }));
    servers.push(s);
    const hr = new Hookrelay({ baseUrl: s.url, apiKey: 'k', retry: { retries: 2 } });
    const err = await hr.settings.get().then(() => assert.fail('expected a 429'), (e: unknown) => e);
    assert.ok(err instanceof HookrelayRateLimitError);
    assert.equal(err.status, 429);
    assert.equal(err.message, 'rate limit exceeded');
    assert.equal(err.retryAfterMs, 0);
    assert.equal(s.seen.length, 3);
  });

  it('does not wait longer than maxDelayMs: the error says how long the server asked for', async () => {
    const s = await Loopback.start(() => ({ status: 503, headers: { 'retry-after': '3600' }, body: { statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable, retry later' } }));
    servers.push(s);
    const hr = new Hookrelay({ baseUrl: s.url, apiKey: 'k' });
    const err = await hr.settings.get().then(() => assert.fail('expected a 503'), (e: unknown) => e);
    assert.ok(err instanceof HookrelayUnavailableError);
    assert.equal(err.retryAfterMs, 3_600_000);
    assert.equal(s.seen.length, 1);
  });

  it('retry: false sends once', async () => {
    const s = await Loopback.start(() => ({ status: 503, headers: { 'retry-after': '0' }, body: { statusCode: 503, error: 'Service Unavailable', message: 'x' } }));
    servers.push(s);
    await assert.rejects(new Hookrelay({ baseUrl: s.url, apiKey: 'k', retry: false }).settings.get(), HookrelayUnavailableError);
    assert.equal(s.seen.length, 1);
  });

  it('an abort ends the wait', async () => {
    const s = await Loopback.start(() => ({ status: 429, headers: { 'retry-after': '30' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'x' } }));
    servers.push(s);
    const controller = new AbortController();
    const hr = new Hookrelay({ baseUrl: s.url, apiKey: 'k' });
    const call = hr.raw.GET('/v1/settings', { signal: controller.signal });
    // The first answer arrived once the server saw the request; the client is now waiting 30 s.
    while (s.seen.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error('stop'));
    await assert.rejects(call, /stop/);
    assert.equal(s.seen.length, 1);
  });
});
