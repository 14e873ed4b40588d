import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

const SECRET_RE = /^whsec_[A-Za-z0-9+/]{43}=$/;
const VIEW_KEYS = ['batch', 'createdAt', 'description', 'disabledAt', 'disabledReason', 'eventTypes', 'headers', 'health', 'id', 'payload', 'rateLimitPerSecond', 'signature', 'status', 'timeoutMs', 'updatedAt', 'url'];

describe('endpoints: CRUD, secrets, disabled and deleted endpoints, pagination', () => {
  // Retries 1.5 s apart: time to disable an endpoint between two attempts.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '1.5,1.5' } });
  let tenant: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('endpoints');
  });

  async function create(body: object) {
    const res = await tenant.client.post('/v1/endpoints', body);
    assert.equal(res.status, 201, res.text);
    return res;
  }

  it('creates an endpoint and shows its signing secret in that response only', async () => {
    const res = await create({ url: 'https://example.com/hooks?x=1', eventTypes: ['order.*', 'invoice.paid', 'order.*'], description: 'orders' });
    const ep = res.body;
    assert.deepEqual(Object.keys(ep).sort(), [...VIEW_KEYS, 'secret'].sort());
    assert.match(ep.secret, SECRET_RE);
    assert.equal(Buffer.from(ep.secret.slice('whsec_'.length), 'base64').length, 32);
    assert.equal(ep.url, 'https://example.com/hooks?x=1');
    assert.deepEqual(ep.eventTypes, ['order.*', 'invoice.paid'], 'duplicates are dropped');
    assert.equal(ep.description, 'orders');
    assert.equal(ep.status, 'active');
    const [row] = await f.platform.query('SELECT tenant_id FROM endpoints WHERE id = $1', [ep.id]);
    assert.equal(row.tenant_id, tenant.id);
    const sealed = await f.platform.query('SELECT ciphertext FROM endpoint_secrets WHERE endpoint_id = $1', [ep.id]);
    assert.equal(sealed.length, 1, 'one live signing secret');
    assert.ok(!sealed[0].ciphertext.includes(ep.secret.slice('whsec_'.length)), 'stored sealed, not in clear');

    const other = await create({ url: 'https://example.com/other', eventTypes: ['*'] });
    assert.notEqual(other.body.secret, ep.secret, 'every endpoint gets its own secret');
    assert.equal(other.body.description, null);

    const got = await tenant.client.get(`/v1/endpoints/${ep.id}`);
    const listed = await tenant.client.get('/v1/endpoints?limit=100');
    const patched = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { description: 'still orders' });
    for (const r of [got, listed, patched]) {
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.text.includes(ep.secret) && !r.text.includes(other.body.secret) && !r.text.includes('secret'), `no secret in ${r.text}`);
    }
    assert.deepEqual(Object.keys(got.body).sort(), VIEW_KEYS);
    const { secret: _secret, ...view } = ep;
    assert.deepEqual(got.body, view, 'GET shows what create returned, less the secret');
    assert.equal(patched.body.description, 'still orders');
  });

  it('updates each field, alone and together, and the change is what GET returns', async () => {
    const ep = (await create({ url: 'https://example.com/a', eventTypes: ['a.b'], description: 'first' })).body;
    const sealedBefore = await f.platform.query('SELECT ciphertext FROM endpoint_secrets WHERE endpoint_id = $1', [ep.id]);
    const steps: Array<[object, object]> = [
      [{ url: 'https://example.com/b' }, { url: 'https://example.com/b' }],
      [{ eventTypes: ['c.*', '*', 'c.*'] }, { eventTypes: ['c.*', '*'] }],
      [{ description: null }, { description: null }],
      [{ description: 'back' }, { description: 'back' }],
      [{ status: 'disabled' }, { status: 'disabled' }],
      [{ status: 'active', url: 'https://example.com/c', eventTypes: ['d.e'] }, { status: 'active', url: 'https://example.com/c', eventTypes: ['d.e'] }],
      [{}, {}],
    ];
    let last = ep;
    for (const [change, expected] of steps) {
      const res = await tenant.client.patch(`/v1/endpoints/${ep.id}`, change);
      assert.equal(res.status, 200, `${JSON.stringify(change)}: ${res.text}`);
      const want = { ...last, ...expected };
      delete (want as { secret?: string }).secret;
      assert.deepEqual({ ...res.body, updatedAt: undefined }, { ...want, updatedAt: undefined }, JSON.stringify(change));
      assert.ok(new Date(res.body.updatedAt) >= new Date(last.updatedAt));
      assert.deepEqual((await tenant.client.get(`/v1/endpoints/${ep.id}`)).body, res.body);
      last = res.body;
    }
    const after = await f.platform.query('SELECT ciphertext FROM endpoint_secrets WHERE endpoint_id = $1', [ep.id]);
    assert.deepEqual(after, sealedBefore, 'updates never touch the secret');
  });

  it('deletes an endpoint: 204, then 404 on every route, and gone from the list', async () => {
    const ep = (await create({ url: 'https://example.com/gone', eventTypes: ['a.b'] })).body;
    const del = await tenant.client.delete(`/v1/endpoints/${ep.id}`);
    assert.equal(del.status, 204);
    assert.equal(del.text, '');
    for (const res of [
      await tenant.client.get(`/v1/endpoints/${ep.id}`),
      await tenant.client.patch(`/v1/endpoints/${ep.id}`, { status: 'active' }),
      await tenant.client.delete(`/v1/endpoints/${ep.id}`),
    ]) {
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.message, 'endpoint not found');
    }
    const list = await tenant.client.get('/v1/endpoints?limit=100');
    assert.ok(!list.body.data.some((e: { id: string }) => e.id === ep.id));
    const [row] = await f.platform.query('SELECT status, deleted_at FROM endpoints WHERE id = $1', [ep.id]);
    assert.equal(row.status, 'disabled');
    assert.ok(row.deleted_at, 'soft deleted: the delivery log can still refer to it');
  });

  it('sends nothing to a disabled or deleted endpoint, and resumes when one is enabled again', async () => {
    // A tenant of its own, so the endpoints of the tests above (example.com) get no events.
    const tenant = await f.platform.createTenant('sender');
    const create = async (body: object) => {
      const res = await tenant.client.post('/v1/endpoints', body);
      assert.equal(res.status, 201, res.text);
      return res;
    };
    const live = (await create({ url: f.receiver.url('/live'), eventTypes: ['ship.sent'] })).body;
    const disabled = (await create({ url: f.receiver.url('/disabled'), eventTypes: ['ship.*'] })).body;
    const deleted = (await create({ url: f.receiver.url('/deleted'), eventTypes: ['*'] })).body;
    assert.equal((await tenant.client.patch(`/v1/endpoints/${disabled.id}`, { status: 'disabled' })).status, 200);
    assert.equal((await tenant.client.delete(`/v1/endpoints/${deleted.id}`)).status, 204);

    const ev = (await tenant.client.post('/v1/events', { type: 'ship.sent', data: { n: 1 } })).body;
    await f.receiver.waitFor(1, '/live');
    await waitUntil(async () => (await f.platform.query('SELECT 1 FROM events WHERE id = $1 AND fanned_out_at IS NOT NULL', [ev.id])).length > 0, 15_000, 'fan-out');
    const rows = await f.platform.query('SELECT endpoint_id FROM deliveries WHERE event_id = $1', [ev.id]);
    assert.deepEqual(rows.map((r) => r.endpoint_id), [live.id]);
    // A short wait to show nothing else arrives.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(f.receiver.received('/disabled').length, 0);
    assert.equal(f.receiver.received('/deleted').length, 0);

    assert.equal((await tenant.client.patch(`/v1/endpoints/${disabled.id}`, { status: 'active' })).status, 200);
    await tenant.client.post('/v1/events', { type: 'ship.sent', data: { n: 2 } });
    const [req] = await f.receiver.waitFor(1, '/disabled');
    assert.match(req!.body, /"n":2/);
    await f.receiver.waitFor(2, '/live');
    assert.equal(f.receiver.received('/deleted').length, 0);
  });

  it('ends a pending delivery without another attempt once its endpoint is disabled', async () => {
    const tenant = await f.platform.createTenant('retrying');
    f.receiver.on('/flaky', { status: 503 });
    const ep = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/flaky'), eventTypes: ['r.x'] })).body;
    const ev = (await tenant.client.post('/v1/events', { type: 'r.x', data: {} })).body;
    await f.receiver.waitFor(1, '/flaky');
    assert.equal((await tenant.client.patch(`/v1/endpoints/${ep.id}`, { status: 'disabled' })).status, 200);
    const d = await waitUntil(async () => {
      const [row] = (await tenant.client.get(`/v1/deliveries?eventId=${ev.id}`)).body.data;
      return row?.status === 'failed' ? row : undefined;
    }, 15_000, 'the delivery to fail');
    assert.equal(d.attemptCount, 1);
    assert.match(d.lastError, /endpoint disabled or deleted/);
    assert.equal(f.receiver.received('/flaky').length, 1);
  });

  it('does not send an event to an endpoint created after it was accepted', async () => {
    const tenant = await f.platform.createTenant('late');
    const early = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/early'), eventTypes: ['l.x'] })).body;
    await f.platform.stopWorker();
    try {
      const ev = (await tenant.client.post('/v1/events', { type: 'l.x', data: {} })).body;
      await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/late'), eventTypes: ['l.x'] });
      await f.platform.startWorker();
      await f.receiver.waitFor(1, '/early');
      const rows = await f.platform.query('SELECT endpoint_id FROM deliveries WHERE event_id = $1', [ev.id]);
      assert.deepEqual(rows.map((r) => r.endpoint_id), [early.id]);
      assert.equal(f.receiver.received('/late').length, 0);
    } finally {
      await f.platform.startWorker();
    }
  });

  it('pages through endpoints newest first, without gaps or repeats', async () => {
    const other = await f.platform.createTenant('pager');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await other.client.post('/v1/endpoints', { url: `https://example.com/p${i}`, eventTypes: ['a.b'] });
      assert.equal(res.status, 201);
      made.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; text: string; body: any } = await other.client.get(`/v1/endpoints?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.data.length <= 3);
      seen.push(...res.body.data.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...made].reverse());
    const all = await other.client.get('/v1/endpoints');
    assert.equal(all.body.data.length, 7);
    assert.equal(all.body.nextCursor, null);
  });
});
