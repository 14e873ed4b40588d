import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { jobIdFor, QueueName } from '#libs/queue';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { queueOptions, waitUntil } from '../support/test-env.js';

// Two paths to the same deliveries: an event with at most INLINE_FAN_OUT_MAX subscribers gets its
// deliveries in the API's insert and its delivery jobs from the API; a larger one gets a fan-out job.
describe('fan-out: inline in the API for small fan-outs, a worker job for large ones', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;
  let delivery: Queue;
  let fanOut: Queue;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { INLINE_FAN_OUT_MAX: '2' }, worker: false });
    tenant = await platform.createTenant('fanout');
    const opts = queueOptions(platform.config);
    delivery = new Queue(QueueName.Delivery, opts);
    fanOut = new Queue(QueueName.FanOut, opts);
  });
  after(async () => {
    await delivery?.close();
    await fanOut?.close();
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, eventTypes: string[]): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  it('creates the deliveries and their jobs before answering, or leaves a larger fan-out to a job', async () => {
    const smallIds = [await endpoint('/small-exact', ['small.done']), await endpoint('/small-prefix', ['small.*'])];
    await endpoint('/unrelated', ['other.event']);
    for (const n of [1, 2, 3]) await endpoint(`/big-${n}`, ['big.done']);
    const post = async (type: string) => {
      const res = await tenant.client.post('/v1/events', { type, data: { type } });
      assert.equal(res.status, 202, res.text);
      return res.body.id as string;
    };
    const [small, big, none] = [await post('small.done'), await post('big.done'), await post('nobody.listens')];

    // No worker runs yet: whatever exists now, the API made before it answered.
    const events = await platform.query('SELECT id, fanned_out_at IS NOT NULL AS fanned_out FROM events WHERE tenant_id = $1', [tenant.id]);
    assert.deepEqual(Object.fromEntries(events.map((e) => [e.id, e.fanned_out])), { [small]: true, [big]: false, [none]: true });
    const smallDeliveries = await platform.query('SELECT id, endpoint_id, job_group FROM deliveries WHERE event_id = $1', [small]);
    assert.deepEqual(new Set(smallDeliveries.map((d) => d.endpoint_id)), new Set(smallIds));
    // Created by one statement: one group job carries both first attempts, and no job of their own exists.
    const groups = new Set(smallDeliveries.map((d) => d.job_group));
    assert.equal(groups.size, 1, 'one group for the deliveries of one insert');
    const groupJob = await delivery.getJob(jobIdFor.group([...groups][0]));
    assert.equal(await groupJob?.getState(), 'waiting');
    assert.deepEqual(new Set(groupJob?.data.deliveryIds), new Set(smallDeliveries.map((d) => d.id)));
    for (const d of smallDeliveries) assert.equal(await delivery.getJobState(jobIdFor.delivery(d.id)), 'unknown');
    assert.equal(await fanOut.getJobState(jobIdFor.fanOut(small)), 'unknown', 'no fan-out job for an inline fan-out');
    assert.equal((await platform.query('SELECT 1 FROM deliveries WHERE event_id = $1', [big])).length, 0);
    assert.equal(await fanOut.getJobState(jobIdFor.fanOut(big)), 'waiting', 'three subscribers: over INLINE_FAN_OUT_MAX, a job fans it out');
    assert.equal((await platform.query('SELECT 1 FROM deliveries WHERE event_id = $1', [none])).length, 0);
    assert.equal(await fanOut.getJobState(jobIdFor.fanOut(none)), 'unknown', 'nobody subscribed: nothing queued at all');

    await platform.startWorker();
    await receiver.waitFor(5);
    await waitUntil(async () => (await platform.query(`SELECT 1 FROM deliveries WHERE event_id = ANY($1::uuid[]) AND status = 'succeeded'`, [[small, big]])).length === 5, 15_000, 'five deliveries succeeded');
    await new Promise((r) => setTimeout(r, 300));
    const byPath = (p: string) => receiver.received(p).map((r) => r.headers['webhook-id']);
    assert.deepEqual(byPath('/small-exact'), [small]);
    assert.deepEqual(byPath('/small-prefix'), [small]);
    for (const n of [1, 2, 3]) assert.deepEqual(byPath(`/big-${n}`), [big]);
    assert.deepEqual(byPath('/unrelated'), []);
    const [bigEvent] = await platform.query('SELECT fanned_out_at FROM events WHERE id = $1', [big]);
    assert.ok(bigEvent.fanned_out_at, 'the fan-out job marked the large event fanned out');
    const bigGroups = await platform.query('SELECT DISTINCT job_group FROM deliveries WHERE event_id = $1', [big]);
    assert.equal(bigGroups.length, 1, "the fan-out job's three deliveries were one group");
  });
});
