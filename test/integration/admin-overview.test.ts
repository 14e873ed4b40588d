import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usePlatform } from '../support/fixture.js';
import { waitUntil } from '../support/test-env.js';

describe('the operator overview (GET /v1/admin/overview)', () => {
  // Two attempts per delivery (one retry); the stats rollup written every 100 ms.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.05', ENDPOINT_STATS_FLUSH_MS: '100' } });

  it('throughput from the rollup, success rate, failing and disabled endpoints across tenants; the backlog while no worker runs', async () => {
    const { platform, receiver } = f;
    receiver.on('/down', () => ({ status: 503, body: 'down' }));
    const empty = await platform.admin.get('/v1/admin/overview');
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.perMinute.length, 60);
    assert.deepEqual(empty.body.lastHour, { attempts: 0, succeeded: 0, failed: 0, successRate: null });
    assert.deepEqual(empty.body.endpoints, { total: 0, disabled: 0, failing: 0, failingLongest: [] });

    const a = await platform.createTenant('a');
    const b = await platform.createTenant('b');
    const mk = async (t: typeof a, path: string) => (await t.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: ['o.*'] })).body.id as string;
    await mk(a, '/ok');
    const down = await mk(a, '/down');
    await mk(b, '/ok');
    const off = await mk(b, '/off');
    assert.equal((await b.client.patch(`/v1/endpoints/${off}`, { status: 'disabled' })).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await a.client.post('/v1/events', { type: 'o.x', data: { i } })).status, 202);
    assert.equal((await b.client.post('/v1/events', { type: 'o.x', data: {} })).status, 202);

    // a: 3 successes to /ok and 3 deliveries of 2 failed attempts to /down; b: 1 success.
    const o = await waitUntil(async () => {
      const res = await platform.admin.get('/v1/admin/overview');
      return res.body.lastHour.attempts === 10 && res.body.backlog.pendingDeliveries === 0 && res.body.endpoints.failing === 1 && res.body;
    }, 20_000, 'the overview to count 10 attempts, no backlog and one failing endpoint');
    assert.deepEqual(o.lastHour, { attempts: 10, succeeded: 4, failed: 6, successRate: 0.4 });
    const starts = o.perMinute.map((m: { minute: string }) => Date.parse(m.minute));
    for (let i = 1; i < 60; i++) assert.equal(starts[i] - starts[i - 1], 60_000);
    assert.ok(starts[59] <= Date.now() && Date.now() < starts[59] + 120_000, 'the last minute is the current one');
    const sum = (k: string) => o.perMinute.reduce((n: number, m: Record<string, number>) => n + m[k]!, 0);
    assert.deepEqual([sum('attempts'), sum('succeeded'), sum('failed')], [10, 4, 6]);
    assert.equal(o.endpoints.total, 4);
    assert.equal(o.endpoints.disabled, 1);
    assert.equal(o.endpoints.failing, 1);
    assert.equal(o.endpoints.failingLongest.length, 1);
    assert.equal(o.endpoints.failingLongest[0].id, down);
    assert.equal(o.endpoints.failingLongest[0].tenantId, a.id);
    assert.equal(o.endpoints.failingLongest[0].status, 'active');
    assert.ok(o.endpoints.failingLongest[0].failingSince);
    assert.deepEqual(Object.keys(o.backlog.queues).sort(), ['delivery', 'fanout', 'recovery']);

    // With no worker, what is dispatched waits: pending in Postgres, waiting in the delivery queue.
    await platform.stopWorker();
    assert.equal((await b.client.post('/v1/events', { type: 'o.x', data: { late: true } })).status, 202);
    const backlog = await waitUntil(async () => {
      const res = await platform.admin.get('/v1/admin/overview');
      return res.body.backlog.pendingDeliveries === 1 && res.body.backlog.queues?.delivery.waiting >= 1 && res.body.backlog;
    }, 15_000, 'one pending delivery and its job waiting');
    assert.equal(backlog.pendingDeliveriesCapped, false);
    await platform.startWorker();
  });

  it('opens to the admin key and service keys with tenants:read only', async () => {
    const { platform } = f;
    const reader = (await platform.admin.post('/v1/admin/service-keys', { name: 'r', scopes: ['tenants:read'] })).body.key;
    const other = (await platform.admin.post('/v1/admin/service-keys', { name: 'o', scopes: ['deliveries:read', 'endpoints:read'] })).body.key;
    assert.equal((await platform.client(reader).get('/v1/admin/overview')).status, 200);
    const refused = await platform.client(other).get('/v1/admin/overview');
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /lacks the scope tenants:read/);
    const tenant = await platform.createTenant();
    assert.equal((await tenant.client.get('/v1/admin/overview')).status, 403);
    assert.equal((await platform.client().get('/v1/admin/overview')).status, 401);
  });
});
