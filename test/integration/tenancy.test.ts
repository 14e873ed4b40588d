import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertErrorBody, dbState } from '../support/assertions.js';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

describe('tenancy: one tenant cannot see or touch another tenant’s data', () => {
  const f = usePlatform();
  let a: Tenant;
  let b: Tenant;
  let aEndpoint: string;
  let aEvent: string;
  let aDelivery: string;

  before(async () => {
    a = await f.platform.createTenant('a');
    b = await f.platform.createTenant('b');
    aEndpoint = (await a.client.post('/v1/endpoints', { url: f.receiver.url('/a'), eventTypes: ['shared.type'] })).body.id;
    await b.client.post('/v1/endpoints', { url: f.receiver.url('/b'), eventTypes: ['shared.type'] });
    aEvent = (await a.client.post('/v1/events', { type: 'shared.type', data: { owner: 'a' } })).body.id;
    aDelivery = await waitUntil(async () => {
      const [d] = await f.platform.query(`SELECT id FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [aEvent]);
      return d?.id as string | undefined;
    }, 15_000, 'tenant a’s delivery');
    // Health is written a moment after the attempt: let it settle before rows are compared.
    await waitUntil(async () => (await a.client.get(`/v1/endpoints/${aEndpoint}`)).body.health.lastSuccessAt !== null, 15_000, 'the endpoint health');
  });

  it('answers 404 on every tenant route used with the other tenant’s ids, and changes nothing', async () => {
    const before = await dbState(f.platform);
    const calls = [
      () => b.client.get(`/v1/endpoints/${aEndpoint}`),
      () => b.client.patch(`/v1/endpoints/${aEndpoint}`, { status: 'disabled' }),
      () => b.client.patch(`/v1/endpoints/${aEndpoint}`, { url: f.receiver.url('/stolen') }),
      () => b.client.delete(`/v1/endpoints/${aEndpoint}`),
      () => b.client.get(`/v1/deliveries/${aDelivery}`),
    ];
    for (const call of calls) assertErrorBody(await call(), 404, /(endpoint|delivery) not found/);
    assert.deepEqual(await dbState(f.platform), before);
    // The same ids work for their owner: the 404s above are about the tenant, not the ids.
    assert.equal((await a.client.get(`/v1/endpoints/${aEndpoint}`)).status, 200);
    assert.equal((await a.client.get(`/v1/deliveries/${aDelivery}`)).status, 200);
  });

  it('lists nothing of the other tenant, whatever the filter names', async () => {
    for (const q of [`endpointId=${aEndpoint}`, `eventId=${aEvent}`, 'eventType=shared.type&status=succeeded']) {
      const res = await b.client.get(`/v1/deliveries?${q}`);
      assert.equal(res.status, 200, res.text);
      assert.ok(!res.body.data.some((d: { eventId: string }) => d.eventId === aEvent), q);
    }
    assert.deepEqual((await b.client.get(`/v1/deliveries?endpointId=${aEndpoint}`)).body.data, []);
    assert.deepEqual((await b.client.get(`/v1/deliveries?eventId=${aEvent}`)).body.data, []);
    const endpoints = await b.client.get('/v1/endpoints');
    assert.ok(!endpoints.body.data.some((e: { id: string }) => e.id === aEndpoint));
    assert.equal((await a.client.get(`/v1/deliveries?eventId=${aEvent}`)).body.data.length, 1);
  });

  it('fans an event out to its own tenant’s endpoints only, and scopes idempotency keys by tenant', async () => {
    const key = 'same-key-in-two-tenants';
    const ea = await a.client.post('/v1/events', { type: 'shared.type', data: { owner: 'a' }, idempotencyKey: key });
    const eb = await b.client.post('/v1/events', { type: 'shared.type', data: { owner: 'b' }, idempotencyKey: key });
    assert.equal(ea.status, 202);
    assert.equal(eb.status, 202, 'the other tenant’s key is not a conflict');
    assert.notEqual(ea.body.id, eb.body.id);
    const bReqs = await f.receiver.waitFor(1, '/b');
    await f.receiver.waitFor(2, '/a');
    assert.ok(f.receiver.received('/a').every((r) => r.body.includes('"owner":"a"')));
    assert.ok(bReqs.every((r) => r.body.includes('"owner":"b"')));
    await waitUntil(async () => (await f.platform.query(`SELECT 1 FROM deliveries WHERE status = 'pending'`)).length === 0, 15_000, 'all delivered');
    assert.equal(f.receiver.received('/a').length, 2);
    assert.equal(f.receiver.received('/b').length, 1);
  });
});
