import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

// Runs with the production default of DELIVERY_TIMEOUT_MS (10 s), so it takes that long.
describe('delivery timeout', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '60' } });
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('records a hanging receiver as a timeout attempt after 10 s and schedules a retry', async () => {
    assert.equal(platform.config.deliveryTimeoutMs, 10_000);
    receiver.on('/hang', { hang: true });
    const tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/hang'), eventTypes: ['slow.event'] });
    const ev = await tenant.client.post('/v1/events', { type: 'slow.event', data: {} });
    await receiver.waitFor(1, '/hang');
    const attempt = await waitUntil(async () => (await platform.query('SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1', [ev.body.id]))[0], 15_000, 'the timeout attempt');
    assert.equal(attempt.error_kind, 'timeout');
    assert.equal(attempt.response_status, null);
    assert.ok(attempt.duration_ms >= 9_900 && attempt.duration_ms < 11_000, `duration ${attempt.duration_ms} ms`);
    const [d] = await platform.query('SELECT * FROM deliveries WHERE event_id = $1 AND endpoint_id = $2', [ev.body.id, ep.body.id]);
    assert.equal(d.status, 'pending');
    assert.equal(d.attempt_count, 1);
    assert.ok(d.next_attempt_at.getTime() > Date.now() + 40_000, 'next attempt is scheduled per RETRY_SCHEDULE');
  });
});
