import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { dbState } from '../support/assertions.js';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

describe('batch dispatch: POST /v1/events/batch', () => {
  const f = usePlatform();
  let tenant: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('batch');
    const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/batch'), eventTypes: ['batch.*'] });
    assert.equal(ep.status, 201, ep.text);
  });

  const eventsOf = (ids: string[]) => f.platform.query<{ id: string; type: string; data: string; idempotency_key: string | null; created_at: Date }>('SELECT id, type, data::text AS data, idempotency_key, created_at FROM events WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]);

  it('accepts the valid items and refuses the invalid ones, one result per item in order, all stored by one statement', async () => {
    // Stored before the batch: one key replayed by the batch, one reused for a different event.
    const stored = await tenant.client.post('/v1/events', { type: 'batch.stored', data: { n: 1 }, idempotencyKey: 'stored-same' });
    assert.equal((await tenant.client.post('/v1/events', { type: 'batch.stored', data: { n: 2 }, idempotencyKey: 'stored-other' })).status, 202);
    const items: unknown[] = [
      { type: 'batch.one', data: { n: 1 } }, // 0 accepted
      { type: 'batch..bad', data: {} }, // 1 invalid type
      { type: 'batch.two' }, // 2 no data
      { type: 'hookrelay.endpoint.failing', data: {} }, // 3 reserved type
      { type: 'batch.three', data: {}, color: 'red' }, // 4 unknown field
      { type: 'batch.four', data: { s: '\uD800' } }, // 5 lone surrogate
      'not an object', // 6
      { type: 'batch.keyed', data: { k: 1 }, idempotencyKey: 'k1' }, // 7 accepted
      { type: 'batch.keyed', data: { k: 1 }, idempotencyKey: 'k1' }, // 8 same key, same event in this batch: replay of 7
      { type: 'batch.keyed', data: { k: 2 }, idempotencyKey: 'k1' }, // 9 same key, another event: 409
      { type: 'batch.stored', data: { n: 1 }, idempotencyKey: 'stored-same' }, // 10 replay of the stored event
      { type: 'batch.stored', data: { n: 1 }, idempotencyKey: 'stored-other' }, // 11 key stored for another event: 409
      { type: 'batch.five', data: { nested: { a: [1, 2, 3] } } }, // 12 accepted
    ];
    const res = await tenant.client.post('/v1/events/batch', { events: items });
    assert.equal(res.status, 200, res.text);
    const results = res.body.results as Array<Record<string, any>>;
    assert.equal(results.length, items.length);
    assert.deepEqual(results.map((r) => r.status), [202, 400, 400, 400, 400, 400, 400, 202, 202, 409, 202, 409, 202]);
    const messages: Array<[number, RegExp]> = [
      [1, /type must be dot-separated names/],
      [2, /^data is required$/],
      [3, /reserved for the platform/],
      [4, /^unknown property color$/],
      [5, /data\.s contains text that is not valid Unicode/],
      [6, /each item must be a JSON object/],
      [9, /idempotency key was already used for a different event/],
      [11, /idempotency key was already used for a different event/],
    ];
    for (const [n, message] of messages) {
      const error = results[n]!.error;
      assert.deepEqual(Object.keys(results[n]!).sort(), ['error', 'status'], `item ${n}: ${JSON.stringify(results[n])}`);
      assert.equal(error.statusCode, results[n]!.status, `item ${n}`);
      assert.equal(typeof error.error, 'string');
      assert.match(error.message, message, `item ${n}`);
    }
    assert.equal(results[8]!.id, results[7]!.id, 'a duplicate within the batch is the same event');
    assert.deepEqual([results[7]!.replayed, results[8]!.replayed, results[10]!.replayed], [false, true, true]);
    assert.equal(results[10]!.id, stored.body.id);
    assert.deepEqual(results[0]!.type, 'batch.one');

    const created = [0, 7, 12].map((n) => results[n]!.id as string);
    const rows = await eventsOf(created);
    assert.deepEqual(rows.map((r) => r.type).sort(), ['batch.five', 'batch.keyed', 'batch.one']);
    assert.equal(rows.find((r) => r.type === 'batch.five')!.data, '{"nested":{"a":[1,2,3]}}');
    // One statement is one transaction: now() is the same for every row it inserted.
    assert.equal(new Set(rows.map((r) => r.created_at.getTime())).size, 1, 'the events of one batch share one transaction');
    // Only the accepted events exist: nothing was stored for the refused items.
    const all = await f.platform.query<{ type: string }>('SELECT type FROM events WHERE tenant_id = $1', [tenant.id]);
    assert.deepEqual(all.map((r) => r.type).sort(), ['batch.five', 'batch.keyed', 'batch.one', 'batch.stored', 'batch.stored']);

    // Each accepted event is delivered once; the stored event is not delivered again.
    const got = await f.receiver.waitFor(5, '/batch');
    await waitUntil(async () => Number((await f.platform.query(`SELECT count(*) AS n FROM deliveries WHERE tenant_id = $1 AND status = 'succeeded'`, [tenant.id]))[0].n) === 5, 15_000, 'five deliveries');
    assert.deepEqual(got.map((r) => r.headers['webhook-id']).filter((id) => created.includes(id as string)).sort(), [...created].sort());
  });

  it('the same batch again is all replays: nothing new is stored or delivered', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'batch.again', data: { i }, idempotencyKey: `again-${i}` }));
    const first = await tenant.client.post('/v1/events/batch', { events });
    assert.equal(first.status, 200, first.text);
    assert.ok(first.body.results.every((r: { status: number; replayed: boolean }) => r.status === 202 && !r.replayed));
    await waitUntil(async () => Number((await f.platform.query(`SELECT count(*) AS n FROM deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = 'batch.again' AND d.status = 'succeeded'`))[0].n) === 50, 15_000, '50 deliveries');
    // Endpoint health is written a moment after the attempts: let it settle before rows are compared.
    // (lastSuccessAt is when the last successful attempt ended: its start plus its duration.)
    const healthSettled = `SELECT bool_and(e.last_success_at >= (SELECT max(a.started_at + make_interval(secs => a.duration_ms / 1000.0)) - interval '1 millisecond' FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = e.id)) AS settled FROM endpoints e WHERE e.tenant_id = $1`;
    await waitUntil(async () => (await f.platform.query(healthSettled, [tenant.id]))[0].settled === true, 15_000, 'the endpoint health');
    const before = await dbState(f.platform);
    const again = await tenant.client.post('/v1/events/batch', { events });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.results.map((r: { id: string }) => r.id), first.body.results.map((r: { id: string }) => r.id));
    assert.ok(again.body.results.every((r: { replayed: boolean }) => r.replayed));
    assert.deepEqual(await dbState(f.platform), before);
  });

  it('1,000 events in one request, fanned out to their endpoint', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ type: 'batch.bulk', data: { i, pad: 'x'.repeat(1000) } }));
    const res = await tenant.client.post('/v1/events/batch', { events });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.equal(res.body.results.filter((r: { status: number }) => r.status === 202).length, 1000);
    const n = await f.platform.query(`SELECT count(DISTINCT created_at) AS stamps, count(*) AS n FROM deliveries d WHERE d.event_id = ANY($1::uuid[])`, [res.body.results.map((r: { id: string }) => r.id)]);
    assert.deepEqual(n, [{ stamps: '1', n: '1000' }], 'one delivery per event, made by the same statement');
  });

  it('a service key with events:write dispatches a batch for the tenant it names', async () => {
    await f.platform.admin.patch(`/v1/admin/tenants/${tenant.id}`, { externalId: 'batch-tenant' });
    const key = (await f.platform.admin.post('/v1/admin/service-keys', { name: 'events', scopes: ['events:write'] })).body.key;
    const res = await f.platform.client(key).post('/v1/events/batch', { events: [{ type: 'batch.service', data: {} }] }, { headers: { 'hookrelay-tenant': 'ext:batch-tenant' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(await f.platform.query('SELECT tenant_id FROM events WHERE id = $1', [res.body.results[0].id]), [{ tenant_id: tenant.id }]);
  });
});
