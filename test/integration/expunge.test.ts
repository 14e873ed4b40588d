import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConflictError } from '#libs/common';
import { EventService, FanOutService } from '#libs/events';
import { assertErrorBody } from '../support/assertions.js';
import { usePlatform } from '../support/fixture.js';
import { waitUntil } from '../support/test-env.js';

describe('POST /v1/events/:id/expunge', () => {
  // Retries a minute apart: a failing delivery stays pending through the test.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '60' } });

  it("removes the event's data and its attempts' response bodies, keeps the metadata, and is idempotent", async () => {
    const { platform, receiver } = f;
    receiver.on('/echo', { status: 200, body: 'echo: {"email":"someone@example.com"}' });
    const tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/echo'), eventTypes: ['person.updated'] });
    const ev = await tenant.client.post('/v1/events', { type: 'person.updated', data: { email: 'someone@example.com' } });
    await receiver.waitFor(1, '/echo');
    const delivery = await waitUntil(async () => (await platform.query(`SELECT * FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [ev.body.id]))[0], 10_000, 'the delivery');
    const [attemptBefore] = await platform.query(`SELECT * FROM delivery_attempts WHERE delivery_id = $1`, [delivery.id]);
    assert.match(attemptBefore.response_body, /someone@example\.com/);

    const res = await tenant.client.post(`/v1/events/${ev.body.id}/expunge`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['createdAt', 'expungedAt', 'id', 'type']);
    assert.equal(res.body.id, ev.body.id);
    assert.equal(res.body.type, 'person.updated');
    assert.equal(res.body.createdAt, ev.body.createdAt);
    assert.ok(Date.parse(res.body.expungedAt) >= Date.parse(ev.body.createdAt));

    const [row] = await platform.query(`SELECT data::text AS data, type, expunged_at FROM events WHERE id = $1`, [ev.body.id]);
    assert.equal(row.data, 'null');
    assert.equal(row.expunged_at.toISOString(), res.body.expungedAt);
    const [attemptAfter] = await platform.query(`SELECT * FROM delivery_attempts WHERE delivery_id = $1`, [delivery.id]);
    assert.deepEqual(attemptAfter, { ...attemptBefore, response_body: null }, 'only the response body goes');
    const [deliveryAfter] = await platform.query(`SELECT * FROM deliveries WHERE id = $1`, [delivery.id]);
    assert.deepEqual(deliveryAfter, delivery, 'the delivery metadata stays');
    // The delivery log shows the attempt without its body.
    const log = await tenant.client.get(`/v1/deliveries/${delivery.id}`);
    assert.equal(log.body.attempts[0].responseBody, null);
    assert.equal(log.body.attempts[0].responseStatus, 200);
    assert.ok(!log.text.includes('someone@example.com'));

    const again = await tenant.client.post(`/v1/events/${ev.body.id}/expunge`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, res.body, 'a second expunge answers the same');
    assert.equal(ep.status, 201);
  });

  it('ends pending deliveries failed, and stops a fan-out that has not run', async () => {
    const { platform, receiver } = f;
    receiver.on('/down', { status: 503 });
    const tenant = await platform.createTenant();
    await tenant.client.post('/v1/endpoints', { url: receiver.url('/down'), eventTypes: ['retry.me'] });
    const ev = await tenant.client.post('/v1/events', { type: 'retry.me', data: { secret: 1 } });
    await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE event_id = $1 AND attempt_count = 1 AND status = 'pending'`, [ev.body.id]))[0], 10_000, 'the first failed attempt');
    assert.equal((await tenant.client.post(`/v1/events/${ev.body.id}/expunge`)).status, 200);
    const [d] = await platform.query(`SELECT status, last_error, next_attempt_at, completed_at FROM deliveries WHERE event_id = $1`, [ev.body.id]);
    assert.equal(d.status, 'failed');
    assert.equal(d.last_error, 'event expunged');
    assert.equal(d.next_attempt_at, null);
    assert.ok(d.completed_at);

    // An event whose fan-out job has not run yet: marked fanned out, so the job creates nothing.
    const [unfanned] = await platform.query<{ id: string }>(`INSERT INTO events (id, tenant_id, type, data) VALUES (uuid_generate_v7(), $1, 'retry.me', '{"a":1}') RETURNING id`, [tenant.id]);
    assert.equal((await tenant.client.post(`/v1/events/${unfanned!.id}/expunge`)).status, 200);
    const created = await platform.workerProvider(FanOutService).fanOut(tenant.id, unfanned!.id);
    assert.equal(created, 0);
    assert.deepEqual(await platform.query(`SELECT id FROM deliveries WHERE event_id = $1`, [unfanned!.id]), []);
  });

  it('answers 404 for an unknown or malformed id and for another tenant, changing nothing', async () => {
    const { platform } = f;
    const owner = await platform.createTenant();
    const other = await platform.createTenant();
    const ev = await owner.client.post('/v1/events', { type: 'nobody.listens', data: { a: 1 } });
    for (const [client, id] of [[owner.client, '01a2314a-0000-7000-8000-000000000000'], [owner.client, 'not-an-id'], [other.client, ev.body.id]] as const) {
      assertErrorBody(await client.post(`/v1/events/${id}/expunge`), 404, /^event not found$/);
    }
    const [row] = await platform.query(`SELECT data::text AS data, expunged_at FROM events WHERE id = $1`, [ev.body.id]);
    assert.deepEqual(row, { data: '{"a":1}', expunged_at: null });
  });

  it('shows expungedAt and no data on GET, and refuses resend and replay with 409', async () => {
    const { platform, receiver } = f;
    receiver.on('/again', { status: 200 });
    const tenant = await platform.createTenant();
    await tenant.client.post('/v1/endpoints', { url: receiver.url('/again'), eventTypes: ['again.*'] });
    const ev = await tenant.client.post('/v1/events', { type: 'again.one', data: { email: 'x@example.com' } });
    const delivery = await waitUntil(async () => (await platform.query(`SELECT id FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [ev.body.id]))[0], 10_000, 'the delivery');
    const before = await tenant.client.get(`/v1/events/${ev.body.id}`);
    assert.deepEqual([before.body.data, before.body.expungedAt], [{ email: 'x@example.com' }, null]);
    const ex = await tenant.client.post(`/v1/events/${ev.body.id}/expunge`);

    const after = await tenant.client.get(`/v1/events/${ev.body.id}`);
    assert.equal(after.status, 200);
    assert.equal(after.body.data, null);
    assert.equal(after.body.expungedAt, ex.body.expungedAt);
    assert.equal(after.body.deliveries.length, 1, 'the metadata stays');
    assert.ok(!after.text.includes('x@example.com'));
    const listed = (await tenant.client.get('/v1/events?type=again.one')).body.data[0];
    assert.equal(listed.expungedAt, ex.body.expungedAt);

    assertErrorBody(await tenant.client.post(`/v1/deliveries/${delivery.id}/resend`), 409, /was expunged at .*cannot be sent again/);
    assertErrorBody(await tenant.client.post(`/v1/events/${ev.body.id}/replay`, {}), 409, /was expunged at .*cannot be sent again/);
    assertErrorBody(await tenant.client.post(`/v1/events/${ev.body.id}/replay`, { force: true }), 409, /was expunged/);
    const [d] = await platform.query(`SELECT status, series FROM deliveries WHERE id = $1`, [delivery.id]);
    assert.deepEqual(d, { status: 'succeeded', series: 0 }, 'nothing was sent again');
    // The shared check, for anything else that sends an event again.
    const events = platform.api.get(EventService);
    await assert.rejects(events.assertNotExpunged(tenant.id, ev.body.id), (err: unknown) => err instanceof ConflictError && err.status === 409);
    const other = await tenant.client.post('/v1/events', { type: 'nobody.listens', data: {} });
    await events.assertNotExpunged(tenant.id, other.body.id);
  });
});
