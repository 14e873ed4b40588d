import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isWriteScope, SCOPES, type Scope } from '#libs/tenants';
import { routeTable, type RouteEntry } from '../../apps/api/src/common/route-table.js';
import type { ApiClient, ApiResponse } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { TEST_ADMIN_KEY, waitUntil } from '../support/test-env.js';

/** Every route behind TenantAuthGuard, from the application's own route table (the one the
 * start-up scope check walks). */
function tenantRoutes(platform: TestPlatform): RouteEntry[] {
  return routeTable(platform.api).filter((r) => r.kind === 'tenant');
}

const UNKNOWN_TENANT = '0192f0c8-7d4e-7abc-8def-0123456789ab';

describe('tenant isolation, over every tenant route in the route table', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let owner: Tenant;
  let intruder: Tenant;
  let allScopes: string;
  const without = {} as Record<Scope, string>;
  const ids: Record<string, string> = {};
  /** Portal link tokens: the intruder's (read-write and read-only) and the owner's read-only one. */
  const portal = {} as { intruder: string; intruderReadOnly: string; ownerReadOnly: string };

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start();
    owner = await platform.createTenant('owner');
    intruder = await platform.createTenant('intruder');
    assert.equal((await platform.admin.patch(`/v1/admin/tenants/${owner.id}`, { externalId: 'owner-ext' })).status, 200);
    assert.equal((await platform.admin.patch(`/v1/admin/tenants/${intruder.id}`, { externalId: 'intruder-ext' })).status, 200);
    // A key with every scope, and for each scope a key with all the others.
    allScopes = (await platform.admin.post('/v1/admin/service-keys', { name: 'all', scopes: SCOPES })).body.key;
    for (const scope of SCOPES) {
      const res = await platform.admin.post('/v1/admin/service-keys', { name: `without ${scope}`, scopes: SCOPES.filter((s) => s !== scope) });
      assert.equal(res.status, 201, res.text);
      without[scope] = res.body.key;
    }
    const link = async (tenantId: string, readOnly: boolean) => {
      const res = await platform.admin.post(`/v1/admin/tenants/${tenantId}/portal-sessions`, { readOnly, expiresInSeconds: 86_400 });
      assert.equal(res.status, 201, res.text);
      return new URL(res.body.url).hash.replace('#token=', '');
    };
    portal.intruder = await link(intruder.id, false);
    portal.intruderReadOnly = await link(intruder.id, true);
    portal.ownerReadOnly = await link(owner.id, true);
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
      events: await platform.query('SELECT id, type, data::text, expunged_at FROM events WHERE tenant_id = $1 ORDER BY id', t),
      attempts: await platform.query('SELECT * FROM delivery_attempts WHERE tenant_id = $1 ORDER BY id', t),
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
    'POST /v1/events/batch': () => [{ path: '/v1/events/batch', body: { events: [{ type: 'iso.test', data: {} }] }, expect: 'own' }],
    'POST /v1/events/:id/expunge': () => [{ path: `/v1/events/${ids.event}/expunge`, expect: 404 }],
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

  /** What `c` expects of a caller acting for the intruder, checked on `res`. */
  function assertActsForIntruder(res: ApiResponse, c: Case, what: string): void {
    if (c.expect === 404) {
      assert.equal(res.status, 404, `${what}: ${res.text}`);
      return;
    }
    assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`);
    for (const id of Object.values(ids)) assert.ok(!res.text.includes(id), `${what} shows the owner's ${id}`);
    assert.ok(!res.text.includes('owner@example.com'), `${what} shows the owner's alert emails`);
  }

  function send(client: ApiClient, method: string, c: Case, key: string, header?: string): Promise<ApiResponse> {
    return client.call(method, c.path, { key, ...(c.body !== undefined ? { body: c.body } : {}), ...(header !== undefined ? { headers: { 'hookrelay-tenant': header } } : {}) });
  }

  it("another tenant's key gets 404 (or only its own data) and changes nothing of the owner's", async () => {
    const before = await ownerState();
    for (const route of tenantRoutes(platform)) {
      for (const c of cases[`${route.method} ${route.path}`]!()) {
        const res = await intruder.client.call(route.method, c.path, c.body !== undefined ? { body: c.body } : {});
        assertActsForIntruder(res, c, `${route.method} ${c.path}`);
      }
    }
    assert.deepEqual(await ownerState(), before);
    // And the owner still sees all of it.
    assert.equal((await owner.client.get(`/v1/endpoints/${ids.endpoint}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/deliveries/${ids.delivery}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/events/${ids.event}`)).status, 200);
    assert.equal((await owner.client.get(`/v1/endpoints/${ids.endpoint}/stats`)).status, 200);
  });

  it('Hookrelay-Tenant on every route: service keys with and without its scope, the admin key, tenant keys naming themselves or another tenant; the owner is never reached', async () => {
    const before = await ownerState();
    const client = platform.client();
    for (const route of tenantRoutes(platform)) {
      assert.equal(route.scopes.length, 1, `${route.method} ${route.path} declares one scope`);
      const scope = route.scopes[0] as Scope;
      for (const c of cases[`${route.method} ${route.path}`]!()) {
        const what = (who: string) => `${route.method} ${c.path} as ${who}`;
        // Acting for the intruder, by id or by external id: exactly what the intruder's own key gets.
        for (const header of [intruder.id, 'ext:intruder-ext']) {
          assertActsForIntruder(await send(client, route.method, c, allScopes, header), c, what(`a service key for ${header}`));
          assertActsForIntruder(await send(client, route.method, c, TEST_ADMIN_KEY, header), c, what(`the admin key for ${header}`));
        }
        assertActsForIntruder(await send(client, route.method, c, intruder.apiKey, intruder.id), c, what('the intruder naming itself'));
        assertActsForIntruder(await send(client, route.method, c, intruder.apiKey, 'ext:intruder-ext'), c, what('the intruder naming itself by external id'));

        const expectError = async (key: string, header: string | undefined, status: number, message: RegExp, who: string) => {
          const res = await send(client, route.method, c, key, header);
          assert.equal(res.status, status, `${what(who)}: ${res.status} ${res.text}`);
          assert.equal(res.body.statusCode, status);
          assert.match(res.body.message, message, what(who));
        };
        await expectError(without[scope], owner.id, 403, new RegExp(`lacks the scope ${scope}`), `a service key without ${scope}`);
        await expectError(allScopes, undefined, 400, /a service key acts for a tenant: send Hookrelay-Tenant/, 'a service key without the header');
        await expectError(TEST_ADMIN_KEY, undefined, 400, /admin key acts for a tenant on tenant routes/, 'the admin key without the header');
        await expectError(allScopes, UNKNOWN_TENANT, 404, /tenant not found/, 'a service key for an unknown tenant id');
        await expectError(allScopes, 'ext:nobody', 404, /tenant not found/, 'a service key for an unknown external id');
        await expectError(intruder.apiKey, owner.id, 400, /names another tenant/, 'the intruder naming the owner');
        await expectError(intruder.apiKey, 'ext:owner-ext', 400, /names another tenant/, 'the intruder naming the owner by external id');
        await expectError(intruder.apiKey, 'ext:nobody', 400, /names another tenant/, 'the intruder naming an unknown external id');
      }
    }
    assert.deepEqual(await ownerState(), before);
  });

  /** What a portal link holding (or not) the route's scope must get: 403 naming why, when it lacks it. */
  async function expectPortalRefused(res: ApiResponse, scope: Scope, readOnly: boolean, what: string): Promise<void> {
    assert.equal(res.status, 403, `${what}: ${res.status} ${res.text}`);
    assert.equal(res.body.statusCode, 403);
    assert.match(res.body.message, scope === 'tenants:write' ? /a portal link cannot manage API keys or tenant settings/ : readOnly ? /this portal link is read-only/ : /^$/, what);
  }

  it("the intruder's portal links (read-write and read-only) get what its key gets, or 403 beyond their scopes; naming another tenant is a 400; the owner is never reached", async () => {
    const before = await ownerState();
    const client = platform.client();
    for (const route of tenantRoutes(platform)) {
      const scope = route.scopes[0] as Scope;
      for (const c of cases[`${route.method} ${route.path}`]!()) {
        for (const [token, readOnly] of [[portal.intruder, false], [portal.intruderReadOnly, true]] as const) {
          const what = (extra = '') => `${route.method} ${c.path} with the intruder's ${readOnly ? 'read-only ' : ''}portal link${extra}`;
          const holds = scope !== 'tenants:write' && !(readOnly && isWriteScope(scope));
          for (const header of [undefined, intruder.id, 'ext:intruder-ext']) {
            const res = await send(client, route.method, c, token, header);
            if (holds) assertActsForIntruder(res, c, what(header ? ` naming ${header}` : ''));
            else await expectPortalRefused(res, scope, readOnly, what(header ? ` naming ${header}` : ''));
          }
          for (const header of [owner.id, 'ext:owner-ext', 'ext:nobody']) {
            const res = await send(client, route.method, c, token, header);
            if (!holds) {
              await expectPortalRefused(res, scope, readOnly, what(` naming ${header}`));
              continue;
            }
            assert.equal(res.status, 400, `${what(` naming ${header}`)}: ${res.status} ${res.text}`);
            assert.match(res.body.message, /names another tenant: a portal link acts only for its own tenant/);
          }
        }
      }
    }
    assert.deepEqual(await ownerState(), before);
  });

  it("the owner's read-only portal link reads the owner's data and is refused by every write route, changing nothing", async () => {
    const before = await ownerState();
    const client = platform.client();
    let writes = 0;
    for (const route of tenantRoutes(platform)) {
      const scope = route.scopes[0] as Scope;
      for (const c of cases[`${route.method} ${route.path}`]!()) {
        const what = `${route.method} ${c.path} with the owner's read-only portal link`;
        const res = await send(client, route.method, c, portal.ownerReadOnly);
        if (isWriteScope(scope)) {
          writes++;
          await expectPortalRefused(res, scope, true, what);
        } else {
          assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${res.text}`);
        }
      }
    }
    assert.ok(writes >= 10, `write routes tried: ${writes}`);
    // Every route that is not a GET declares a write scope: read-only links cannot change data by any method.
    for (const route of tenantRoutes(platform)) {
      if (route.method !== 'GET') assert.ok(isWriteScope(route.scopes[0] as Scope), `${route.method} ${route.path} declares ${route.scopes[0]}, not a *:write scope`);
    }
    assert.deepEqual(await ownerState(), before);
    assert.equal((await platform.client(portal.ownerReadOnly).get(`/v1/endpoints/${ids.endpoint}`)).body.id, ids.endpoint);
  });

  it('a service key with the scope, or the admin key, acting for the owner reaches the owner\'s data', async () => {
    for (const [key, scope] of [[without['endpoints:write'], 'endpoints:read'], [TEST_ADMIN_KEY, 'admin']] as const) {
      for (const header of [owner.id, 'ext:owner-ext']) {
        const res = await platform.client(key).get(`/v1/endpoints/${ids.endpoint}`, { headers: { 'hookrelay-tenant': header } });
        assert.equal(res.status, 200, `${scope} ${header}: ${res.text}`);
        assert.equal(res.body.id, ids.endpoint);
      }
    }
    const dispatched = await platform.client(without['endpoints:write']).post('/v1/events', { type: 'iso.other', data: { via: 'service' } }, { headers: { 'hookrelay-tenant': 'ext:owner-ext' } });
    assert.equal(dispatched.status, 202, dispatched.text);
    assert.deepEqual(await platform.query('SELECT tenant_id FROM events WHERE id = $1', [dispatched.body.id]), [{ tenant_id: owner.id }]);
  });

  // The admin routes a service key may open: each declares a tenants:* scope.
  const adminCases: Record<string, () => { path: string; body?: unknown; status: number }> = {
    'POST /v1/admin/tenants': () => ({ path: '/v1/admin/tenants', body: { name: 'made by a service' }, status: 201 }),
    'PUT /v1/admin/tenants/by-external-id/:externalId': () => ({ path: '/v1/admin/tenants/by-external-id/svc-made', body: { name: 'svc' }, status: 201 }),
    'GET /v1/admin/tenants': () => ({ path: '/v1/admin/tenants?externalId=owner-ext', status: 200 }),
    'GET /v1/admin/tenants/:id': () => ({ path: `/v1/admin/tenants/${owner.id}`, status: 200 }),
    'PATCH /v1/admin/tenants/:id': () => ({ path: `/v1/admin/tenants/${intruder.id}`, body: { name: 'renamed' }, status: 200 }),
    'DELETE /v1/admin/tenants/:id': () => ({ path: `/v1/admin/tenants/${ids.scratchTenant}`, status: 204 }),
    'POST /v1/admin/tenants/:id/portal-sessions': () => ({ path: `/v1/admin/tenants/${owner.id}/portal-sessions`, body: { readOnly: true }, status: 201 }),
    'GET /v1/admin/tenants/:id/portal-sessions': () => ({ path: `/v1/admin/tenants/${owner.id}/portal-sessions`, status: 200 }),
    'GET /v1/admin/overview': () => ({ path: '/v1/admin/overview', status: 200 }),
    'DELETE /v1/admin/portal-sessions/:id': () => ({ path: `/v1/admin/portal-sessions/${ids.scratchSession}`, status: 204 }),
  };

  it('admin routes: service keys open only those declaring a tenants:* scope they hold; the others take the admin key only; portal links none', async () => {
    ids.scratchTenant = (await platform.createTenant('scratch')).id;
    ids.scratchSession = (await platform.admin.post(`/v1/admin/tenants/${intruder.id}/portal-sessions`, {})).body.id;
    const client = platform.client();
    const admin = routeTable(platform.api).filter((r) => r.kind === 'admin');
    const scoped = admin.filter((r) => r.scopes.length > 0).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(scoped.sort(), Object.keys(adminCases).sort(), 'every admin route with a scope has a case here');
    for (const route of admin) {
      const key = `${route.method} ${route.path}`;
      const c = adminCases[key]?.() ?? { path: route.path.replace(':id', UNKNOWN_TENANT), body: undefined, status: 0 };
      const opts = (k: string) => ({ key: k, ...(c.body !== undefined ? { body: c.body } : {}) });
      for (const token of [portal.intruder, portal.ownerReadOnly]) {
        const res = await client.call(route.method, c.path, opts(token));
        assert.equal(res.status, 403, `${key} with a portal link: ${res.text}`);
        assert.match(res.body.message, /not a portal link/);
      }
      if (route.scopes.length === 0) {
        const res = await client.call(route.method, c.path, opts(allScopes));
        assert.equal(res.status, 403, `${key} with a service key: ${res.text}`);
        assert.match(res.body.message, /admin key only/);
        continue;
      }
      const scope = route.scopes[0] as Scope;
      const refused = await client.call(route.method, c.path, opts(without[scope]));
      assert.equal(refused.status, 403, `${key} without ${scope}: ${refused.text}`);
      assert.match(refused.body.message, new RegExp(`lacks the scope ${scope}`));
      const allowed = await client.call(route.method, c.path, opts(allScopes));
      assert.equal(allowed.status, c.status, `${key} with ${scope}: ${allowed.text}`);
    }
  });
});
