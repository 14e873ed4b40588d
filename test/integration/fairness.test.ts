import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';

// The per-endpoint cap: a hanging endpoint holds at most ENDPOINT_CONCURRENCY of the worker's slots,
// its other jobs are deferred without an attempt, and another tenant's deliveries keep flowing.
describe('fairness between endpoints', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
    // A long timeout: without the cap, the hanging jobs would hold all 4 slots for 60 s.
    platform = await TestPlatform.start({ env: { WORKER_CONCURRENCY: '4', ENDPOINT_CONCURRENCY: '2', DELIVERY_TIMEOUT_MS: '60000' } });
  });
  after(async () => {
    // Hanging requests are cut first, so the worker's in-flight attempts end and it stops at once.
    await receiver?.close();
    await platform?.stop();
  });

  it('keeps a hanging endpoint to its cap while another tenant is delivered', async () => {
    receiver.on('/hang', { hang: true });
    const slow = await platform.createTenant('slow');
    const healthy = await platform.createTenant('healthy');
    const hangEp = await slow.client.post('/v1/endpoints', { url: receiver.url('/hang'), eventTypes: ['slow.event'] });
    assert.equal(hangEp.status, 201, hangEp.text);
    assert.equal((await healthy.client.post('/v1/endpoints', { url: receiver.url('/ok'), eventTypes: ['ok.event'] })).status, 201);

    for (let i = 0; i < 8; i++) assert.equal((await slow.client.post('/v1/events', { type: 'slow.event', data: { i } })).status, 202);
    await receiver.waitFor(2, '/hang');
    for (let i = 0; i < 5; i++) assert.equal((await healthy.client.post('/v1/events', { type: 'ok.event', data: { i } })).status, 202);

    // Well inside the 60 s a slot held by a hanging attempt would take to free.
    await receiver.waitFor(5, '/ok', 20_000);
    assert.equal(receiver.received('/hang').length, 2, 'only ENDPOINT_CONCURRENCY attempts reach the hanging endpoint');
    const rows = await platform.query<{ attempt_count: number; status: string }>('SELECT attempt_count, status FROM deliveries WHERE endpoint_id = $1', [hangEp.body.id]);
    assert.equal(rows.length, 8);
    // Deferred jobs are not attempts: nothing is recorded for them, and nothing has finished yet.
    assert.ok(rows.every((r) => r.attempt_count === 0 && r.status === 'pending'));
    const [attempts] = await platform.query<{ n: string }>('SELECT count(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1', [hangEp.body.id]);
    assert.equal(Number(attempts!.n), 0);
  });
});
