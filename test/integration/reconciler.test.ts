import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { jobIdFor, QueueName } from '#libs/queue';
import { ReconcilerService } from '#libs/reconcile';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { ApiClient } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { deleteRedisPrefix, queueOptions, testConfig, waitUntil } from '../support/test-env.js';

// The reconciler puts back what Postgres says is owed and Redis lost. Each case removes the queued
// work on purpose (only under this file's own BullMQ prefix) and checks the webhook still arrives.
describe('reconciler: Postgres is the truth, Redis only schedules', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '3,3' }, worker: false });
    tenant = await platform.createTenant('reconcile');
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, type: string): Promise<string> {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: [type] });
    assert.equal(res.status, 201, res.text);
    return res.body.id;
  }

  async function deliveryRow(eventId: string) {
    return waitUntil(async () => (await platform.query('SELECT * FROM deliveries WHERE event_id = $1', [eventId]))[0], 15_000, 'the delivery row');
  }

  async function succeeded(eventId: string) {
    return waitUntil(async () => (await platform.query(`SELECT * FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [eventId]))[0], 20_000, 'a succeeded delivery');
  }

  it('re-enqueues a delivery whose job was wiped from Redis before any worker ran', async () => {
    await endpoint('/wiped-fanout', 'wipe.fanout');
    const ev = await tenant.client.post('/v1/events', { type: 'wipe.fanout', data: { n: 1 } });
    assert.equal(ev.status, 202, ev.text);
    assert.ok((await deleteRedisPrefix(platform.config.queuePrefix)) > 0, 'the delivery job was queued, then wiped');
    await platform.startWorker();
    const [req] = await receiver.waitFor(1, '/wiped-fanout');
    assert.equal(req!.headers['webhook-id'], ev.body.id);
    await succeeded(ev.body.id);
  });

  it('brings back a delayed retry lost from Redis with the delay it had left, and the same webhook-id', async () => {
    receiver.on('/wiped-retry', (_req, n) => (n === 1 ? { status: 503 } : { status: 200 }));
    await endpoint('/wiped-retry', 'wipe.retry');
    const ev = await tenant.client.post('/v1/events', { type: 'wipe.retry', data: {} });
    const [first] = await receiver.waitFor(1, '/wiped-retry');
    await waitUntil(async () => (await deliveryRow(ev.body.id)).attempt_count === 1, 10_000, 'the first attempt recorded');
    const d = await deliveryRow(ev.body.id);
    const queue = new Queue(QueueName.Delivery, queueOptions(platform.config));
    try {
      await waitUntil(async () => (await queue.getJobState(jobIdFor.delivery(d.id))) === 'delayed', 5_000, 'the retry to be delayed in Redis');
      await deleteRedisPrefix(platform.config.queuePrefix);
      assert.equal(await queue.getJobState(jobIdFor.delivery(d.id)), 'unknown');
    } finally {
      await queue.close();
    }
    const reqs = await receiver.waitFor(2, '/wiped-retry', 20_000);
    // The retry was scheduled 3 s (+-10 % jitter) after the first attempt; re-enqueued without its
    // remaining delay it would have come about a second after the wipe.
    assert.ok(reqs[1]!.at - first!.at >= 2_500, `retry came ${reqs[1]!.at - first!.at} ms after the first attempt`);
    assert.equal(reqs[1]!.headers['webhook-id'], ev.body.id);
    const done = await succeeded(ev.body.id);
    const attempts = await platform.query('SELECT response_status FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt_number', [done.id]);
    assert.deepEqual(attempts.map((a) => a.response_status), [503, 200]);
  });

  it('delivers an event whose fan-out enqueue failed (Redis unreachable from the API)', async () => {
    await endpoint('/no-redis', 'noredis.event');
    const cfg = platform.config;
    const offline = await createApiApp(
      testConfig({ DATABASE_URL: cfg.databaseUrl, QUEUE_PREFIX: cfg.queuePrefix, REDIS_URL: 'redis://127.0.0.1:1', RETRY_SCHEDULE: '3,3' }),
    );
    try {
      await offline.listen({ port: 0, host: '127.0.0.1' });
      const client = new ApiClient(`http://127.0.0.1:${(offline.getHttpServer().address() as AddressInfo).port}`, tenant.apiKey);
      const ev = await client.post('/v1/events', { type: 'noredis.event', data: { via: 'offline api' } });
      assert.equal(ev.status, 202, 'accepted while the queue is unreachable: the event is in Postgres');
      const [req] = await receiver.waitFor(1, '/no-redis');
      assert.equal(req!.headers['webhook-id'], ev.body.id);
      await succeeded(ev.body.id);
    } finally {
      await offline.close();
    }
  });

  it('delivers work committed by a process that crashed before enqueueing it', async () => {
    const endpointId = await endpoint('/crashed', 'crash.event');
    // Subscribed before the back-dated events below were accepted.
    await platform.query(`UPDATE endpoints SET created_at = now() - interval '1 minute' WHERE id = $1`, [endpointId]);
    // As a crashed API leaves it: an accepted event, no fan-out job.
    const [pendingFanOut] = await platform.query(
      `INSERT INTO events (id, tenant_id, type, data, created_at) VALUES (uuid_generate_v7(), $1, 'crash.event', '{"k":"fanout"}', now() - interval '10 seconds') RETURNING id`,
      [tenant.id],
    );
    // As a crashed fan-out leaves it: the event fanned out, a pending delivery, no delivery job.
    const [fannedOut] = await platform.query(
      `INSERT INTO events (id, tenant_id, type, data, created_at, fanned_out_at) VALUES (uuid_generate_v7(), $1, 'crash.event', '{"k":"delivery"}', now() - interval '10 seconds', now() - interval '10 seconds') RETURNING id`,
      [tenant.id],
    );
    await platform.query(
      `INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at, created_at, updated_at)
       VALUES (uuid_generate_v7(), $1, $2, $3, 'crash.event', now() - interval '10 seconds', now() - interval '10 seconds', now() - interval '10 seconds')`,
      [tenant.id, fannedOut.id, endpointId],
    );
    const reqs = await receiver.waitFor(2, '/crashed');
    assert.deepEqual(new Set(reqs.map((r) => r.headers['webhook-id'])), new Set([pendingFanOut.id, fannedOut.id]));
    await succeeded(pendingFanOut.id);
    await succeeded(fannedOut.id);
  });

  it('leaves the deliveries of a fan-out job still in Redis to that job', async () => {
    const endpointId = await endpoint('/fanning', 'fanning.event');
    const [ev] = await platform.query(
      `INSERT INTO events (id, tenant_id, type, data, created_at, fanned_out_at) VALUES (uuid_generate_v7(), $1, 'fanning.event', '{}', now() - interval '10 seconds', now() - interval '10 seconds') RETURNING id`,
      [tenant.id],
    );
    const [d] = await platform.query(
      `INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at, created_at, updated_at)
       VALUES (uuid_generate_v7(), $1, $2, $3, 'fanning.event', now() - interval '10 seconds', now() - interval '10 seconds', now() - interval '10 seconds') RETURNING id`,
      [tenant.id, ev.id, endpointId],
    );
    const opts = queueOptions(platform.config);
    const fanOut = new Queue(QueueName.FanOut, opts);
    const delivery = new Queue(QueueName.Delivery, opts);
    try {
      // As a large fan-out still adding its jobs looks to the reconciler: the job is live (delayed here, so no worker runs it).
      await fanOut.add('fan-out-event', { tenantId: tenant.id, eventId: ev.id }, { jobId: jobIdFor.fanOut(ev.id), delay: 60_000 });
      const reconciler = platform.workerProvider(ReconcilerService);
      // A pass of our own (null: the scheduled pass holds the lease; try again when it is done).
      const pass = () => waitUntil(async () => (await reconciler.runOnce()) ?? undefined, 10_000, 'a reconciler pass');
      const left = await pass();
      assert.ok(left.deliveriesChecked >= 1, 'the pass saw the pending delivery');
      assert.equal(await delivery.getJobState(jobIdFor.delivery(d.id)), 'unknown', 'the reconciler left the delivery to the fan-out job');
      assert.equal(receiver.received('/fanning').length, 0);
      await fanOut.remove(jobIdFor.fanOut(ev.id));
      await pass();
      const [req] = await receiver.waitFor(1, '/fanning');
      assert.equal(req!.headers['webhook-id'], ev.id, 'once the fan-out job is gone, the reconciler enqueues the delivery');
    } finally {
      await fanOut.close();
      await delivery.close();
    }
  });

  it('creates one event for concurrent requests with the same idempotency key', async () => {
    const key = `concurrent-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => tenant.client.post('/v1/events', { type: 'same.key', data: { a: 1 } }, { headers: { 'idempotency-key': key } })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(202));
    assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
    assert.equal(results.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'exactly one request created it');
    const rows = await platform.query('SELECT id FROM events WHERE tenant_id = $1 AND idempotency_key = $2', [tenant.id, key]);
    assert.equal(rows.length, 1);
  });
});
