import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { jobIdFor, QueueName } from '#libs/queue';
import { assertErrorBody } from '../support/assertions.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { queueOptions, waitUntil } from '../support/test-env.js';

const PAGE = 5;

// Recovery: events of a window that match the endpoint's current subscriptions and were not
// delivered to it are sent again, page by page, against a real receiver.
describe('recovering an endpoint', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;
  let recoveryQueue: Queue;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { RECOVERY_PAGE_SIZE: String(PAGE) } });
    tenant = await platform.createTenant('recoverer');
    recoveryQueue = new Queue(QueueName.Recovery, queueOptions(platform.config));
  });
  after(async () => {
    await recoveryQueue?.close();
    await platform?.stop();
    await receiver?.close();
  });

  /** Each test has a tenant of its own, so a window holds that test's events only. */
  async function endpoint(path: string, eventTypes: string[], extra: object = {}): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes, ...extra });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  async function dispatch(type: string, data: object = {}): Promise<{ id: string; createdAt: string }> {
    const res = await tenant.client.post('/v1/events', { type, data });
    assert.equal(res.status, 202, res.text);
    return res.body;
  }

  const setStatus = async (endpointId: string, status: 'active' | 'disabled', more: object = {}) =>
    assert.equal((await tenant.client.patch(`/v1/endpoints/${endpointId}`, { status, ...more })).status, 200);

  /** Events of `type` dispatched while the endpoint is disabled: none is delivered to it. */
  async function missed(endpointId: string, type: string, n: number): Promise<string[]> {
    await setStatus(endpointId, 'disabled');
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await dispatch(type, { i })).id);
    await setStatus(endpointId, 'active');
    return ids;
  }

  const recovery = async (id: string) => (await tenant.client.get(`/v1/recoveries/${id}`)).body;
  const finished = (id: string, status = 'completed', timeoutMs = 30_000) =>
    waitUntil(async () => {
      const r = await recovery(id);
      return r.status === status && r;
    }, timeoutMs, `recovery ${status}`);
  const pendingTo = async (endpointId: string) => (await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'pending'`, [endpointId]))[0].n as number;
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

  it('refuses a bad window, an unknown or disabled endpoint, saying which, and changes nothing', async () => {
    const ep = await endpoint('/rc-bad', ['rcbad.x']);
    const disabled = await endpoint('/rc-bad-disabled', ['rcbad.x']);
    await setStatus(disabled, 'disabled');
    const state = () => platform.query('SELECT (SELECT count(*) FROM recoveries) AS recoveries, (SELECT count(*) FROM deliveries) AS deliveries');
    const before = await state();
    const day = 24 * 3600_000;
    const cases: Array<[string, unknown, number, RegExp]> = [
      [ep, {}, 400, /since is required/],
      [ep, { since: 'yesterday' }, 400, /since must be an ISO 8601 date-time/],
      [ep, { since: minutesAgo(5), until: 'later' }, 400, /until must be an ISO 8601 date-time/],
      [ep, { since: new Date(Date.now() - 15 * day).toISOString() }, 400, /since must be at most 14 days ago \(not before .*\)/],
      [ep, { since: new Date(Date.now() + 3600_000).toISOString() }, 400, /since must not be in the future/],
      [ep, { since: minutesAgo(5), until: minutesAgo(5) }, 400, /until must be after since/],
      [ep, { since: minutesAgo(5), until: minutesAgo(10) }, 400, /until must be after since/],
      [ep, { since: minutesAgo(5), force: true }, 400, /unknown property force/],
      ['0192f0c8-7d4e-7abc-8def-0123456789ab', { since: minutesAgo(5) }, 404, /endpoint not found/],
      ['nope', { since: minutesAgo(5) }, 404, /endpoint not found/],
      [disabled, { since: minutesAgo(5) }, 409, /endpoint is disabled: re-enable it/],
    ];
    for (const [id, body, status, message] of cases) assertErrorBody(await tenant.client.post(`/v1/endpoints/${id}/recover`, body), status, message);
    assert.deepEqual(await state(), before);
    assertErrorBody(await tenant.client.get('/v1/recoveries/0192f0c8-7d4e-7abc-8def-0123456789ab'), 404, /recovery not found/);
    assertErrorBody(await tenant.client.delete('/v1/recoveries/0192f0c8-7d4e-7abc-8def-0123456789ab'), 404, /recovery not found/);
    assertErrorBody(await tenant.client.get('/v1/endpoints/0192f0c8-7d4e-7abc-8def-0123456789ab/recoveries'), 404, /endpoint not found/);
    assert.deepEqual(await state(), before);
  });

  it("sends what the endpoint missed in [since, until) by its current subscriptions, nothing that succeeded, and reports progress", async () => {
    tenant = await platform.createTenant();
    receiver.on('/rc', (req) => (req.body.includes('"fail":true') && receiver.received('/rc').filter((r) => r.body === req.body).length === 1 ? { status: 410 } : { status: 200 }));
    const since = minutesAgo(0.05);
    const ep = await endpoint('/rc', ['rc.a']);
    const delivered = await dispatch('rc.a', { n: 1 });
    const failed = await dispatch('rc.a', { n: 2, fail: true });
    await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE endpoint_id = $1 AND status <> 'pending'`, [ep])).length === 2, 15_000, 'one delivery succeeded and one failed');
    await setStatus(ep, 'disabled');
    const whileDisabledA = await dispatch('rc.a', { n: 3 });
    const whileDisabledB = await dispatch('rc.b', { n: 4 });
    await dispatch('rc.c', { n: 5 });
    const afterUntil = await dispatch('rc.a', { n: 6 });
    // Re-enabled with a subscription it did not have while the events arrived.
    await setStatus(ep, 'active', { eventTypes: ['rc.a', 'rc.b'] });
    const seenBefore = receiver.received('/rc').length;

    const start = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since, until: afterUntil.createdAt });
    assert.equal(start.status, 202, start.text);
    assert.equal(start.body.status, 'running');
    assert.deepEqual([start.body.endpointId, start.body.since, start.body.until, start.body.enqueued, start.body.completedAt], [ep, since, afterUntil.createdAt, 0, null]);

    const done = await finished(start.body.id);
    assert.deepEqual([done.total, done.enqueued, done.reason], [3, 3, null]);
    assert.ok(done.completedAt >= done.createdAt);
    const reqs = await receiver.waitFor(seenBefore + 3, '/rc');
    const resent = reqs.slice(seenBefore).map((r) => r.headers['webhook-id']);
    assert.deepEqual(new Set(resent), new Set([failed.id, whileDisabledA.id, whileDisabledB.id]));
    await waitUntil(async () => (await pendingTo(ep)) === 0, 15_000, 'the recovered deliveries done');
    const rows = await platform.query(`SELECT event_id, status, attempt_count, series FROM deliveries WHERE endpoint_id = $1 ORDER BY event_id`, [ep]);
    assert.deepEqual(
      rows.map((r) => [r.event_id, r.status, r.attempt_count, r.series]),
      [
        [delivered.id, 'succeeded', 1, 0],
        [failed.id, 'succeeded', 2, 1],
        [whileDisabledA.id, 'succeeded', 1, 0],
        [whileDisabledB.id, 'succeeded', 1, 0],
      ],
    );
    assert.equal(receiver.received('/rc').length, seenBefore + 3, 'nothing else was sent');

    const list = await tenant.client.get(`/v1/endpoints/${ep}/recoveries`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body.data.map((r: any) => [r.id, r.status]), [[start.body.id, 'completed']]);
    assertErrorBody(await tenant.client.delete(`/v1/recoveries/${start.body.id}`), 409, /recovery already completed/);
  });

  it('walks page by page, oldest first, never holding more than about a page and a quarter queued; one running per endpoint', async () => {
    tenant = await platform.createTenant();
    const ep = await endpoint('/rc-paced', ['paced.x'], { rateLimitPerSecond: 5 });
    const events = await missed(ep, 'paced.x', 6 * PAGE);
    const start = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) });
    assert.equal(start.status, 202, start.text);
    assertErrorBody(await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) }), 409, new RegExp(`already running \\(${start.body.id}\\)`));

    let maxPending = 0;
    let sawRunning: any;
    await waitUntil(async () => {
      maxPending = Math.max(maxPending, await pendingTo(ep));
      const r = await recovery(start.body.id);
      if (r.status === 'running' && r.enqueued > 0 && r.enqueued < r.total) sawRunning = r;
      return r.status === 'completed';
    }, 30_000, 'the recovery completed');
    // Paced by the endpoint: about a page and a quarter queued at a time (all 30 at once without it).
    assert.ok(maxPending <= 2 * PAGE, `at most ${2 * PAGE} deliveries pending at once, saw ${maxPending}`);
    assert.ok(sawRunning, 'progress was visible while it ran');
    assert.equal(sawRunning.total, events.length);
    assert.equal(sawRunning.enqueued % PAGE, 0, 'counts move a page at a time');
    assert.deepEqual([(await recovery(start.body.id)).enqueued], [events.length]);

    const reqs = await receiver.waitFor(events.length, '/rc-paced');
    const order = reqs.map((r) => events.indexOf(r.headers['webhook-id'] as string));
    assert.ok(order.slice(0, PAGE - 1).every((i) => i < PAGE), `the first page is sent first: ${order.join(',')}`);
    assert.deepEqual(new Set(order), new Set(events.map((_, i) => i)));
  });

  it('cancels a running recovery: no page after it, the deliveries already queued go on; cancelling again answers the same', async () => {
    tenant = await platform.createTenant();
    const ep = await endpoint('/rc-cancel', ['cancel.x'], { rateLimitPerSecond: 2 });
    const events = await missed(ep, 'cancel.x', 4 * PAGE);
    const start = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) });
    await waitUntil(async () => (await recovery(start.body.id)).enqueued >= PAGE, 15_000, 'the first page');
    const cancel = await tenant.client.delete(`/v1/recoveries/${start.body.id}`);
    assert.equal(cancel.status, 200, cancel.text);
    assert.equal(cancel.body.status, 'cancelled');
    assert.ok(cancel.body.completedAt);
    assert.ok(cancel.body.enqueued < events.length);
    const again = await tenant.client.delete(`/v1/recoveries/${start.body.id}`);
    assert.deepEqual([again.status, again.body.status, again.body.enqueued], [200, 'cancelled', cancel.body.enqueued]);
    // The job wakes, sees the cancel and ends; what it had queued is delivered.
    await waitUntil(async () => (await recoveryQueue.getJobState(jobIdFor.recovery(start.body.id))) === 'unknown', 15_000, 'the recovery job ended');
    await waitUntil(async () => (await pendingTo(ep)) === 0, 20_000, 'the queued deliveries done');
    const [{ n }] = await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded'`, [ep]);
    assert.equal(n, cancel.body.enqueued);
    assert.equal((await recovery(start.body.id)).enqueued, cancel.body.enqueued);
    // A new one may start now, and sends only what is still missing.
    await tenant.client.patch(`/v1/endpoints/${ep}`, { rateLimitPerSecond: null });
    const next = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) });
    assert.equal(next.status, 202, next.text);
    assert.equal((await finished(next.body.id)).total, events.length - cancel.body.enqueued);
    const list = (await tenant.client.get(`/v1/endpoints/${ep}/recoveries?limit=1`)).body;
    assert.deepEqual(list.data.map((r: any) => r.id), [next.body.id], 'newest first');
    const rest = (await tenant.client.get(`/v1/endpoints/${ep}/recoveries?limit=1&cursor=${list.nextCursor}`)).body;
    assert.deepEqual([rest.data.map((r: any) => r.id), rest.nextCursor], [[start.body.id], null]);
  });

  it('fails, saying why, when its endpoint is disabled midway', async () => {
    tenant = await platform.createTenant();
    const ep = await endpoint('/rc-disabled', ['midway.x'], { rateLimitPerSecond: 2 });
    await missed(ep, 'midway.x', 3 * PAGE);
    const start = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) });
    await waitUntil(async () => (await recovery(start.body.id)).enqueued >= PAGE, 15_000, 'the first page');
    await setStatus(ep, 'disabled');
    const failed = await finished(start.body.id, 'failed');
    assert.equal(failed.reason, 'the endpoint was disabled');
    assert.ok(failed.completedAt);
  });

  it('is started again by the reconciler when its job is lost', async () => {
    tenant = await platform.createTenant();
    const ep = await endpoint('/rc-lost', ['lost.x']);
    const events = await missed(ep, 'lost.x', 3);
    await platform.stopWorker();
    try {
      const start = await tenant.client.post(`/v1/endpoints/${ep}/recover`, { since: minutesAgo(1) });
      assert.equal(start.status, 202, start.text);
      assert.equal(await recoveryQueue.remove(jobIdFor.recovery(start.body.id)), 1, 'the job was queued, then lost');
      await platform.startWorker();
      const done = await finished(start.body.id);
      assert.deepEqual([done.total, done.enqueued], [3, 3]);
      const reqs = await receiver.waitFor(3, '/rc-lost');
      assert.deepEqual(new Set(reqs.map((r) => r.headers['webhook-id'])), new Set(events));
    } finally {
      await platform.startWorker();
    }
  });
});
