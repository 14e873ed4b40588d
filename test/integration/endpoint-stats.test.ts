import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { EndpointStatsRecorder, EndpointStatsRepository, LATENCY_BUCKETS, latencyBucket, StatsBuffer } from '#libs/endpoint-stats';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

interface Stats {
  window: string;
  from: string;
  to: string;
  bucketMinutes: number;
  attempts: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  byResult: Record<string, number>;
  series: Array<{ start: string; attempts: number; succeeded: number; failed: number; p95Ms: number | null }>;
}

const NO_RESULTS = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, timeout: 0, network: 0 };

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function getStats(tenant: Tenant, endpointId: string, window = '1h'): Promise<Stats> {
  const res = await tenant.client.get(`/v1/endpoints/${endpointId}/stats?window=${window}`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The series is 60 consecutive buckets of the window's size, the last one holding now, adding up to the totals. */
function assertSeriesShape(s: Stats, bucketMinutes: number) {
  assert.equal(s.bucketMinutes, bucketMinutes);
  assert.equal(s.series.length, 60);
  const starts = s.series.map((b) => Date.parse(b.start));
  for (let i = 1; i < 60; i++) assert.equal(starts[i]! - starts[i - 1]!, bucketMinutes * 60_000);
  assert.equal(starts[0], Date.parse(s.from));
  assert.equal(starts[59]! + bucketMinutes * 60_000, Date.parse(s.to));
  assert.ok(starts[59]! <= Date.now() && Date.now() < Date.parse(s.to) + 5_000, 'the last bucket is the current one');
  assert.equal(starts[0]! % (bucketMinutes * 60_000), 0, 'aligned on the bucket size');
  const sum = (k: 'attempts' | 'succeeded' | 'failed') => s.series.reduce((n, b) => n + b[k], 0);
  assert.deepEqual([sum('attempts'), sum('succeeded'), sum('failed')], [s.attempts, s.succeeded, s.failed]);
  assert.equal(s.attempts, Object.values(s.byResult).reduce((a, b) => a + b, 0));
  assert.equal(s.succeeded, s.byResult['2xx']);
  for (const b of s.series) assert.equal(b.p95Ms === null, b.attempts === 0);
}

describe('endpoint stats: GET /v1/endpoints/:id/stats from the rollup', () => {
  // One retry per delivery, and a timeout short enough for a hanging receiver (2 s an attempt) yet far
  // above what a loopback answer takes on a busy machine.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.05', DELIVERY_TIMEOUT_MS: '2000', ENDPOINT_STATS_FLUSH_MS: '100' } });
  let tenant: Tenant;
  let other: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('stats');
    other = await f.platform.createTenant('other');
  });

  async function endpoint(url: string, eventTypes: string[]): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url, eventTypes });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  async function dispatchAndSettle(type: string, modes: string[]): Promise<void> {
    const ids: string[] = [];
    for (const mode of modes) {
      const ev = await tenant.client.post('/v1/events', { type, data: { mode } });
      assert.equal(ev.status, 202, ev.text);
      ids.push(ev.body.id);
    }
    await waitUntil(async () => {
      const [row] = await f.platform.query(`SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*)::int AS n FROM deliveries WHERE event_id = ANY($1::uuid[])`, [ids]);
      return row.n === modes.length && row.pending === 0;
    }, 20_000, 'the deliveries finished');
  }

  it('counts attempts by result as deliveries succeed, fail and time out, in every window', async () => {
    f.receiver.on('/mixed', (req) => {
      const mode = JSON.parse(req.body).data.mode as string;
      if (mode === 'hang') return { hang: true };
      return { status: { ok: 200, moved: 301, gone: 410, down: 503 }[mode] ?? 500 };
    });
    const mixed = await endpoint(f.receiver.url('/mixed'), ['mix.*']);
    const refused = await endpoint(`http://127.0.0.1:${await closedPort()}/nobody`, ['refused.event']);
    const before = await getStats(tenant, mixed);
    assert.deepEqual([before.attempts, before.successRate, before.latencyMs, before.byResult], [0, null, { p50: null, p95: null, p99: null }, NO_RESULTS]);

    // ok x3: 3 attempts; moved and gone: 1 each (not retried); down and hang: 2 each (one retry).
    await dispatchAndSettle('mix.event', ['ok', 'ok', 'moved', 'gone', 'down', 'hang', 'ok']);
    await dispatchAndSettle('refused.event', ['any']);
    const expected = { '2xx': 3, '3xx': 1, '4xx': 1, '5xx': 2, timeout: 2, network: 0 };
    // The truth, classified here from the attempt rows themselves.
    const [truth] = await f.platform.query(
      `SELECT count(*)::int AS attempts,
              count(*) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS "2xx",
              count(*) FILTER (WHERE a.response_status BETWEEN 300 AND 399)::int AS "3xx",
              count(*) FILTER (WHERE a.response_status BETWEEN 400 AND 499)::int AS "4xx",
              count(*) FILTER (WHERE a.response_status >= 500)::int AS "5xx",
              count(*) FILTER (WHERE a.error_kind = 'timeout')::int AS timeout,
              count(*) FILTER (WHERE a.error_kind <> 'timeout')::int AS network,
              max(a.duration_ms)::int AS slowest
       FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
      [mixed],
    );
    const { attempts: truthAttempts, slowest, ...truthByResult } = truth;
    assert.deepEqual([truthAttempts, truthByResult], [9, expected], 'the deliveries went as planned');
    const s = await waitUntil(async () => {
      const got = await getStats(tenant, mixed);
      return got.attempts >= 9 && got;
    }, 15_000, 'the stats showing 9 attempts');
    assert.deepEqual(s.byResult, expected, 'the rollup agrees with the attempts');
    assert.deepEqual([s.window, s.attempts, s.succeeded, s.failed, s.successRate], ['1h', 9, 3, 6, 0.3333]);
    assertSeriesShape(s, 1);
    // The two timeouts are the slowest attempts (2 s); the fast ones make the median.
    assert.ok(s.latencyMs.p50! < 1500, JSON.stringify(s.latencyMs));
    assert.ok(s.latencyMs.p99! >= 1448, JSON.stringify(s.latencyMs));
    assert.ok(s.latencyMs.p50! <= s.latencyMs.p95! && s.latencyMs.p95! <= s.latencyMs.p99!);
    assert.equal(latencyBucket(s.latencyMs.p99!), latencyBucket(slowest), 'p99 lies in the bucket of the slowest attempt');

    for (const [window, minutes] of [['24h', 24], ['7d', 168]] as const) {
      const w = await getStats(tenant, mixed, window);
      assert.equal(w.window, window);
      assertSeriesShape(w, minutes);
      assert.deepEqual([w.attempts, w.byResult, w.latencyMs], [9, expected, s.latencyMs], `${window} covers the same attempts`);
    }

    const net = await waitUntil(async () => {
      const got = await getStats(tenant, refused, '24h');
      return got.attempts === 2 && got;
    }, 15_000, 'the refused endpoint stats');
    assert.deepEqual([net.byResult, net.successRate], [{ ...NO_RESULTS, network: 2 }, 0]);
    assertSeriesShape(net, 24);

    // More deliveries move the same minute(s) on.
    await dispatchAndSettle('mix.event', ['ok', 'ok']);
    const after = await waitUntil(async () => {
      const got = await getStats(tenant, mixed);
      return got.attempts === 11 && got;
    }, 15_000, 'the stats showing 11 attempts');
    assert.deepEqual([after.succeeded, after.failed, after.byResult['2xx']], [5, 6, 5]);
  });

  it('places rollup rows in the 60 buckets of each window and leaves older ones out', async () => {
    const ep = await endpoint(f.receiver.url('/seeded'), ['seeded.never']);
    const now = Date.now();
    const minute = (msAgo: number) => new Date(Math.floor((now - msAgo) / 60_000) * 60_000);
    const H = 3600_000;
    const seeds: Array<[Date, number]> = [
      [minute(5 * 60_000), 1], // 5 minutes ago: every window
      [minute(90 * 60_000), 2], // 90 minutes ago: 24h and 7d
      [minute(20 * H), 4], // 24h and 7d
      [minute(3 * 24 * H), 8], // 7d only
      [minute(8 * 24 * H), 16], // too old for any window
    ];
    // Written as the flush writes them: a buffer of minutes through the repository.
    const buffer = new StatsBuffer(100);
    for (const [at, n] of seeds) for (let i = 0; i < n; i++) buffer.add({ tenantId: tenant.id, endpointId: ep, startedAt: at, durationMs: 40, result: '2xx' });
    await f.platform.workerProvider(EndpointStatsRepository).add(buffer.take(100));

    const expectations: Array<[string, number, number[]]> = [
      ['1h', 1, [1]],
      ['24h', 24, [1, 2, 4]],
      ['7d', 168, [1, 2, 4, 8]],
    ];
    for (const [window, minutes, included] of expectations) {
      const s = await getStats(tenant, ep, window);
      assertSeriesShape(s, minutes);
      assert.equal(s.attempts, included.reduce((a, b) => a + b, 0), window);
      const bucketOf = (at: Date) => s.series.findIndex((b) => Date.parse(b.start) <= at.getTime() && at.getTime() < Date.parse(b.start) + minutes * 60_000);
      const expected = new Array<number>(60).fill(0);
      for (const [at, n] of seeds) {
        const i = bucketOf(at);
        if (included.includes(n)) expected[i]! += n;
        else assert.equal(i, -1, `${window}: ${at.toISOString()} is outside the window`);
      }
      assert.deepEqual(s.series.map((b) => b.attempts), expected, window);
      assert.equal(latencyBucket(s.latencyMs.p50!), latencyBucket(40));
    }
  });

  it('adds up concurrent flushes of the same minute, as from several workers', async () => {
    const ep = await endpoint(f.receiver.url('/concurrent'), ['concurrent.never']);
    const repo = f.platform.workerProvider(EndpointStatsRepository);
    const at = new Date();
    const batches = Array.from({ length: 6 }, (_, w) => {
      const b = new StatsBuffer(10);
      for (let i = 0; i <= w; i++) b.add({ tenantId: tenant.id, endpointId: ep, startedAt: at, durationMs: 10 * (w + 1), result: w % 2 ? '5xx' : '2xx' });
      return b.take(10);
    });
    await Promise.all(batches.map((b) => repo.add(b)));
    const [row] = await f.platform.query(`SELECT attempts, succeeded, failed, status_5xx, latency FROM endpoint_stats_minutes WHERE endpoint_id = $1`, [ep]);
    assert.deepEqual([row.attempts, row.succeeded, row.failed, row.status_5xx], [21, 1 + 3 + 5, 2 + 4 + 6, 12]);
    assert.equal(row.latency.length, LATENCY_BUCKETS);
    assert.equal(row.latency.reduce((a: number, b: number) => a + b, 0), 21);
    const [period] = await f.platform.query(`SELECT attempts FROM endpoint_stats_periods WHERE endpoint_id = $1`, [ep]);
    assert.equal(period.attempts, 21);
  });

  it('answers 400 for a bad window, 404 for an unknown, deleted or foreign endpoint, and 24h by default', async () => {
    const ep = await endpoint(f.receiver.url('/plain'), ['plain.never']);
    for (const q of ['?window=2h', '?window=', '?window=1H', '?window=7d&window=1h', '?period=1h']) {
      const res = await tenant.client.get(`/v1/endpoints/${ep}/stats${q}`);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(res.body.statusCode, 400);
      if (q.startsWith('?window=') && !q.includes('&')) assert.match(res.body.message, /window must be one of 1h, 24h, 7d/, q);
    }
    const dflt = await tenant.client.get(`/v1/endpoints/${ep}/stats`);
    assert.equal(dflt.status, 200, dflt.text);
    assert.equal(dflt.body.window, '24h');

    const deleted = await endpoint(f.receiver.url('/deleted'), ['plain.never']);
    assert.equal((await tenant.client.call('DELETE', `/v1/endpoints/${deleted}`)).status, 204);
    for (const [who, id] of [[tenant, '01939e3c-0000-7000-8000-000000000000'], [tenant, 'nope'], [tenant, deleted], [other, ep]] as const) {
      const res = await who.client.get(`/v1/endpoints/${id}/stats?window=1h`);
      assert.equal(res.status, 404, `${id}: ${res.text}`);
      assert.deepEqual(res.body, { statusCode: 404, error: 'Not Found', message: 'endpoint not found' });
    }
    // A bad window on an unknown endpoint: the window is checked first, as for any bad input.
    assert.equal((await other.client.get(`/v1/endpoints/${ep}/stats?window=1y`)).status, 400);
  });
});

describe('endpoint stats: failed flushes and shutdown', () => {
  // Only explicit flushes (and shutdown) write, so what is buffered can be seen.
  const f = usePlatform({ env: { ENDPOINT_STATS_FLUSH_MS: '60000' } });

  async function setup(path: string) {
    const tenant = await f.platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url(path), eventTypes: ['flush.*'] });
    assert.equal(ep.status, 201, ep.text);
    return { tenant, endpointId: ep.body.id as string };
  }

  async function deliver(tenant: Tenant, path: string, n: number) {
    const already = f.receiver.received(path).length;
    for (let i = 0; i < n; i++) assert.equal((await tenant.client.post('/v1/events', { type: 'flush.test', data: { i } })).status, 202);
    await f.receiver.waitFor(already + n, path);
    await waitUntil(async () => {
      const [row] = await f.platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE tenant_id = $1 AND status = 'succeeded'`, [tenant.id]);
      return row.n === already + n;
    }, 15_000, 'the attempts recorded');
  }

  const rollupAttempts = async (endpointId: string) =>
    (await f.platform.query(`SELECT coalesce(sum(attempts), 0)::int AS n FROM endpoint_stats_minutes WHERE endpoint_id = $1`, [endpointId]))[0].n as number;

  it('keeps the counts of a failed flush and writes them, once, when Postgres takes them again', async () => {
    const { tenant, endpointId } = await setup('/retry');
    const recorder = f.platform.workerProvider(EndpointStatsRecorder);
    assert.equal(await recorder.flush(), true);
    // Every new or updated rollup row now fails its check: the flush statement fails as a whole.
    await f.platform.query(`ALTER TABLE endpoint_stats_minutes ADD CONSTRAINT test_refuse_writes CHECK (attempts < 0) NOT VALID`);
    try {
      await deliver(tenant, '/retry', 3);
      await waitUntil(() => recorder.pending > 0, 5_000, 'the attempts buffered');
      assert.equal(await recorder.flush(), false, 'the flush failed');
      assert.equal(await recorder.flush(), false, 'and failed again');
      assert.ok(recorder.pending > 0, 'the counts are still buffered');
      assert.equal(await rollupAttempts(endpointId), 0);
      assert.equal((await tenant.client.get(`/v1/endpoints/${endpointId}/stats?window=1h`)).body.attempts, 0);
    } finally {
      await f.platform.query(`ALTER TABLE endpoint_stats_minutes DROP CONSTRAINT test_refuse_writes`);
    }
    await deliver(tenant, '/retry', 2);
    assert.equal(await recorder.flush(), true);
    assert.equal(recorder.pending, 0);
    assert.equal(await rollupAttempts(endpointId), 5, 'the 3 held back and the 2 since, each once');
    const s = (await tenant.client.get(`/v1/endpoints/${endpointId}/stats?window=24h`)).body;
    assert.deepEqual([s.attempts, s.succeeded, s.byResult['2xx']], [5, 5, 5]);
  });

  it('flushes what is buffered when the worker shuts down', async () => {
    const { tenant, endpointId } = await setup('/shutdown');
    await deliver(tenant, '/shutdown', 4);
    const recorder = f.platform.workerProvider(EndpointStatsRecorder);
    await waitUntil(() => recorder.pending > 0, 5_000, 'the attempts buffered');
    assert.equal(await rollupAttempts(endpointId), 0, 'nothing written before the interval');
    await f.platform.stopWorker();
    assert.equal(await rollupAttempts(endpointId), 4);
  });
});
