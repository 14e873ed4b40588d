import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainEvents, type AttemptRecordedEvent } from '#libs/domain-events';
import { usePlatform } from '../support/fixture.js';
import { waitUntil } from '../support/test-env.js';

describe('domain events: attempt.recorded', () => {
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.2' } });

  it('is published once per attempt, after its row has committed, with the outcome and the delivery state', async () => {
    const seen: Array<AttemptRecordedEvent & { rowCommitted: Promise<boolean> }> = [];
    const off = f.platform.workerProvider(DomainEvents).on('attempt.recorded', (e) => {
      // Checked from the subscriber itself: the attempt row must already be visible to another connection.
      const rowCommitted = f.platform
        .query('SELECT 1 FROM delivery_attempts WHERE delivery_id = $1 AND attempt_number = $2', [e.deliveryId, e.attemptNumber])
        .then((rows) => rows.length === 1);
      seen.push({ ...e, rowCommitted });
    });
    try {
      const tenant = await f.platform.createTenant();
      f.receiver.on('/flaky', (_req, n) => (n < 2 ? { status: 503 } : { status: 200 }));
      const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/flaky'), eventTypes: ['order.*'] });
      assert.equal(ep.status, 201, ep.text);
      const ev = await tenant.client.post('/v1/events', { type: 'order.paid', data: { n: 1 } });
      assert.equal(ev.status, 202, ev.text);

      await waitUntil(() => seen.length >= 2, 15_000, 'two attempt.recorded events');
      const [first, second] = seen;
      assert.ok(first && second);
      assert.equal(first.eventId, ev.body.id);
      assert.equal(first.endpointId, ep.body.id);
      assert.equal(first.tenantId, tenant.id);
      assert.equal(first.eventType, 'order.paid');
      assert.deepEqual([first.attemptNumber, first.result, first.responseStatus, first.deliveryStatus], [1, '5xx', 503, 'pending']);
      assert.ok(first.nextAttemptAt instanceof Date);
      assert.match(first.reason ?? '', /503/);
      assert.deepEqual([second.attemptNumber, second.result, second.deliveryStatus, second.reason, second.nextAttemptAt], [2, '2xx', 'succeeded', null, null]);
      assert.equal(await first.rowCommitted, true);
      assert.equal(await second.rowCommitted, true);
      assert.equal(seen.length, 2);
    } finally {
      off();
    }
  });
});
