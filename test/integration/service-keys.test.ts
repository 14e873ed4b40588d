import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { SCOPES } from '#libs/tenants';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';

describe('service keys', () => {
  const f = usePlatform({ worker: false });
  let tenant: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('served');
  });

  it('are shown once (hrs_...), stored only as a hash, listed by prefix with their scopes and last use, and revoked', async () => {
    const created = await f.platform.admin.post('/v1/admin/service-keys', { name: 'billing', scopes: ['deliveries:read', 'events:write'] });
    assert.equal(created.status, 201, created.text);
    const { id, key, prefix } = created.body;
    assert.match(key, /^hrs_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(prefix) && prefix.length === 12, prefix);
    assert.deepEqual(Object.keys(created.body).sort(), ['createdAt', 'id', 'key', 'name', 'prefix', 'scopes']);
    const rows = await f.platform.query('SELECT row_to_json(s)::text AS row, key_hash FROM service_keys s WHERE id = $1', [id]);
    assert.ok(!rows[0].row.includes(key.slice(4)), 'the key itself is not stored');
    assert.equal(rows[0].key_hash, createHash('sha256').update(key).digest('hex'));

    const listed = await f.platform.admin.get('/v1/admin/service-keys');
    assert.equal(listed.status, 200, listed.text);
    const entry = listed.body.data.find((k: { id: string }) => k.id === id);
    assert.deepEqual({ ...entry, createdAt: undefined }, { id, name: 'billing', scopes: ['events:write', 'deliveries:read'], prefix, createdAt: undefined, lastUsedAt: null, revokedAt: null });
    assert.ok(!listed.text.includes(key), 'the list never shows a key');

    const used = await f.platform.client(key).get('/v1/deliveries', { headers: { 'hookrelay-tenant': tenant.id } });
    assert.equal(used.status, 200, used.text);
    const lastUsedAt = (await f.platform.admin.get('/v1/admin/service-keys')).body.data.find((k: { id: string }) => k.id === id).lastUsedAt;
    assert.ok(lastUsedAt && Math.abs(Date.parse(lastUsedAt) - Date.now()) < 60_000, `lastUsedAt ${lastUsedAt}`);

    assert.equal((await f.platform.admin.delete(`/v1/admin/service-keys/${id}`)).status, 204);
    const refused = await f.platform.client(key).get('/v1/deliveries', { headers: { 'hookrelay-tenant': tenant.id } });
    assert.equal(refused.status, 401, refused.text);
    assert.match(refused.body.message, /invalid service key/);
    assert.equal((await f.platform.admin.delete(`/v1/admin/service-keys/${id}`)).status, 404, 'revoked once');
    assert.ok((await f.platform.admin.get('/v1/admin/service-keys')).body.data.find((k: { id: string }) => k.id === id).revokedAt);
  });

  it('take only the admin key to manage', async () => {
    const all = (await f.platform.admin.post('/v1/admin/service-keys', { name: 'all', scopes: SCOPES })).body.key;
    for (const [method, path] of [['GET', '/v1/admin/service-keys'], ['POST', '/v1/admin/service-keys'], ['DELETE', '/v1/admin/service-keys/0192f0c8-7d4e-7abc-8def-0123456789ab']] as const) {
      const res = await f.platform.client(all).call(method, path, method === 'POST' ? { body: { name: 'x', scopes: ['events:write'] } } : {});
      assert.equal(res.status, 403, `${method} ${path}: ${res.text}`);
    }
  });
});

describe('the per-tenant rate limit counts requests made for the tenant, whoever makes them', () => {
  // 5 requests per tenant per 5 s window.
  const f = usePlatform({ worker: false, env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_WINDOW_MS: '5000' } });

  it('the tenant key, a service key and the admin key share one budget per tenant; another tenant has its own', async () => {
    const tenant = await f.platform.createTenant('limited');
    const other = await f.platform.createTenant('unlimited');
    const service = (await f.platform.admin.post('/v1/admin/service-keys', { name: 'svc', scopes: ['endpoints:read'] })).body.key;
    const as = (key: string, header?: string) => f.platform.client(key).get('/v1/endpoints', header ? { headers: { 'hookrelay-tenant': header } } : {});
    const statuses = [];
    statuses.push((await as(tenant.apiKey)).status, (await as(tenant.apiKey)).status);
    statuses.push((await as(service, tenant.id)).status, (await as(service, tenant.id)).status);
    statuses.push((await as(f.platform.admin.key!, tenant.id)).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    const over = await as(service, tenant.id);
    assert.equal(over.status, 429, over.text);
    assert.ok(Number(over.headers['retry-after']) >= 1);
    assert.equal((await as(tenant.apiKey)).status, 429, "the service key's requests used the tenant's budget");
    assert.equal((await as(service, other.id)).status, 200, 'another tenant is not affected');
  });
});
