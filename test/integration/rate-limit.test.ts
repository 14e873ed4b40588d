import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { ApiClient } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

describe('per-tenant API rate limit across instances', () => {
  let platform: TestPlatform;
  let second: NestFastifyApplication;
  let tenant: Tenant;
  let viaSecond: ApiClient;

  before(async () => {
    platform = await TestPlatform.start({ env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_WINDOW_MS: '6000' }, worker: false });
    second = await createApiApp(platform.config);
    await second.listen({ port: 0, host: '127.0.0.1' });
    tenant = await platform.createTenant();
    viaSecond = new ApiClient(`http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`, tenant.apiKey);
  });
  after(async () => {
    await second?.close();
    await platform?.stop();
  });

  it('answers 429 with Retry-After once the two instances together reach the limit', async () => {
    // 6 per 6 s window: 3 through each instance pass; per-instance counters would allow 12.
    for (let i = 0; i < 3; i++) {
      assert.equal((await tenant.client.get('/v1/endpoints')).status, 200);
      assert.equal((await viaSecond.get('/v1/endpoints')).status, 200);
    }
    for (const c of [tenant.client, viaSecond]) {
      const res = await c.post('/v1/events', { type: 'a.b', data: {} });
      assert.equal(res.status, 429, res.text);
      const retryAfter = Number(res.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 6, `Retry-After ${res.headers['retry-after']}`);
      assert.equal(res.body.error, 'Too Many Requests');
      assert.match(res.body.message, /rate limit/);
    }
    assert.equal((await platform.query('SELECT count(*)::int AS n FROM events'))[0].n, 0, 'a limited request changes nothing');
    // Another tenant has its own budget.
    const other = await platform.createTenant('other');
    assert.equal((await other.client.get('/v1/endpoints')).status, 200);
  });
});

describe('per-endpoint delivery rate: deliveries wait, never drop or fail', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
    // Four attempts at most: throttled waits must not use them up.
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '0.2,0.2,0.2' } });
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('spreads deliveries to one per second, each delivered with one attempt', async () => {
    const tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/slow'), eventTypes: ['r.*'], rateLimitPerSecond: 1 });
    assert.equal(ep.status, 201, ep.text);
    assert.equal(ep.body.rateLimitPerSecond, 1);
    const n = 6;
    for (let i = 0; i < n; i++) assert.equal((await tenant.client.post('/v1/events', { type: 'r.x', data: { i } })).status, 202);
    const reqs = await receiver.waitFor(n, '/slow', 30_000);
    const times = reqs.map((r) => r.at).sort((a, b) => a - b);
    // At most one per 1 s window: six arrivals need at least five window boundaries.
    assert.ok(times[n - 1]! - times[0]! > 4000, `arrivals spread over ${times[n - 1]! - times[0]!} ms`);
    const rows = await waitUntil(async () => {
      const r = await platform.query('SELECT status, attempt_count FROM deliveries WHERE endpoint_id = $1', [ep.body.id]);
      return r.length === n && r.every((d) => d.status === 'succeeded') ? r : undefined;
    }, 15_000, 'all deliveries succeeded');
    assert.ok(rows.every((d) => d.attempt_count === 1), JSON.stringify(rows));
    assert.equal((await platform.query('SELECT count(*)::int AS n FROM delivery_attempts'))[0].n, n);
  });
});
