import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { TenantAuthGuard } from '../../apps/api/src/common/auth.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

interface Route {
  method: string;
  path: string;
}

/** Every route behind TenantAuthGuard, read from the application's own controllers. */
function tenantRoutes(platform: TestPlatform): Route[] {
  const routes: Route[] = [];
  for (const mod of platform.api.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      if (!cls) continue;
      const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, cls) ?? [];
      const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler);
        if (sub === undefined) continue;
        const methodGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, handler) ?? [];
        if (![...guards, ...methodGuards].includes(TenantAuthGuard)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const path = `/${[base, sub].map((p: string) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ method, path });
      }
    }
  }
  return routes;
}

describe('tenant isolation, over every tenant route in the route table', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let owner: Tenant;
  let intruder: Tenant;
  const ids: Record<string, string> = {};

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start();
    owner = await platform.createTenant('owner');
    intruder = await platform.createTenant('intruder');
    const ep = await owner.client.post('/v1/endpoints', { url: receiver.url('/owner'), eventTypes: ['iso.*'] });
    ids.endpoint = ep.body.id;
    const ev = await owner.client.post('/v1/events', { type: 'iso.test', data: { private: true } });
    ids.event = ev.body.id;
    await receiver.waitFor(1, '/owner');
    ids.delivery = (await waitUntil(async () => (await owner.client.get(`/v1/deliveries?eventId=${ev.body.id}`)).body.data[0]?.id, 15_000, 'the delivery'))!;
    ids.apiKey = (await owner.client.get('/v1/api-keys')).body.data[0].id;
    await owner.client.patch('/v1/settings', { alertEmails: ['owner@example.com'] });
    const recovery = await owner.client.post(`/v1/endpoints/${ids.endpoint}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
    ids.recovery = recovery.body.id;
    await waitUntil(async () => (await owner.client.get(`/v1/recoveries/${ids.recovery}`)).body.status === 'completed', 15_000, 'the recovery');
    // Health is written a moment after the attempt: let it settle before the owner's rows are compared.
    await waitUntil(async () => (await owner.client.get(`/v1/endpoints/${ids.endpoint}`)).body.health.lastSuccessAt !== null, 15_000, 'the endpoint health');
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  /** The owner's rows, to prove an intruder's request changed nothing. */
  async function ownerState() {
    const t = [owner.id];
    return {
      endpoints: await platform.query('SELECT * FROM endpoints WHERE tenant_id = $1 ORDER BY id', t),
      secrets: await platform.query('SELECT * FROM endpoint_secrets WHERE tenant_id = $1 ORDER BY id', t),
      keys: await platform.query('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY id', t),
      events: await platform.query('SELECT id, type, data::text FROM events WHERE tenant_id = $1 ORDER BY id', t),
      deliveries: await platform.query('SELECT * FROM deliveries WHERE tenant_id = $1 ORDER BY id', t),
      recoveries: await platform.query('SELECT * FROM recoveries WHERE tenant_id = $1 ORDER BY id', t),
      tenant: await platform.query('SELECT * FROM tenants WHERE id = $1', t),
    };
  }

  // What the intruder tries on each route, and what it must get. A route missing here fails the test.
  type Case = { path: string; body?: unknown; expect: 404 } | { path: string; body?: unknown; expect: 'list' } | { path: string; body: unknown; expect: 'own' };
  const cases: Record<string, () => Case[]> = {
    'GET /v1/endpoints': () => [{ path: '/v1/endpoints', expect: 'list' }],
    'POST /v1/endpoints': () => [{ path: '/v1/endpoints', body: { url: receiver.url('/intruder'), eventTypes: ['iso.*'] }, expect: 'own' }],
    'GET /v1/endpoints/:id': () => [{ path: `/v1/endpoints/${ids.endpoint}`, expect: 404 }],
    'PATCH /v1/endpoints/:id': () => [{ path: `/v1/endpoints/${ids.endpoint}`, body: { url: receiver.url('/stolen'), headers: { 'x-a': 'b' } }, expect: 404 }],
    'DELETE /v1/endpoints/:id': () => [{ path: `/v1/endpoints/${ids.endpoint}`, expect: 404 }],
    'POST /v1/endpoints/:id/rotate-secret': () => [{ path: `/v1/endpoints/${ids.endpoint}/rotate-secret`, body: {}, expect: 404 }],
    'POST /v1/events': () => [{ path: '/v1/events', body: { type: 'iso.test', data: {} }, expect: 'own' }],
    'GET /v1/events': () => [
      { path: '/v1/events', expect: 'list' },
      { path: '/v1/events?type=iso.test', expect: 'list' },
    ],
    'GET /v1/events/:id': () => [{ path: `/v1/events/${ids.event}`, expect: 404 }],
    'GET /v1/endpoints/:id/stats': () => [
      { path: `/v1/endpoints/${ids.endpoint}/stats`, expect: 404 },
      { path: `/v1/endpoints/${ids.endpoint}/stats?window=7d`, expect: 404 },
    ],
    'GET /v1/deliveries': () => [
      { path: '/v1/deliveries', expect: 'list' },
      { path: `/v1/deliveries?endpointId=${ids.endpoint}`, expect: 'list' },
      { path: `/v1/deliveries?eventId=${ids.event}`, expect: 'list' },
    ],
    'GET /v1/deliveries/:id': () => [{ path: `/v1/deliveries/${ids.delivery}`, expect: 404 }],
    'POST /v1/deliveries/:id/resend': () => [{ path: `/v1/deliveries/${ids.delivery}/resend`, body: {}, expect: 404 }],
    'POST /v1/events/:id/replay': () => [{ path: `/v1/events/${ids.event}/replay`, body: { force: true }, expect: 404 }],
    'POST /v1/endpoints/:id/recover': () => [{ path: `/v1/endpoints/${ids.endpoint}/recover`, body: { since: new Date(Date.now() - 60_000).toISOString() }, expect: 404 }],
    'GET /v1/endpoints/:id/recoveries': () => [{ path: `/v1/endpoints/${ids.endpoint}/recoveries`, expect: 404 }],
    'GET /v1/recoveries/:id': () => [{ path: `/v1/recoveries/${ids.recovery}`, expect: 404 }],
    'DELETE /v1/recoveries/:id': () => [{ path: `/v1/recoveries/${ids.recovery}`, expect: 404 }],
    'GET /v1/api-keys': () => [{ path: '/v1/api-keys', expect: 'list' }],
    'POST /v1/api-keys': () => [{ path: '/v1/api-keys', body: { name: 'mine' }, expect: 'own' }],
    'DELETE /v1/api-keys/:id': () => [{ path: `/v1/api-keys/${ids.apiKey}`, expect: 404 }],
    'GET /v1/settings': () => [{ path: '/v1/settings', expect: 'list' }],
    'PATCH /v1/settings': () => [{ path: '/v1/settings', body: { alertEmails: ['intruder@example.com'] }, expect: 'own' }],
  };

  it('finds the tenant routes, and every one has an isolation case', () => {
    const routes = tenantRoutes(platform);
    assert.ok(routes.length >= 10, `found ${routes.length} tenant routes`);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !(k in cases));
    assert.deepEqual(missing, [], `tenant routes without an isolation case: add them to this test`);
  });

  it("another tenant's key gets 404 (or only its own data) and changes nothing of the owner's", async () => {
    const before = await ownerState();
    const ownerIds = Object.values(ids);
    for (const route of tenantRoutes(platform)) {
      for (const c of cases[`${route.method} ${route.path}`]!()) {
        const res = await intruder.client.call(route.method, c.path, c.body !== undefined ? { body: c.body } : {});
        const what = `${route.method} ${c.path}`;
        if (c.expect === 404) {
          assert.equal(res.status, 404, `${what}: ${res.text}`);
        } else {
          assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`);
          for (const id of ownerIds) assert.ok(!res.text.includes(id), `${what} shows the owner's ${id}`);
          assert.ok(!res.text.includes('owner@example.com'), `${what} shows the owner's alert emails`);
        }
      }
    }
    assert.deepEqual(await ownerState(), before);
    // And the owner still sees all of it.
    assert.equal((await owner.client.get(`/v1/endpoints/${ids.endpoint}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/deliveries/${ids.delivery}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/events/${ids.event}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/endpoints/${ids.endpoint}/stats`)).status, 200);
  });
});
