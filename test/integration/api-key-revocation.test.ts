import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { API_KEY_CACHE_TTL_MS } from '#libs/tenants';
import { ApiClient } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';

describe('API key, service key and portal link revocation across API instances', () => {
  let platform: TestPlatform;
  let second: NestFastifyApplication;
  let secondUrl: string;
  let tenant: Tenant;

  before(async () => {
    platform = await TestPlatform.start({ worker: false });
    second = await createApiApp(platform.config);
    await second.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.getHttpServer().address() as AddressInfo).port}`;
    tenant = await platform.createTenant();
  });
  after(async () => {
    await second?.close();
    await platform?.stop();
  });

  it('a key revoked through one instance is refused by another that had it cached, well before the cache TTL', async () => {
    const created = await tenant.client.post('/v1/api-keys', { name: 'shared' });
    assert.equal(created.status, 201, created.text);
    const viaSecond = new ApiClient(secondUrl, created.body.key);
    // This request puts the key in the second instance's lookup cache.
    assert.equal((await viaSecond.get('/v1/endpoints')).status, 200);
    const cachedAt = Date.now();
    assert.equal((await tenant.client.delete(`/v1/api-keys/${created.body.id}`)).status, 204);

    let status = 0;
    const deadline = cachedAt + API_KEY_CACHE_TTL_MS / 2;
    while (Date.now() < deadline) {
      status = (await viaSecond.get('/v1/endpoints')).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, `still accepted ${Date.now() - cachedAt} ms after revocation: the cache entry was not dropped`);
    assert.equal((await tenant.client.get('/v1/endpoints')).status, 200, 'the tenant\'s other key still works');
  });

  it('a service key revoked through one instance is refused by another that had it cached, well before the cache TTL', async () => {
    const created = await platform.admin.post('/v1/admin/service-keys', { name: 'shared', scopes: ['endpoints:read'] });
    assert.equal(created.status, 201, created.text);
    const viaSecond = new ApiClient(secondUrl, created.body.key);
    const get = () => viaSecond.get('/v1/endpoints', { headers: { 'hookrelay-tenant': tenant.id } });
    assert.equal((await get()).status, 200);
    const cachedAt = Date.now();
    assert.equal((await platform.admin.delete(`/v1/admin/service-keys/${created.body.id}`)).status, 204);

    let status = 0;
    const deadline = cachedAt + API_KEY_CACHE_TTL_MS / 2;
    while (Date.now() < deadline) {
      status = (await get()).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, `still accepted ${Date.now() - cachedAt} ms after revocation: the cache entry was not dropped`);
  });

  it('a portal link revoked through one instance is refused by another that had it cached, well before the cache TTL', async () => {
    const created = await platform.admin.post(`/v1/admin/tenants/${tenant.id}/portal-sessions`, {});
    assert.equal(created.status, 201, created.text);
    const token = new URL(created.body.url).hash.replace('#token=', '');
    const viaSecond = new ApiClient(secondUrl, token);
    assert.equal((await viaSecond.get('/v1/endpoints')).status, 200);
    const cachedAt = Date.now();
    assert.equal((await platform.admin.delete(`/v1/admin/portal-sessions/${created.body.id}`)).status, 204);
    let status = 0;
    let message = '';
    while (Date.now() < cachedAt + API_KEY_CACHE_TTL_MS / 2) {
      const res = await viaSecond.get('/v1/endpoints');
      status = res.status;
      message = res.body?.message;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, `still accepted ${Date.now() - cachedAt} ms after revocation: the cache entry was not dropped`);
    assert.match(message, /invalid portal token/);
    assert.equal((await platform.admin.delete(`/v1/admin/portal-sessions/${created.body.id}`)).status, 404, 'revoking twice: no such live session');
  });

  it("a deleted tenant's keys are refused by another instance that had them cached", async () => {
    const doomed = await platform.createTenant('doomed');
    const link = await platform.admin.post(`/v1/admin/tenants/${doomed.id}/portal-sessions`, {});
    assert.equal(link.status, 201, link.text);
    const clients = [new ApiClient(secondUrl, doomed.apiKey), new ApiClient(secondUrl, new URL(link.body.url).hash.replace('#token=', ''))];
    for (const c of clients) assert.equal((await c.get('/v1/endpoints')).status, 200);
    const cachedAt = Date.now();
    assert.equal((await platform.admin.delete(`/v1/admin/tenants/${doomed.id}`)).status, 204);
    for (const [i, c] of clients.entries()) {
      let status = 0;
      while (Date.now() < cachedAt + API_KEY_CACHE_TTL_MS / 2) {
        status = (await c.get('/v1/endpoints')).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 401, `${i === 0 ? 'the API key' : 'the portal link'} still accepted ${Date.now() - cachedAt} ms after the tenant was deleted`);
    }
  });
});
