import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

interface EventItem {
  id: string;
  type: string;
  idempotencyKey: string | null;
  createdAt: string;
  expungedAt: string | null;
}

describe('reading events: GET /v1/events and /v1/events/:id', () => {
  const f = usePlatform({ env: { RETRY_SCHEDULE: '300', ALERT_OUTBOX_POLL_MS: '100' } });
  let tenant: Tenant;
  let other: Tenant;
  const ep = { ok: '', gone: '' };
  let sent: EventItem[] = [];
  let paid = '';

  before(async () => {
    const { platform, receiver } = f;
    receiver.on('/gone', { status: 410 });
    tenant = await platform.createTenant('events');
    other = await platform.createTenant('other');
    ep.ok = (await tenant.client.post('/v1/endpoints', { url: receiver.url('/ok'), eventTypes: ['order.*'] })).body.id;
    ep.gone = (await tenant.client.post('/v1/endpoints', { url: receiver.url('/gone'), eventTypes: ['order.paid'] })).body.id;
    const send = async (type: string, data: object, idempotencyKey?: string) => {
      const res = await tenant.client.post('/v1/events', { type, data, ...(idempotencyKey ? { idempotencyKey } : {}) });
      assert.equal(res.status, 202, res.text);
      return res.body.id as string;
    };
    paid = await send('order.paid', { orderId: 'o-1', total: 4200, lines: [{ sku: 'a', qty: 2 }] }, 'order-o-1-paid');
    for (let i = 0; i < 4; i++) await send('order.created', { n: i });
    await send('user.signed_up', { nobody: 'subscribes' });
    await other.client.post('/v1/events', { type: 'order.paid', data: { theirs: true } });
    await waitUntil(async () => {
      const [row] = await platform.query(`SELECT count(*) FILTER (WHERE status <> 'pending')::int AS done, count(*)::int AS n FROM deliveries WHERE tenant_id = $1`, [tenant.id]);
      return row.n === 6 && row.done === 6;
    }, 20_000, 'every delivery finished');
    // The failed delivery raises the platform's own hookrelay.delivery.failed, an event of the tenant too.
    await waitUntil(async () => (await platform.query(`SELECT 1 FROM events WHERE tenant_id = $1 AND type = 'hookrelay.delivery.failed'`, [tenant.id])).length === 1, 20_000, 'the operational event');
    sent = (await platform.query(`SELECT id, type, idempotency_key, created_at FROM events WHERE tenant_id = $1 ORDER BY id DESC`, [tenant.id])).map((r) => ({
      id: r.id,
      type: r.type,
      idempotencyKey: r.idempotency_key,
      createdAt: r.created_at.toISOString(),
      expungedAt: null,
    }));
    assert.equal(sent.length, 7);
  });

  async function list(q = ''): Promise<{ data: EventItem[]; nextCursor: string | null }> {
    const res = await tenant.client.get(`/v1/events${q}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  it("lists the tenant's events newest first, without data, and pages them with a cursor", async () => {
    const all = await list();
    assert.deepEqual(all.data, sent, 'every event of the tenant and none of the other tenant, newest first');
    assert.equal(all.nextCursor, null);
    const ids: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const page = await list(`?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(page.data.length);
      ids.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor && sizes.length < 10);
    assert.deepEqual(sizes, [4, 3]);
    assert.deepEqual(ids, sent.map((e) => e.id), 'no gaps, no repeats');
    const exact = await list('?limit=7');
    assert.equal(exact.nextCursor, null, 'a full last page has no next cursor');
  });

  it('filters by exact type and by since (inclusive) and until (exclusive)', async () => {
    assert.deepEqual((await list('?type=order.created')).data.map((e) => e.id), sent.filter((e) => e.type === 'order.created').map((e) => e.id));
    assert.deepEqual((await list('?type=order.paid')).data.map((e) => e.id), [paid]);
    assert.deepEqual((await list('?type=order.refunded')).data, []);
    const [alert] = (await list('?type=hookrelay.delivery.failed')).data;
    assert.equal(alert?.idempotencyKey?.startsWith('hookrelay-alert:'), true, 'operational events are listed and filtered like any other');
    const created = (await list('?type=order.created&limit=2')).data;
    assert.equal(created.length, 2);

    const times = [...new Set(sent.map((e) => e.createdAt))].sort();
    assert.ok(times.length >= 2, 'events were created at more than one instant');
    const mid = times[Math.floor(times.length / 2)]!;
    const since = (await list(`?since=${mid}`)).data;
    const until = (await list(`?until=${mid}`)).data;
    assert.deepEqual(since.map((e) => e.id), sent.filter((e) => e.createdAt >= mid).map((e) => e.id));
    assert.deepEqual(until.map((e) => e.id), sent.filter((e) => e.createdAt < mid).map((e) => e.id));
    assert.deepEqual((await list('?since=2999-01-01T00:00:00Z')).data, []);
    assert.equal((await list(`?since=${times[0]}&until=2999-01-01T00:00:00Z&type=order.created`)).data.length, 4);
  });

  it('shows one event with its data and its deliveries', async () => {
    const res = await tenant.client.get(`/v1/events/${paid}`);
    assert.equal(res.status, 200, res.text);
    const e = res.body;
    assert.deepEqual([e.id, e.type, e.idempotencyKey, e.createdAt], [paid, 'order.paid', 'order-o-1-paid', sent.find((s) => s.id === paid)!.createdAt]);
    assert.deepEqual(e.data, { orderId: 'o-1', total: 4200, lines: [{ sku: 'a', qty: 2 }] });
    const byEndpoint = Object.fromEntries(e.deliveries.map((d: { endpointId: string }) => [d.endpointId, d]));
    assert.deepEqual(Object.keys(byEndpoint).sort(), [ep.ok, ep.gone].sort());
    assert.deepEqual(
      { ...byEndpoint[ep.ok], id: undefined },
      { id: undefined, endpointId: ep.ok, status: 'succeeded', attemptCount: 1 },
    );
    assert.deepEqual({ ...byEndpoint[ep.gone], id: undefined }, { id: undefined, endpointId: ep.gone, status: 'failed', attemptCount: 1 });
    const logged = (await tenant.client.get(`/v1/deliveries?eventId=${paid}`)).body.data.map((d: { id: string }) => d.id).sort();
    assert.deepEqual(e.deliveries.map((d: { id: string }) => d.id).sort(), logged, 'the same deliveries as the delivery log');
    assert.equal(e.moreDeliveries, false);

    const lonely = (await tenant.client.get(`/v1/events/${sent.find((s) => s.type === 'user.signed_up')!.id}`)).body;
    assert.deepEqual([lonely.deliveries, lonely.data, lonely.idempotencyKey], [[], { nobody: 'subscribes' }, null]);
  });

  it("answers 404 with the error body for an unknown id, a non-id and another tenant's event", async () => {
    const [theirs] = await f.platform.query('SELECT id FROM events WHERE tenant_id = $1', [other.id]);
    for (const id of ['01939e3c-0000-7000-8000-000000000000', 'not-an-id', theirs.id]) {
      const res = await tenant.client.get(`/v1/events/${id}`);
      assert.equal(res.status, 404, `${id}: ${res.text}`);
      assert.deepEqual(res.body, { statusCode: 404, error: 'Not Found', message: 'event not found' });
    }
    assert.equal((await other.client.get(`/v1/events/${theirs.id}`)).status, 200);
  });

  it('refuses bad filters with a 400 that says what is wrong', async () => {
    const cases: Array<[string, RegExp]> = [
      ['?limit=0', /limit must be at least 1/],
      ['?limit=101', /limit must be at most 100/],
      ['?limit=ten', /limit must be a whole number/],
      ['?cursor=not*a*cursor', /cursor is invalid/],
      [`?cursor=${Buffer.from('hello').toString('base64url')}`, /cursor is invalid/],
      ['?since=yesterday', /since must be an ISO 8601 date-time/],
      ['?until=2026-13-01T00:00:00Z', /until must be an ISO 8601 date-time/],
      ['?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z', /since must be before until/],
      ['?type=order.*', /type must be an event type name/],
      ['?type=', /type must be an event type name/],
      [`?type=${'a'.repeat(256)}`, /type must be at most 255 characters/],
      ['?status=failed', /^unknown query parameter status$/],
    ];
    for (const [q, message] of cases) {
      const res = await tenant.client.get(`/v1/events${q}`);
      assert.equal(res.status, 400, `${q}: ${res.text}`);
      assert.equal(res.body.statusCode, 400);
      assert.match(res.body.message, message, q);
    }
  });
});
