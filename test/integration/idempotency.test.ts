import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertErrorBody, dbState } from '../support/assertions.js';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

describe('idempotent dispatch', () => {
  const f = usePlatform();
  let tenant: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('idem');
    const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/hook'), eventTypes: ['idem.*'] });
    assert.equal(ep.status, 201, ep.text);
  });

  const count = async (sql: string, params: unknown[]) => Number((await f.platform.query(sql, params))[0].n);

  /** Waits until the event is delivered, then a little longer to show no second webhook comes. */
  async function deliveredOnce(eventId: string): Promise<void> {
    await waitUntil(async () => (await count(`SELECT count(*) AS n FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [eventId])) === 1, 15_000, 'delivery');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(f.receiver.received('/hook').filter((r) => r.headers['webhook-id'] === eventId).length, 1, 'the webhook arrives once');
    assert.equal(await count('SELECT count(*) AS n FROM deliveries WHERE event_id = $1', [eventId]), 1);
  }

  for (const via of ['body', 'header'] as const) {
    it(`returns the same event for the same key (${via}), creating nothing new`, async () => {
      const key = `order-42-${via}`;
      const body = { type: 'idem.created', data: { order: 42 }, ...(via === 'body' ? { idempotencyKey: key } : {}) };
      const headers = via === 'header' ? { 'idempotency-key': key } : undefined;
      const first = await tenant.client.post('/v1/events', body, { headers });
      assert.equal(first.status, 202, first.text);
      assert.equal(first.headers['idempotent-replayed'], undefined);
      await deliveredOnce(first.body.id);
      const before = await dbState(f.platform);

      const again = await tenant.client.post('/v1/events', body, { headers });
      assert.equal(again.status, 202, again.text);
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(await dbState(f.platform), before, 'a replay creates no event and no delivery');
      await deliveredOnce(first.body.id);
    });
  }

  it('treats the header and the body field as the same key', async () => {
    const first = await tenant.client.post('/v1/events', { type: 'idem.mixed', data: {}, idempotencyKey: 'mixed-1' });
    const second = await tenant.client.post('/v1/events', { type: 'idem.mixed', data: {} }, { headers: { 'idempotency-key': 'mixed-1' } });
    const both = await tenant.client.post('/v1/events', { type: 'idem.mixed', data: {}, idempotencyKey: 'mixed-1' }, { headers: { 'idempotency-key': 'mixed-1' } });
    assert.equal(first.status, 202);
    assert.equal(second.body.id, first.body.id);
    assert.equal(both.body.id, first.body.id);
  });

  it('creates exactly one event for 20 concurrent requests with one key', async () => {
    const body = { type: 'idem.burst', data: { n: 1 }, idempotencyKey: 'burst-1' };
    const results = await Promise.all(Array.from({ length: 20 }, () => tenant.client.post('/v1/events', body)));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(202));
    const ids = new Set(results.map((r) => r.body.id));
    assert.equal(ids.size, 1);
    assert.equal(results.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'one request created it');
    assert.equal(await count(`SELECT count(*) AS n FROM events WHERE tenant_id = $1 AND idempotency_key = 'burst-1'`, [tenant.id]), 1);
    await deliveredOnce([...ids][0]!);
  });

  it('answers 409 when a key is reused for a different event, and changes nothing', async () => {
    const first = await tenant.client.post('/v1/events', { type: 'idem.paid', data: { amount: 1 }, idempotencyKey: 'pay-1' });
    assert.equal(first.status, 202);
    await deliveredOnce(first.body.id);
    const before = await dbState(f.platform);
    assertErrorBody(await tenant.client.post('/v1/events', { type: 'idem.paid', data: { amount: 2 }, idempotencyKey: 'pay-1' }), 409, /idempotency key was already used/);
    assertErrorBody(await tenant.client.post('/v1/events', { type: 'idem.refunded', data: { amount: 1 } }, { headers: { 'idempotency-key': 'pay-1' } }), 409, /idempotency key was already used/);
    assert.deepEqual(await dbState(f.platform), before);
  });

  it('answers 400 when the header and the body field name different keys, and changes nothing', async () => {
    const before = await dbState(f.platform);
    const res = await tenant.client.post('/v1/events', { type: 'idem.x', data: {}, idempotencyKey: 'k-1' }, { headers: { 'idempotency-key': 'k-2' } });
    assertErrorBody(res, 400, /Idempotency-Key header and idempotencyKey field differ/);
    assert.deepEqual(await dbState(f.platform), before);
  });
});
