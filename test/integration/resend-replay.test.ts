import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { jobIdFor, QueueName } from '#libs/queue';
import { assertErrorBody } from '../support/assertions.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { queueOptions, waitUntil } from '../support/test-env.js';

// Resend (one delivery) and replay (one event to its endpoints), against a real receiver.
describe('sending again: resend and replay', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;
  let deliveryQueue: Queue;

  before(async () => {
    receiver = await TestReceiver.start();
    // The last wait is long: a series that did not start the schedule over would show it.
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '0.1,0.1,2.5' } });
    tenant = await platform.createTenant('resender');
    deliveryQueue = new Queue(QueueName.Delivery, queueOptions(platform.config));
  });
  after(async () => {
    await deliveryQueue?.close();
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, eventTypes: string[]): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  async function dispatch(type: string): Promise<string> {
    const res = await tenant.client.post('/v1/events', { type, data: { type } });
    assert.equal(res.status, 202, res.text);
    return res.body.id;
  }

  async function deliveryOf(eventId: string, endpointId: string, status?: string, attemptCount?: number) {
    return waitUntil(async () => {
      const d = (await tenant.client.get(`/v1/deliveries?eventId=${eventId}&endpointId=${endpointId}`)).body.data[0];
      return d && (!status || d.status === status) && (attemptCount === undefined || d.attemptCount === attemptCount) ? d : undefined;
    }, 20_000, `delivery ${status ?? ''} ${attemptCount ?? ''}`);
  }

  const row = async (deliveryId: string) => (await platform.query('SELECT * FROM deliveries WHERE id = $1', [deliveryId]))[0];

  it('resends a failed delivery: pending again, attempt numbers go on, a fresh job beside the kept failed one', async () => {
    receiver.on('/gone', (_req, n) => (n === 1 ? { status: 410 } : { status: 200 }));
    const ep = await endpoint('/gone', ['resend.failed']);
    const eventId = await dispatch('resend.failed');
    const failed = await deliveryOf(eventId, ep, 'failed');
    assert.equal(failed.attemptCount, 1);
    // The failed job is kept in Redis under the plain id: adding under it again would be a no-op.
    assert.equal(await deliveryQueue.getJobState(jobIdFor.delivery(failed.id)), 'failed');

    const res = await tenant.client.post(`/v1/deliveries/${failed.id}/resend`);
    assert.equal(res.status, 202, res.text);
    assert.equal(res.body.id, failed.id);
    assert.equal(res.body.status, 'pending');
    assert.equal(res.body.attemptCount, 1);
    assert.equal(res.body.completedAt, null);

    const reqs = await receiver.waitFor(2, '/gone');
    assert.equal(reqs[1]!.headers['webhook-id'], eventId, 'the same event id: receivers deduplicate on it');
    assert.equal(reqs[1]!.headers['x-webhook-delivery'], failed.id);
    const done = await deliveryOf(eventId, ep, 'succeeded');
    assert.equal(done.attemptCount, 2);
    const attempts = (await tenant.client.get(`/v1/deliveries/${failed.id}`)).body.attempts;
    assert.deepEqual(attempts.map((a: any) => [a.attemptNumber, a.responseStatus]), [[1, 410], [2, 200]]);
    const r = await row(failed.id);
    assert.deepEqual([r.series, r.series_start], [1, 1]);
    assert.equal(await deliveryQueue.getJobState(jobIdFor.delivery(failed.id)), 'failed', 'the old job is still there, untouched');
  });

  it('resends a succeeded delivery, and again: each time a new series under a new job id', async () => {
    const ep = await endpoint('/ok', ['resend.ok']);
    const eventId = await dispatch('resend.ok');
    const d = await deliveryOf(eventId, ep, 'succeeded');
    for (const series of [1, 2]) {
      const res = await tenant.client.post(`/v1/deliveries/${d.id}/resend`);
      assert.equal(res.status, 202, res.text);
      await receiver.waitFor(series + 1, '/ok');
      await deliveryOf(eventId, ep, 'succeeded', series + 1);
      assert.equal((await row(d.id)).series, series);
    }
    const reqs = receiver.received('/ok');
    assert.equal(reqs.length, 3);
    assert.ok(reqs.every((r) => r.headers['webhook-id'] === eventId));
    // Under the default job options a completed job is removed; the series id is what was used.
    assert.equal(jobIdFor.delivery(d.id, 2), `delivery-${d.id}-s2`);
  });

  it('starts the retry schedule over: four more attempts, the first retry 0.1 s after, not 2.5 s', async () => {
    receiver.on('/down', { status: 503 });
    const ep = await endpoint('/down', ['resend.schedule']);
    const eventId = await dispatch('resend.schedule');
    const failed = await deliveryOf(eventId, ep, 'failed');
    assert.equal(failed.attemptCount, 4);
    assert.match(failed.lastError, /^HTTP 503 after 4 attempts$/);

    assert.equal((await tenant.client.post(`/v1/deliveries/${failed.id}/resend`)).status, 202);
    const again = await deliveryOf(eventId, ep, 'failed', 8);
    assert.match(again.lastError, /^HTTP 503 after 4 attempts since it was sent again$/);
    const reqs = receiver.received('/down');
    assert.equal(reqs.length, 8);
    const gap = (a: number, b: number) => reqs[b - 1]!.at - reqs[a - 1]!.at;
    assert.ok(gap(5, 6) < 2_000, `first retry of the new series came ${gap(5, 6)} ms after its first attempt (the schedule's first wait is 0.1 s)`);
    assert.ok(gap(7, 8) >= 2_250, `last retry of the new series came ${gap(7, 8)} ms after the one before (the schedule's last wait is 2.5 s)`);
    const attempts = (await tenant.client.get(`/v1/deliveries/${failed.id}`)).body.attempts;
    assert.deepEqual(attempts.map((a: any) => a.attemptNumber), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a pending delivery, and one whose endpoint is disabled or deleted, with 409 and nothing changed', async () => {
    // Pending: retried in an hour.
    receiver.on('/later', { status: 503, headers: { 'retry-after': '3600' } });
    const pendingEp = await endpoint('/later', ['resend.pending']);
    const pendingEvent = await dispatch('resend.pending');
    const pending = await deliveryOf(pendingEvent, pendingEp, 'pending', 1);
    receiver.on('/refused', { status: 410 });
    const disabledEp = await endpoint('/refused', ['resend.disabled']);
    const disabled = await deliveryOf(await dispatch('resend.disabled'), disabledEp, 'failed');
    assert.equal((await tenant.client.patch(`/v1/endpoints/${disabledEp}`, { status: 'disabled' })).status, 200);
    const deletedEp = await endpoint('/refused2', ['resend.deleted']);
    receiver.on('/refused2', { status: 410 });
    const deleted = await deliveryOf(await dispatch('resend.deleted'), deletedEp, 'failed');
    assert.equal((await tenant.client.delete(`/v1/endpoints/${deletedEp}`)).status, 204);

    const before = await platform.query('SELECT * FROM deliveries WHERE id = ANY($1) ORDER BY id', [[pending.id, disabled.id, deleted.id]]);
    assertErrorBody(await tenant.client.post(`/v1/deliveries/${pending.id}/resend`), 409, /pending/);
    assertErrorBody(await tenant.client.post(`/v1/deliveries/${disabled.id}/resend`), 409, /endpoint .*is disabled/);
    assertErrorBody(await tenant.client.post(`/v1/deliveries/${deleted.id}/resend`), 409, /endpoint .*was deleted/);
    assertErrorBody(await tenant.client.post('/v1/deliveries/0192f0c8-7d4e-7abc-8def-0123456789ab/resend'), 404, /delivery not found/);
    assertErrorBody(await tenant.client.post('/v1/deliveries/not-an-id/resend'), 404, /delivery not found/);
    assert.deepEqual(await platform.query('SELECT * FROM deliveries WHERE id = ANY($1) ORDER BY id', [[pending.id, disabled.id, deleted.id]]), before);
  });

  it('replays an event to every active endpoint subscribed now; succeeded ones only with force, pending ones never', async () => {
    receiver.on('/rp-failed', (_req, n) => (n === 1 ? { status: 410 } : { status: 200 }));
    receiver.on('/rp-pending', { status: 503, headers: { 'retry-after': '3600' } });
    const ok = await endpoint('/rp-ok', ['replay.*']);
    const failed = await endpoint('/rp-failed', ['replay.done']);
    const pending = await endpoint('/rp-pending', ['replay.done']);
    const wasDisabled = await endpoint('/rp-was-disabled', ['replay.done']);
    await tenant.client.patch(`/v1/endpoints/${wasDisabled}`, { status: 'disabled' });
    const isDisabled = await endpoint('/rp-is-disabled', ['replay.done']);
    await tenant.client.patch(`/v1/endpoints/${isDisabled}`, { status: 'disabled' });
    await endpoint('/rp-other', ['replay.other']);

    const eventId = await dispatch('replay.done');
    await deliveryOf(eventId, ok, 'succeeded');
    await deliveryOf(eventId, failed, 'failed');
    await deliveryOf(eventId, pending, 'pending', 1);
    const later = await endpoint('/rp-later', ['replay.done']);
    await tenant.client.patch(`/v1/endpoints/${wasDisabled}`, { status: 'active' });
    const count = () => Object.fromEntries(['/rp-ok', '/rp-failed', '/rp-pending', '/rp-was-disabled', '/rp-is-disabled', '/rp-later', '/rp-other'].map((p) => [p, receiver.received(p).length]));
    assert.deepEqual(count(), { '/rp-ok': 1, '/rp-failed': 1, '/rp-pending': 1, '/rp-was-disabled': 0, '/rp-is-disabled': 0, '/rp-later': 0, '/rp-other': 0 });

    const replay = await tenant.client.post(`/v1/events/${eventId}/replay`, {});
    assert.equal(replay.status, 202, replay.text);
    assert.deepEqual(replay.body, { deliveries: 3 }, 'the failed one reopened; one each for the endpoint registered later and the one disabled at the time');
    await receiver.waitFor(2, '/rp-failed');
    await receiver.waitFor(1, '/rp-was-disabled');
    await receiver.waitFor(1, '/rp-later');
    for (const ep of [failed, wasDisabled, later]) await deliveryOf(eventId, ep, 'succeeded');
    assert.deepEqual(count(), { '/rp-ok': 1, '/rp-failed': 2, '/rp-pending': 1, '/rp-was-disabled': 1, '/rp-is-disabled': 0, '/rp-later': 1, '/rp-other': 0 });

    const again = await tenant.client.post(`/v1/events/${eventId}/replay`, {});
    assert.deepEqual(again.body, { deliveries: 0 }, 'without force, succeeded deliveries are left alone');

    const forced = await tenant.client.post(`/v1/events/${eventId}/replay`, { force: true });
    assert.equal(forced.status, 202, forced.text);
    assert.deepEqual(forced.body, { deliveries: 4 }, 'every succeeded delivery; the pending one is left alone');
    await receiver.waitFor(2, '/rp-ok');
    await receiver.waitFor(3, '/rp-failed');
    await receiver.waitFor(2, '/rp-was-disabled');
    await receiver.waitFor(2, '/rp-later');
    for (const ep of [ok, failed, wasDisabled, later]) await deliveryOf(eventId, ep, 'succeeded');
    assert.deepEqual(count(), { '/rp-ok': 2, '/rp-failed': 3, '/rp-pending': 1, '/rp-was-disabled': 2, '/rp-is-disabled': 0, '/rp-later': 2, '/rp-other': 0 });
    assert.equal((await deliveryOf(eventId, pending)).attemptCount, 1, 'the pending delivery was not touched');
    assert.ok(receiver.received().filter((r) => r.path.startsWith('/rp-')).every((r) => r.headers['webhook-id'] === eventId));
  });

  it('replays an operational event by the same rule: only hookrelay.* subscribers, not *', async () => {
    const ops = await endpoint('/ops', ['hookrelay.*']);
    const all = await endpoint('/all', ['*']);
    const [ev] = await platform.query(
      `INSERT INTO events (id, tenant_id, type, data, fanned_out_at) VALUES (uuid_generate_v7(), $1, 'hookrelay.endpoint.failing', '{"endpointId":"x"}', now()) RETURNING id`,
      [tenant.id],
    );
    const res = await tenant.client.post(`/v1/events/${ev.id}/replay`, {});
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, { deliveries: 1 });
    const [req] = await receiver.waitFor(1, '/ops');
    assert.equal(req!.headers['x-webhook-event'], 'hookrelay.endpoint.failing');
    await deliveryOf(ev.id, ops, 'succeeded');
    assert.equal((await tenant.client.get(`/v1/deliveries?eventId=${ev.id}&endpointId=${all}`)).body.data.length, 0);
  });

  it('replay: unknown events are 404 and a bad body 400, with nothing changed', async () => {
    const ep = await endpoint('/rp-bad', ['replay.bad']);
    const eventId = await dispatch('replay.bad');
    await deliveryOf(eventId, ep, 'succeeded');
    const before = await platform.query('SELECT * FROM deliveries WHERE event_id = $1', [eventId]);
    assertErrorBody(await tenant.client.post(`/v1/events/${eventId}/replay`, { force: 'yes' }), 400, /force must be true or false/);
    assertErrorBody(await tenant.client.post(`/v1/events/${eventId}/replay`, { forced: true }), 400, /unknown property forced \(did you mean force\?\)/);
    assertErrorBody(await tenant.client.post('/v1/events/0192f0c8-7d4e-7abc-8def-0123456789ab/replay', {}), 404, /event not found/);
    assertErrorBody(await tenant.client.post('/v1/events/nope/replay', {}), 404, /event not found/);
    assert.deepEqual(await platform.query('SELECT * FROM deliveries WHERE event_id = $1', [eventId]), before);
  });
});
