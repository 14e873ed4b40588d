import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { usePlatform } from '../support/fixture.js';
import type { ApiClient } from '../support/http-client.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

interface Delivery {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  createdAt: string;
  tenantId?: string;
}

/** Follows nextCursor to the end; returns every page. */
async function allPages(client: ApiClient, path: string): Promise<Delivery[][]> {
  const pages: Delivery[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; text: string; body: { data: Delivery[]; nextCursor: string | null } } = await client.get(`${path}${cursor ? `${sep}cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, res.text);
    pages.push(res.body.data);
    cursor = res.body.nextCursor;
    assert.ok(pages.length < 50, 'pagination ends');
  } while (cursor);
  return pages;
}

describe('delivery log: filters, cursor pagination, admin views', () => {
  // A long retry schedule keeps the 503 delivery pending after its first attempt.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '300' } });
  let tenant: Tenant;
  let other: Tenant;
  const ep: Record<'ok' | 'bad' | 'slow', string> = { ok: '', bad: '', slow: '' };
  const ev: Record<'one' | 'fail' | 'pending', string> = { one: '', fail: '', pending: '' };
  let otherDelivery: string;
  const BULK = 9;

  before(async () => {
    const { platform, receiver } = f;
    receiver.on('/bad', { status: 400, body: 'no thanks' });
    receiver.on('/slow', { status: 503 });
    tenant = await platform.createTenant('log');
    other = await platform.createTenant('other');
    const mk = async (path: string, eventTypes: string[]) => (await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes })).body.id as string;
    ep.ok = await mk('/ok', ['log.*']);
    ep.bad = await mk('/bad', ['log.fail']);
    ep.slow = await mk('/slow', ['log.pending']);
    const send = async (type: string) => (await tenant.client.post('/v1/events', { type, data: {} })).body.id as string;
    ev.one = await send('log.one');
    ev.fail = await send('log.fail');
    ev.pending = await send('log.pending');
    for (let i = 0; i < BULK; i++) await send('log.bulk');
    await other.client.post('/v1/endpoints', { url: receiver.url('/other'), eventTypes: ['*'] });
    await other.client.post('/v1/events', { type: 'log.one', data: {} });
    // log.one, log.fail x2, log.pending x2 (ok matches log.*), bulk; plus the other tenant's one.
    await waitUntil(async () => {
      const rows = await platform.query(`SELECT count(*) FILTER (WHERE status <> 'pending' OR attempt_count > 0)::int AS done, count(*)::int AS n FROM deliveries`);
      return rows[0].n === 5 + BULK + 1 && rows[0].done === rows[0].n;
    }, 20_000, 'every delivery attempted');
    otherDelivery = (await platform.query('SELECT id FROM deliveries WHERE tenant_id = $1', [other.id]))[0].id;
  });

  async function list(q: string): Promise<Delivery[]> {
    const res = await tenant.client.get(`/v1/deliveries?limit=100&${q}`);
    assert.equal(res.status, 200, res.text);
    return res.body.data;
  }

  it('filters by endpoint, event, event type and status', async () => {
    assert.deepEqual((await list(`endpointId=${ep.bad}`)).map((d) => [d.eventId, d.status, d.attemptCount]), [[ev.fail, 'failed', 1]]);
    assert.deepEqual(new Set((await list(`eventId=${ev.fail}`)).map((d) => d.endpointId)), new Set([ep.ok, ep.bad]));
    assert.deepEqual((await list('eventType=log.pending')).map((d) => d.endpointId).sort(), [ep.ok, ep.slow].sort());
    assert.equal((await list('eventType=log.bulk')).length, BULK);
    assert.deepEqual((await list('status=pending')).map((d) => [d.endpointId, d.attemptCount]), [[ep.slow, 1]]);
    assert.deepEqual((await list('status=failed')).map((d) => d.endpointId), [ep.bad]);
    assert.equal((await list('status=succeeded')).length, 3 + BULK);
    assert.deepEqual((await list(`endpointId=${ep.ok}&eventType=log.fail&status=succeeded`)).map((d) => d.eventId), [ev.fail]);
    assert.deepEqual(await list(`endpointId=${ep.bad}&status=succeeded`), []);
    assert.ok((await list('')).every((d) => d.tenantId === undefined), 'tenant views do not carry tenantId');
  });

  it('filters by since (inclusive) and until (exclusive)', async () => {
    const all = await list('');
    const times = [...new Set(all.map((d) => d.createdAt))].sort();
    assert.ok(times.length >= 2, 'deliveries were created at more than one instant');
    const mid = times[Math.floor(times.length / 2)]!;
    const since = await list(`since=${mid}`);
    const until = await list(`until=${mid}`);
    assert.deepEqual(new Set(since.map((d) => d.id)), new Set(all.filter((d) => d.createdAt >= mid).map((d) => d.id)));
    assert.deepEqual(new Set(until.map((d) => d.id)), new Set(all.filter((d) => d.createdAt < mid).map((d) => d.id)));
    assert.equal(since.length + until.length, all.length);
    assert.ok(since.length > 0 && until.length > 0);
    assert.deepEqual(await list('since=2999-01-01T00:00:00Z'), []);
    assert.equal((await list(`since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00.000Z`)).length, all.length);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const expected = (await f.platform.query('SELECT id FROM deliveries WHERE tenant_id = $1 ORDER BY id DESC', [tenant.id])).map((r) => r.id);
    assert.equal(expected.length, 5 + BULK);
    const pages = await allPages(tenant.client, '/v1/deliveries?limit=4');
    assert.deepEqual(pages.map((p) => p.length), [4, 4, 4, 2]);
    assert.deepEqual(pages.flat().map((d) => d.id), expected);
    const times = pages.flat().map((d) => Date.parse(d.createdAt));
    assert.ok(times[0]! >= times[times.length - 1]!, 'newest first');

    const filtered = await allPages(tenant.client, '/v1/deliveries?limit=5&status=succeeded');
    assert.deepEqual(filtered.map((p) => p.length), [5, 5, 2]);
    assert.ok(filtered.flat().every((d) => d.status === 'succeeded'));
    assert.equal(new Set(filtered.flat().map((d) => d.id)).size, 3 + BULK);
  });

  it('returns at most 100 per page and no cursor when nothing is left', async () => {
    const res = await tenant.client.get('/v1/deliveries?limit=100');
    assert.equal(res.body.data.length, 5 + BULK);
    assert.equal(res.body.nextCursor, null);
    const dflt = await tenant.client.get('/v1/deliveries');
    assert.equal(dflt.body.data.length, 5 + BULK);
    assert.equal((await tenant.client.get('/v1/deliveries?limit=101')).status, 400);
    const exact = await tenant.client.get(`/v1/deliveries?limit=${5 + BULK}`);
    assert.equal(exact.body.nextCursor, null, 'a full last page has no next cursor');
  });

  it('shows a delivery with its attempts', async () => {
    const [bad] = await list(`endpointId=${ep.bad}`);
    const res = await tenant.client.get(`/v1/deliveries/${bad!.id}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.lastStatusCode, 400);
    assert.equal(res.body.attempts.length, 1);
    const [a] = res.body.attempts;
    assert.equal(a.attemptNumber, 1);
    assert.equal(a.responseStatus, 400);
    assert.equal(a.responseBody, 'no thanks');
    assert.equal(a.errorKind, null);
    assert.equal(typeof a.durationMs, 'number');
  });

  it('lists across tenants for the admin, with and without tenantId', async () => {
    const admin = f.platform.admin;
    const everything = (await allPages(admin, '/v1/admin/deliveries?limit=7')).flat();
    assert.equal(everything.length, 5 + BULK + 1);
    assert.deepEqual(new Set(everything.map((d) => d.tenantId)), new Set([tenant.id, other.id]));
    const expected = (await f.platform.query('SELECT id FROM deliveries ORDER BY id DESC')).map((r) => r.id);
    assert.deepEqual(everything.map((d) => d.id), expected);

    const onlyOther = await admin.get(`/v1/admin/deliveries?tenantId=${other.id}`);
    assert.deepEqual(onlyOther.body.data.map((d: Delivery) => [d.id, d.tenantId]), [[otherDelivery, other.id]]);
    const upper = await admin.get(`/v1/admin/deliveries?tenantId=${other.id.toUpperCase()}`);
    assert.deepEqual(upper.body.data.map((d: Delivery) => d.id), [otherDelivery]);
    const failed = await admin.get(`/v1/admin/deliveries?tenantId=${tenant.id}&status=failed`);
    assert.deepEqual(failed.body.data.map((d: Delivery) => d.endpointId), [ep.bad]);
    const nobody = await admin.get('/v1/admin/deliveries?tenantId=0192f0c8-7d4e-7abc-8def-0123456789ab');
    assert.deepEqual(nobody.body, { data: [], nextCursor: null });
  });

  it('shows any tenant’s delivery with its attempts to the admin', async () => {
    const res = await f.platform.admin.get(`/v1/admin/deliveries/${otherDelivery}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.tenantId, other.id);
    assert.equal(res.body.status, 'succeeded');
    assert.deepEqual(res.body.attempts.map((a: { responseStatus: number }) => a.responseStatus), [200]);
    assert.equal((await tenant.client.get(`/v1/deliveries/${otherDelivery}`)).status, 404, 'but not to another tenant');
  });

  it('lists tenants for the admin, newest first, paged, without keys', async () => {
    const pages = await allPages(f.platform.admin, '/v1/admin/tenants?limit=1');
    const tenants = pages.flat() as unknown as Array<{ id: string; name: string; createdAt: string }>;
    assert.deepEqual(tenants.map((t) => [t.id, t.name]), [[other.id, 'other'], [tenant.id, 'log']]);
    assert.ok(tenants.every((t) => Object.keys(t).sort().join() === 'alertEmails,createdAt,externalId,id,name'), 'no api key in the list');
  });
});
