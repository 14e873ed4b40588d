import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { jobIdFor, JobName, QueueName } from '#libs/queue';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { queueOptions, waitUntil } from '../support/test-env.js';

// Deliveries created together (one insert statement) make their first attempts from one group job;
// each is still admitted, sent and recorded on its own, and whatever must wait goes on in a job of
// its own. The reconciler counts a live group job as the job of its members.
describe('group jobs: the first attempts of deliveries created together', () => {
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
  });
  after(async () => {
    await receiver?.close();
  });

  async function setUp(env: Record<string, string>, name: string): Promise<{ platform: TestPlatform; tenant: Tenant; queue: Queue }> {
    const platform = await TestPlatform.start({ env, worker: false });
    const tenant = await platform.createTenant(name);
    return { platform, tenant, queue: new Queue(QueueName.Delivery, queueOptions(platform.config)) };
  }

  async function endpoint(tenant: Tenant, path: string, type: string): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: [type] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  async function dispatchBatch(tenant: Tenant, type: string, n: number): Promise<string[]> {
    const res = await tenant.client.post('/v1/events/batch', { events: Array.from({ length: n }, (_, i) => ({ type, data: { i } })) });
    assert.equal(res.status, 200, res.text);
    return res.body.results.map((r: { id: string }) => r.id);
  }

  async function groupsOf(platform: TestPlatform, eventIds: string[]): Promise<string[]> {
    const rows = await platform.query('SELECT DISTINCT job_group FROM deliveries WHERE event_id = ANY($1::uuid[])', [eventIds]);
    return rows.map((r) => r.job_group as string);
  }

  it('sends every member, hands a retry to its own job, and a run again attempts nobody early', async () => {
    const { platform, tenant, queue } = await setUp({ RETRY_SCHEDULE: '60,60' }, 'groups');
    try {
      receiver.on('/g-flaky', { status: 503 });
      await endpoint(tenant, '/g-ok', 'group.ok');
      await endpoint(tenant, '/g-flaky', 'group.ok');
      const events = await dispatchBatch(tenant, 'group.ok', 6);
      const [group, ...others] = await groupsOf(platform, events);
      assert.ok(group && others.length === 0, 'twelve deliveries of one statement: one group');
      const job = await queue.getJob(jobIdFor.group(group));
      assert.equal(job?.name, JobName.DeliverGroup);
      assert.equal(job?.data.deliveryIds.length, 12);

      await platform.startWorker();
      await receiver.waitFor(6, '/g-ok');
      await receiver.waitFor(6, '/g-flaky');
      const flaky = await waitUntil(
        async () => {
          const rows = await platform.query(`SELECT id, attempt_count, next_attempt_at FROM deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'pending'`, [events]);
          return rows.length === 6 && rows.every((r) => r.attempt_count === 1) ? rows : undefined;
        },
        10_000,
        'six retries recorded',
      );
      await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'succeeded'`, [events])).length === 6, 10_000, 'six succeeded');
      // Each retry waits in a delayed job of its own, due when the row says; the group job is done.
      await waitUntil(async () => (await queue.getJobState(jobIdFor.group(group))) === 'unknown', 5_000, 'the group job to finish');
      for (const d of flaky) {
        const own = await queue.getJob(jobIdFor.delivery(d.id));
        assert.equal(await own?.getState(), 'delayed');
        assert.ok(Math.abs(own!.timestamp + own!.delay - d.next_attempt_at.getTime()) < 2_000, 'due when the row says');
      }

      // The same group job again (as after a stall): nobody is sent twice or early.
      const before = receiver.received().length;
      await queue.add(JobName.DeliverGroup, job!.data, { jobId: jobIdFor.group(group) });
      await waitUntil(async () => (await queue.getJobState(jobIdFor.group(group))) === 'completed', 10_000, 'the group job to run again');
      assert.equal(receiver.received().length, before, 'no request from the second run');
      const rows = await platform.query('SELECT attempt_count FROM deliveries WHERE event_id = ANY($1::uuid[])', [events]);
      assert.ok(rows.every((r) => r.attempt_count === 1));
      for (const d of flaky) assert.equal(await queue.getJobState(jobIdFor.delivery(d.id)), 'delayed');
    } finally {
      await queue.close();
      await platform.stop();
    }
  });

  it('keeps at most WORKER_CONCURRENCY requests in flight, and leaves other groups in Redis while its slots are full', async () => {
    const { platform, tenant, queue } = await setUp({ WORKER_CONCURRENCY: '3' }, 'groups-slots');
    try {
      receiver.on('/g-slow', { status: 200, delayMs: 300 });
      await endpoint(tenant, '/g-slow', 'group.slow');
      const batches = [await dispatchBatch(tenant, 'group.slow', 12), await dispatchBatch(tenant, 'group.slow', 12), await dispatchBatch(tenant, 'group.slow', 12)];
      assert.equal((await groupsOf(platform, batches.flat())).length, 3, 'three statements, three groups');
      await platform.startWorker();
      await receiver.waitFor(1, '/g-slow');
      // Sample how many group jobs this worker holds while the 36 requests go out (3 at a time, 300 ms each).
      const active: number[] = [];
      while (receiver.received('/g-slow').length < 33) {
        active.push(await queue.getActiveCount());
        await new Promise((r) => setTimeout(r, 50));
      }
      const reqs = await receiver.waitFor(36, '/g-slow', 20_000);
      // Each request is held 300 ms: those that arrived within 250 ms of one another overlapped.
      const overlapping = reqs.map((r) => reqs.filter((o) => o.at <= r.at && o.at > r.at - 250).length);
      const most = Math.max(...overlapping);
      assert.ok(most <= 3, `${most} requests in flight at once`);
      assert.ok(most >= 2, 'the members ran concurrently');
      // Without backpressure the three groups sit active in this worker until each ends (median 2).
      const median = [...active].sort((a, b) => a - b)[Math.floor(active.length / 2)]!;
      assert.ok(median <= 1, `group jobs held at once: ${active.join(' ')}`);
      await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'succeeded'`, [batches.flat()])).length === 36, 10_000, '36 succeeded');
    } finally {
      await queue.close();
      await platform.stop();
    }
  });

  it('the reconciler leaves members to their live group job, and re-enqueues them once it is gone', async () => {
    const { platform, tenant, queue } = await setUp({}, 'groups-reconcile');
    try {
      await endpoint(tenant, '/g-rec-a', 'group.rec');
      await endpoint(tenant, '/g-rec-b', 'group.rec');
      const events = await dispatchBatch(tenant, 'group.rec', 2);
      const [group] = await groupsOf(platform, events);
      const deliveries = await platform.query('SELECT id FROM deliveries WHERE event_id = ANY($1::uuid[])', [events]);
      assert.equal(deliveries.length, 4);
      // The worker runs (and its reconciler, every second) but takes no job while the queue is paused.
      await queue.pause();
      await platform.startWorker();
      await new Promise((r) => setTimeout(r, 3_500));
      assert.equal(await queue.getJobState(jobIdFor.group(group!)), 'waiting', 'the group job is still there');
      for (const d of deliveries) assert.equal(await queue.getJobState(jobIdFor.delivery(d.id)), 'unknown', 'no job of its own while the group owes it');
      // Redis loses the group job: each member gets a job of its own.
      assert.equal(await queue.remove(jobIdFor.group(group!)), 1);
      await waitUntil(async () => (await Promise.all(deliveries.map((d) => queue.getJobState(jobIdFor.delivery(d.id))))).every((s) => s === 'waiting'), 10_000, 'the reconciler to re-enqueue each member');
      await queue.resume();
      await receiver.waitFor(2, '/g-rec-a');
      await receiver.waitFor(2, '/g-rec-b');
      await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'succeeded'`, [events])).length === 4, 10_000, 'four succeeded');
      assert.equal(receiver.received('/g-rec-a').length, 2, 'each sent once');
    } finally {
      await queue.close();
      await platform.stop();
    }
  });
});
