import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { ApiClient, ApiResponse } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';

// Property-based: random and hostile input to every request DTO gets a 4xx that says what is wrong,
// never a 500, and changes no row. Runs are kept small; the seed is printed on failure.
const RUNS = Number(process.env.FC_RUNS ?? 40);
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

const nasty = fc.constantFrom('\u0000', '\r\n', '\n', '\t', '\u0007', '\u202e', '\uFEFF', '\uFFFF', '\uD800', '𝕏', 'é', '\u0085', '"', '\\', '${x}', '%00', '<script>');
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: nasty, maxLength: 20 }),
  fc.string({ unit: nasty, minLength: 300, maxLength: 600 }),
  fc.constantFrom('', ' ', 'a.b', 'order.*', '*', 'https://example.com/x', 'http://127.0.0.1/', '00000000-0000-0000-0000-000000000000', 'x'.repeat(3000)),
);
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-1, 0, 1e308, 2 ** 53 + 1, -0));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(text, fc.constantFrom(...HOSTILE_KEYS)), tie('v'), { maxKeys: 4 })),
})).v;

/** A JSON object text mixing the DTO's own field names (with random values) and hostile keys. Built
 * as text, so `__proto__` arrives as a real key and not as a prototype. */
function bodyFor(fields: string[]) {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...fields), fc.constantFrom(...HOSTILE_KEYS), text), value), { maxLength: 6 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`);
}
const anyBody = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.oneof(value.map((v) => JSON.stringify(v) ?? 'null'), fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":', '\u0000', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}')) },
);

/** encodeURIComponent, except that a lone surrogate goes out as the invalid UTF-8 it would be. */
function encodePath(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '')) + '%ED%A0%80';
  }
}

function queryFor(fields: string[]) {
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...fields), fc.constantFrom(...HOSTILE_KEYS), text), fc.oneof(text, fc.integer().map(String))), { maxLength: 5 })
    .map((pairs) => {
      const q = new URLSearchParams();
      for (const [k, v] of pairs) q.append(k, v);
      return q.toString();
    });
}

describe('bad input: property-based over every request DTO', () => {
  let platform: TestPlatform;
  let tenant: Tenant;
  let endpointId: string;
  let eventId: string;
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  before(async () => {
    platform = await TestPlatform.start({ worker: false });
    tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: 'https://hooks.example.com/in', eventTypes: ['a.b'] });
    endpointId = ep.body.id;
    eventId = (await tenant.client.post('/v1/events', { type: 'a.b', data: {} })).body.id;
  });
  after(async () => platform?.stop());

  /** A fingerprint of every table a request could change. */
  async function fingerprint(): Promise<string> {
    const tables = ['tenants', 'api_keys', 'service_keys', 'portal_sessions', 'endpoints', 'endpoint_secrets', 'events', 'deliveries', 'recoveries'];
    const rows = await platform.query(tables.map((t) => `SELECT '${t}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`).join(' UNION ALL '));
    return rows.map((r) => `${r.t}:${r.h}`).join(',');
  }

  async function assertRejectedCleanly(res: ApiResponse, what: string, beforePrint: string) {
    assert.ok(res.status < 500, `${what} -> ${res.status} ${res.text}`);
    if (res.status >= 400) {
      assert.equal(typeof res.body?.message, 'string', `${what}: the error body says what is wrong: ${res.text}`);
      assert.ok(res.body.message.length > 0);
      assert.equal(res.body.statusCode, res.status);
      assert.equal(await fingerprint(), beforePrint, `${what}: a refused request changed a row`);
    }
  }

  const bodyRoutes: Array<{ name: string; method: string; path: () => string; fields: string[]; admin?: boolean }> = [
    { name: 'CreateTenantDto', method: 'POST', path: () => '/v1/admin/tenants', fields: ['name'], admin: true },
    { name: 'CreateEndpointDto', method: 'POST', path: () => '/v1/endpoints', fields: ['url', 'eventTypes', 'description', 'headers', 'rateLimitPerSecond', 'signature', 'payload', 'batch', 'timeoutMs', 'secret'] },
    { name: 'UpdateEndpointDto', method: 'PATCH', path: () => `/v1/endpoints/${endpointId}`, fields: ['url', 'eventTypes', 'description', 'status', 'headers', 'rateLimitPerSecond', 'signature', 'payload', 'batch', 'timeoutMs'] },
    { name: 'RotateSecretDto', method: 'POST', path: () => `/v1/endpoints/${endpointId}/rotate-secret`, fields: ['gracePeriodSeconds', 'secret'] },
    { name: 'DispatchEventDto', method: 'POST', path: () => '/v1/events', fields: ['type', 'data', 'idempotencyKey'] },
    { name: 'CreateApiKeyDto', method: 'POST', path: () => '/v1/api-keys', fields: ['name'] },
    { name: 'ReplayEventDto', method: 'POST', path: () => `/v1/events/${eventId}/replay`, fields: ['force'] },
    { name: 'RecoverEndpointDto', method: 'POST', path: () => `/v1/endpoints/${endpointId}/recover`, fields: ['since', 'until'] },
    { name: 'DispatchBatchDto', method: 'POST', path: () => '/v1/events/batch', fields: ['events'] },
    { name: 'CreateServiceKeyDto', method: 'POST', path: () => '/v1/admin/service-keys', fields: ['name', 'scopes'], admin: true },
    { name: 'PutTenantByExternalIdDto', method: 'PUT', path: () => '/v1/admin/tenants/by-external-id/bad-input', fields: ['name'], admin: true },
    { name: 'UpdateTenantDto', method: 'PATCH', path: () => `/v1/admin/tenants/${tenant?.id}`, fields: ['name', 'alertEmails', 'externalId'], admin: true },
    { name: 'CreatePortalSessionDto', method: 'POST', path: () => `/v1/admin/tenants/${tenant?.id}/portal-sessions`, fields: ['expiresInSeconds', 'readOnly'], admin: true },
  ];

  for (const r of bodyRoutes) {
    it(`${r.name}: ${r.method} ${r.path().replace(/[0-9a-f-]{36}/, ':id')}`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyFor(r.fields), anyBody, async (generated, raw) => {
          const rawBody = raw ?? generated;
          const client: ApiClient = r.admin ? platform.admin : tenant.client;
          const beforePrint = await fingerprint();
          const res = await client.call(r.method, r.path(), { rawBody, headers: { 'content-type': 'application/json' } });
          // A random body can be valid (a 2xx is then fine, and may change rows); never a 500.
          await assertRejectedCleanly(res, `${r.method} ${rawBody.slice(0, 200)}`, beforePrint);
        }),
        { numRuns: RUNS },
      );
    });
  }

  const queryRoutes: Array<{ name: string; path: string; fields: string[]; admin?: boolean }> = [
    { name: 'ListDeliveriesQuery', path: '/v1/deliveries', fields: ['limit', 'cursor', 'endpointId', 'eventId', 'eventType', 'status', 'since', 'until'] },
    { name: 'ListEventsQuery', path: '/v1/events', fields: ['limit', 'cursor', 'type', 'since', 'until'] },
    { name: 'EndpointStatsQuery', path: '/v1/endpoints/:id/stats', fields: ['window'] },
    { name: 'PageQueryDto (endpoints)', path: '/v1/endpoints', fields: ['limit', 'cursor'] },
    { name: 'PageQueryDto (api keys)', path: '/v1/api-keys', fields: ['limit', 'cursor'] },
    { name: 'PageQueryDto (recoveries)', path: '/v1/endpoints/:endpoint/recoveries', fields: ['limit', 'cursor'] },
    { name: 'AdminListDeliveriesQuery', path: '/v1/admin/deliveries', fields: ['limit', 'cursor', 'tenantId', 'endpointId', 'status', 'since', 'until'], admin: true },
    { name: 'ListTenantsQuery', path: '/v1/admin/tenants', fields: ['limit', 'cursor', 'externalId'], admin: true },
    { name: 'PageQueryDto (service keys)', path: '/v1/admin/service-keys', fields: ['limit', 'cursor'], admin: true },
    { name: 'PageQueryDto (portal sessions)', path: '/v1/admin/tenants/:tenant/portal-sessions', fields: ['limit', 'cursor'], admin: true },
  ];
  for (const r of queryRoutes) {
    it(`${r.name}: GET ${r.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(queryFor(r.fields), async (q) => {
          const beforePrint = await fingerprint();
          const res = await (r.admin ? platform.admin : tenant.client).get(`${r.path.replace(':endpoint', endpointId).replace(':id', endpointId).replace(':tenant', tenant.id)}?${q}`);
          await assertRejectedCleanly(res, `GET ${r.path}?${q.slice(0, 200)}`, beforePrint);
          assert.equal(await fingerprint(), beforePrint, 'a GET changes nothing');
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('path ids and external ids: anything that is not one is a 4xx, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom('/v1/endpoints/', '/v1/deliveries/', '/v1/api-keys/', '/v1/recoveries/', '/v1/events/', '/v1/admin/tenants/', '/v1/admin/tenants/by-external-id/', '/v1/admin/portal-sessions/'), async (id, prefix) => {
        const path = prefix + encodePath(id);
        const method = prefix === '/v1/api-keys/' || prefix === '/v1/admin/portal-sessions/' ? 'DELETE' : prefix.endsWith('by-external-id/') ? 'PUT' : 'GET';
        const client = prefix.startsWith('/v1/admin/') ? platform.admin : tenant.client;
        const res = await client.call(method, path, method === 'PUT' ? { body: { name: 'x' } } : {});
        assert.ok(res.status < 500, `${path} -> ${res.status} ${res.text}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('control characters in free-text fields of otherwise valid bodies', async () => {
    const cases: Array<[string, string, unknown]> = [];
    for (const bad of ['a\u0000b', '\u0000', 'x\r\ny', '\u0007', '\uD800']) {
      cases.push(['POST', '/v1/endpoints', { url: 'https://hooks.example.com/a', eventTypes: ['a.b'], description: bad }]);
      cases.push(['PATCH', `/v1/endpoints/${endpointId}`, { description: bad }]);
      cases.push(['POST', '/v1/events', { type: 'a.b', data: {}, idempotencyKey: bad }]);
      cases.push(['POST', '/v1/events', { type: 'a.b', data: { [bad]: bad } }]);
      cases.push(['POST', '/v1/api-keys', { name: bad }]);
      cases.push(['POST', '/v1/endpoints', { url: `https://hooks.example.com/${bad}`, eventTypes: ['a.b'] }]);
    }
    for (const [method, path, body] of cases) {
      const beforePrint = await fingerprint();
      const res = await tenant.client.call(method, path, { body });
      await assertRejectedCleanly(res, `${method} ${path} ${JSON.stringify(body)}`, beforePrint);
    }
    // In a batch the item is refused on its own (the batch answers 200), and nothing is stored.
    for (const bad of ['a\u0000b', '\u0000', 'x\r\ny', '\u0007', '\uD800']) {
      const beforePrint = await fingerprint();
      const res = await tenant.client.post('/v1/events/batch', { events: [{ type: 'a.b', data: {}, idempotencyKey: bad }, { type: 'a.b', data: { [bad]: bad } }] });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.results.map((r: { status: number }) => r.status), [400, bad === '\uD800' ? 400 : 202], JSON.stringify(bad));
      if (bad === '\uD800') assert.equal(await fingerprint(), beforePrint);
    }
  });

  it('no request polluted Object.prototype', () => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoKeys);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
