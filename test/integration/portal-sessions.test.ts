import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';

function tokenOf(url: string): string {
  const m = /#token=(hrp_[A-Za-z0-9_-]+)$/.exec(url);
  assert.ok(m, `a portal url with a token: ${url}`);
  return m[1]!;
}

describe('portal sessions (POST /v1/admin/tenants/:id/portal-sessions)', () => {
  let platform: TestPlatform;
  let tenant: Tenant;
  let other: Tenant;

  before(async () => {
    platform = await TestPlatform.start({ worker: false, env: { PUBLIC_URL: 'https://hooks.example.com/relay/' } });
    tenant = await platform.createTenant('portal');
    other = await platform.createTenant('other');
  });
  after(async () => platform?.stop());

  const create = (body: unknown, tenantId = tenant.id, key?: string) => platform.admin.post(`/v1/admin/tenants/${tenantId}/portal-sessions`, body, key ? { key } : {});

  it('returns the link once, under PUBLIC_URL, valid for an hour by default; only the hash of the token is stored', async () => {
    const res = await create({});
    assert.equal(res.status, 201, res.text);
    assert.match(res.body.url, /^https:\/\/hooks\.example\.com\/relay\/console\/portal#token=hrp_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.tenantId, tenant.id);
    assert.equal(res.body.readOnly, false);
    assert.equal(res.body.revokedAt, null);
    assert.ok(res.body.url.includes(res.body.prefix), 'the prefix is the start of the token');
    assert.equal(res.body.token, undefined, 'the token travels only inside the url');
    assert.equal(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt), 3600_000);
    const token = tokenOf(res.body.url);
    const rows = await platform.query('SELECT * FROM portal_sessions WHERE id = $1', [res.body.id]);
    assert.equal(rows[0].token_hash, createHash('sha256').update(token).digest('hex'));
    assert.ok(!JSON.stringify(rows).includes(token), 'the token itself is not stored');
    // The listing shows the session, never the token.
    const list = await platform.admin.get(`/v1/admin/tenants/${tenant.id}/portal-sessions`);
    assert.equal(list.status, 200, list.text);
    assert.ok(list.body.data.some((s: { id: string }) => s.id === res.body.id));
    assert.ok(!list.text.includes(token) && !list.text.includes(rows[0].token_hash));
    assert.equal((await platform.admin.get(`/v1/admin/tenants/${other.id}/portal-sessions`)).body.data.length, 0);
  });

  it('acts as its tenant on tenant routes, and nowhere else', async () => {
    const token = tokenOf((await create({ expiresInSeconds: 86_400 })).body.url);
    const portal = new ApiClient(platform.apiUrl, token);
    const ep = await portal.post('/v1/endpoints', { url: 'https://example.com/hook', eventTypes: ['a.b'] });
    assert.equal(ep.status, 201, ep.text);
    assert.deepEqual(await platform.query('SELECT tenant_id FROM endpoints WHERE id = $1', [ep.body.id]), [{ tenant_id: tenant.id }]);
    assert.equal((await portal.get(`/v1/endpoints/${ep.body.id}`)).status, 200);
    assert.equal((await other.client.get(`/v1/endpoints/${ep.body.id}`)).status, 404);
    const named = await portal.get('/v1/endpoints', { headers: { 'hookrelay-tenant': other.id } });
    assert.equal(named.status, 400);
    assert.match(named.body.message, /names another tenant: a portal link acts only for its own tenant/);
    assert.equal((await portal.get('/v1/endpoints', { headers: { 'hookrelay-tenant': tenant.id } })).status, 200);
    const admin = await portal.get('/v1/admin/tenants');
    assert.equal(admin.status, 403);
    assert.match(admin.body.message, /not a portal link/);
    // No API key can be minted from a link that expires.
    const mint = await portal.post('/v1/api-keys', { name: 'forever' });
    assert.equal(mint.status, 403);
    assert.match(mint.body.message, /cannot manage API keys or tenant settings \(tenants:write\)/);
  });

  it('a read-only link reads, and is refused with 403 by routes that change data', async () => {
    const res = await create({ readOnly: true, expiresInSeconds: 600 });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.readOnly, true);
    const portal = new ApiClient(platform.apiUrl, tokenOf(res.body.url));
    assert.equal((await portal.get('/v1/endpoints')).status, 200);
    assert.equal((await portal.get('/v1/deliveries')).status, 200);
    const write = await portal.post('/v1/endpoints', { url: 'https://example.com/ro', eventTypes: ['a.b'] });
    assert.equal(write.status, 403, write.text);
    assert.match(write.body.message, /this portal link is read-only: it cannot use routes that change data \(endpoints:write\)/);
    assert.deepEqual(write.body.details, { scope: 'endpoints:write', readOnly: true });
    const dispatch = await portal.post('/v1/events', { type: 'a.b', data: {} });
    assert.equal(dispatch.status, 403);
    assert.equal((await platform.query('SELECT count(*)::int AS n FROM endpoints WHERE url = $1', ['https://example.com/ro']))[0].n, 0);
  });

  it('an expired link is refused with 401 saying so; an unknown token with 401', async () => {
    const res = await create({ expiresInSeconds: 60 });
    await platform.query("UPDATE portal_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [res.body.id]);
    const expired = await new ApiClient(platform.apiUrl, tokenOf(res.body.url)).get('/v1/endpoints');
    assert.equal(expired.status, 401);
    assert.match(expired.body.message, /this portal link has expired/);
    const unknown = await new ApiClient(platform.apiUrl, `hrp_${'A'.repeat(43)}`).get('/v1/endpoints');
    assert.equal(unknown.status, 401);
    assert.match(unknown.body.message, /invalid portal token/);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['beyond 24 hours', { expiresInSeconds: 86_401 }, /expiresInSeconds must be a whole number from 60 to 86400 \(24 hours\)/],
    ['under a minute', { expiresInSeconds: 59 }, /expiresInSeconds must be a whole number from 60 to 86400/],
    ['a fraction', { expiresInSeconds: 90.5 }, /expiresInSeconds must be a whole number/],
    ['a string', { expiresInSeconds: '3600' }, /expiresInSeconds must be a whole number/],
    ['readOnly not a boolean', { readOnly: 'yes' }, /readOnly must be true or false/],
    ['an unknown field', { expiresIn: 60 }, /expiresIn/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what} with 400 and a JSON error`, async () => {
      const res = await create(body);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.statusCode, 400);
      assert.match(res.body.message, message);
    });
  }

  it("a new link removes up to 10 of its tenant's links that expired more than 30 days ago, and nothing else", async () => {
    const owner = await platform.createTenant('purged');
    const neighbour = await platform.createTenant('kept');
    const insert = (tenantId: string, n: number, expiredDaysAgo: number) =>
      platform.query(
        `INSERT INTO portal_sessions (id, tenant_id, prefix, token_hash, read_only, created_at, expires_at)
         SELECT uuid_generate_v7(), $1::uuid, 'hrp_old', md5(random()::text) || md5(random()::text), false,
                now() - make_interval(days => $3::int + 1), now() - make_interval(days => $3::int) - make_interval(secs => g)
         FROM generate_series(1, $2::int) g`,
        [tenantId, n, expiredDaysAgo],
      );
    await insert(owner.id, 15, 31);
    await insert(owner.id, 2, 29);
    await insert(neighbour.id, 3, 40);
    const count = async (tenantId: string, olderThanDays: number) =>
      Number((await platform.query(`SELECT count(*) AS n FROM portal_sessions WHERE tenant_id = $1 AND expires_at < now() - make_interval(days => $2::int)`, [tenantId, olderThanDays]))[0].n);
    assert.equal((await create({}, owner.id)).status, 201);
    assert.equal(await count(owner.id, 30), 5, 'ten of the fifteen old links went');
    assert.equal((await create({}, owner.id)).status, 201);
    assert.equal(await count(owner.id, 30), 0, 'then the last five');
    assert.equal(await count(owner.id, 28), 2, 'links expired less than 30 days ago stay');
    assert.equal(await count(neighbour.id, 30), 3, "another tenant's old links stay");
    const listed = await platform.admin.get(`/v1/admin/tenants/${owner.id}/portal-sessions`);
    assert.equal(listed.body.data.length, 4, 'the two new links and the two recent expired ones');
  });

  it('an unknown tenant, or an id that is not one, is a 404; so is revoking an unknown session', async () => {
    const res = await create({}, '0192f0c8-7d4e-7abc-8def-0123456789ab');
    assert.equal(res.status, 404);
    assert.match(res.body.message, /tenant not found/);
    assert.equal((await create({}, 'nope')).status, 404);
    assert.equal((await platform.admin.delete('/v1/admin/portal-sessions/0192f0c8-7d4e-7abc-8def-0123456789ab')).status, 404);
  });

  it('a service key with tenants:write makes links; one with only tenants:read cannot', async () => {
    const writer = (await platform.admin.post('/v1/admin/service-keys', { name: 'w', scopes: ['tenants:write'] })).body.key;
    const reader = (await platform.admin.post('/v1/admin/service-keys', { name: 'r', scopes: ['tenants:read'] })).body.key;
    const made = await create({ readOnly: true }, tenant.id, writer);
    assert.equal(made.status, 201, made.text);
    const refused = await create({}, tenant.id, reader);
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /lacks the scope tenants:write/);
    assert.equal((await platform.client(reader).get(`/v1/admin/tenants/${tenant.id}/portal-sessions`)).status, 200);
    assert.equal((await platform.client(writer).delete(`/v1/admin/portal-sessions/${made.body.id}`)).status, 204);
    assert.equal((await new ApiClient(platform.apiUrl, tokenOf(made.body.url)).get('/v1/endpoints')).status, 401);
  });
});

describe('portal links share their tenant\'s request rate', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await TestPlatform.start({ worker: false, env: { RATE_LIMIT_PER_SECOND: '1', RATE_LIMIT_WINDOW_MS: '120000' } });
  });
  after(async () => platform?.stop());

  it('requests through the link and the tenant key count against one limit', async () => {
    const tenant = await platform.createTenant();
    const portal = new ApiClient(platform.apiUrl, tokenOf((await platform.admin.post(`/v1/admin/tenants/${tenant.id}/portal-sessions`, {})).body.url));
    // 1 per second over 2 minutes: 120 requests in the window; spend them, then both are refused.
    let used = 0;
    for (; used < 200; used++) {
      const res = await (used % 2 === 0 ? portal : tenant.client).get('/v1/settings');
      if (res.status === 429) break;
      assert.equal(res.status, 200, res.text);
    }
    assert.equal(used, 120, 'the limit counted requests through both');
    assert.equal((await portal.get('/v1/settings')).status, 429);
    assert.equal((await tenant.client.get('/v1/settings')).status, 429);
  });
});
