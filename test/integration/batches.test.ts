import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { validateSignature } from '@line/bot-sdk';
import { Webhook } from 'standardwebhooks';
import { DomainEvents, type AttemptRecordedEvent } from '#libs/domain-events';
import { jobIdFor, QueueName } from '#libs/queue';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import type { ReceivedRequest } from '../support/receiver.js';
import { deleteRedisPrefix, queueOptions, waitUntil } from '../support/test-env.js';

interface Envelope {
  id: string;
  type: string;
  data: { seq: number };
}

describe('batches: several deliveries of an endpoint in one request', () => {
  const f = usePlatform({ env: { RETRY_SCHEDULE: '1,1' } });
  let tenant: Tenant;

  before(async () => {
    tenant = await f.platform.createTenant('batches');
  });

  async function endpoint(path: string, type: string, extra: object) {
    const res = await tenant.client.post('/v1/endpoints', { url: f.receiver.url(path), eventTypes: [type], ...extra });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; secret: string; batch: unknown };
  }

  /** Dispatches one after another (each accepted before the next is sent): dispatch order is defined. */
  async function dispatchInOrder(type: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let seq = 0; seq < count; seq++) {
      const res = await tenant.client.post('/v1/events', { type, data: { seq } });
      assert.equal(res.status, 202, res.text);
      ids.push(res.body.id);
    }
    return ids;
  }

  const eventsOf = (r: ReceivedRequest) => (JSON.parse(r.body) as { events: Envelope[] }).events;

  async function deliveryOf(eventId: string) {
    const list = await tenant.client.get(`/v1/deliveries?eventId=${eventId}`);
    return (await tenant.client.get(`/v1/deliveries/${list.body.data[0].id}`)).body;
  }

  it('sends up to maxEvents pending deliveries per request in dispatch order, signed once; maxWaitMs flushes the rest', async () => {
    const ep = await endpoint('/batch', 'b.order', { batch: { maxEvents: 5, maxWaitMs: 1500 } });
    assert.deepEqual(ep.batch, { maxEvents: 5, maxWaitMs: 1500 });
    const ids = await dispatchInOrder('b.order', 12);
    const lastDispatchedAt = Date.now();
    const reqs = await f.receiver.waitFor(3, '/batch', 20_000);
    const batches = reqs.map(eventsOf).sort((a, b) => a[0]!.data.seq - b[0]!.data.seq);
    assert.deepEqual(batches.map((b) => b.length), [5, 5, 2]);
    assert.deepEqual(batches.flat().map((e) => e.id), ids, 'every event once, in dispatch order');
    assert.deepEqual(batches.flat().map((e) => e.data.seq), [...Array(12).keys()]);
    const partial = reqs.find((r) => eventsOf(r).length === 2)!;
    // The two left over wait for more, and go once the older of them has waited maxWaitMs.
    assert.ok(partial.at >= lastDispatchedAt + 1000, `the partial batch went ${partial.at - lastDispatchedAt} ms after the last dispatch`);

    for (const r of reqs) {
      assert.ok(new Webhook(ep.secret).verify(r.body, r.headers as Record<string, string>), 'the batch is signed once, over its whole body');
      assert.equal(r.headers['x-webhook-delivery'], r.headers['webhook-id']);
      assert.equal(r.headers['x-webhook-event'], 'b.order');
    }
    const batchIds = reqs.map((r) => String(r.headers['webhook-id']));
    assert.equal(new Set(batchIds).size, 3, 'one webhook-id per batch');
    // GET /v1/deliveries/:id shows the batch of each delivery and of its attempt.
    for (const r of reqs) {
      for (const e of eventsOf(r)) {
        const d = await waitUntil(async () => {
          const got = await deliveryOf(e.id);
          return got.status === 'succeeded' ? got : undefined;
        }, 10_000, 'the delivery to succeed');
        assert.equal(d.batchId, null, 'a finished delivery has left its batch');
        assert.deepEqual(d.attempts.map((a: any) => [a.attemptNumber, a.responseStatus, a.batchId]), [[1, 200, r.headers['webhook-id']]]);
      }
    }
    const rows = await f.platform.query('SELECT id, status::text, size, attempt_count FROM delivery_batches WHERE endpoint_id = $1 ORDER BY id', [ep.id]);
    assert.deepEqual(rows.map((b) => [b.status, b.size, b.attempt_count]).sort(), [['succeeded', 2, 1], ['succeeded', 5, 1], ['succeeded', 5, 1]]);
  });

  it('retries a failed batch as a unit, with the same bytes and webhook-id, and logs the attempt on every delivery', async () => {
    f.receiver.on('/batch-retry', (_req, n) => (n === 1 ? { status: 503, body: 'busy' } : { status: 200 }));
    const ep = await endpoint('/batch-retry', 'b.retry', { batch: { maxEvents: 3, maxWaitMs: 60000 } });
    const seen: AttemptRecordedEvent[] = [];
    const off = f.platform.workerProvider(DomainEvents).on('attempt.recorded', (e) => {
      if (e.endpointId === ep.id) seen.push(e);
    });
    try {
      const ids = await dispatchInOrder('b.retry', 3);
      const [first] = await f.receiver.waitFor(1, '/batch-retry', 20_000);
      // Waiting for its retry, each delivery shows the batch that will send it.
      const waiting = await waitUntil(async () => {
        const got = await deliveryOf(ids[0]!);
        return got.attemptCount === 1 && got.status === 'pending' ? got : undefined;
      }, 5_000, 'the first attempt recorded');
      assert.equal(waiting.batchId, first!.headers['webhook-id']);
      const [, second] = await f.receiver.waitFor(2, '/batch-retry', 20_000);
      assert.equal(second!.body, first!.body, 'the same bytes');
      assert.equal(second!.headers['webhook-id'], first!.headers['webhook-id'], 'the same webhook-id');
      assert.deepEqual(eventsOf(first!).map((e) => e.id), ids);
      for (const r of [first!, second!]) assert.ok(new Webhook(ep.secret).verify(r.body, r.headers as Record<string, string>));
      const batchId = String(first!.headers['webhook-id']);
      for (const id of ids) {
        const d = await waitUntil(async () => {
          const got = await deliveryOf(id);
          return got.status === 'succeeded' ? got : undefined;
        }, 10_000, 'the delivery to succeed');
        assert.equal(d.attemptCount, 2);
        assert.deepEqual(d.attempts.map((a: any) => [a.attemptNumber, a.responseStatus, a.responseBody, a.batchId]), [[1, 503, 'busy', batchId], [2, 200, '', batchId]]);
      }
      await waitUntil(() => seen.length >= 6, 5_000, 'attempt.recorded for each delivery and attempt');
      assert.equal(seen.length, 6);
      assert.deepEqual(new Set(seen.map((e) => `${e.deliveryId}:${e.attemptNumber}`)).size, 6, 'once per delivery attempt');
      assert.ok(seen.every((e) => e.batchId === batchId));
      assert.deepEqual(seen.filter((e) => e.attemptNumber === 1).map((e) => [e.result, e.deliveryStatus]), Array(3).fill(['5xx', 'pending']));
      assert.deepEqual(seen.filter((e) => e.attemptNumber === 2).map((e) => [e.result, e.deliveryStatus]), Array(3).fill(['2xx', 'succeeded']));
    } finally {
      off();
    }
  });

  it('payload "data" in a batch: {"events":[...]} of the dispatched data byte for byte, under the endpoint’s own scheme', async () => {
    const ep = await endpoint('/batch-data', 'b.data', { payload: 'data', signature: { scheme: 'line' }, batch: { maxEvents: 2, maxWaitMs: 60000 } });
    const datas = ['{ "destination" : "U1", "n" : 1.0 }', '{"destination":"U2","n":2}'];
    for (const d of datas) {
      const res = await tenant.client.call('POST', '/v1/events', { rawBody: `{"type":"b.data","data":${d}}`, headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 202, res.text);
    }
    const [req] = await f.receiver.waitFor(1, '/batch-data');
    assert.equal(req!.body, `{"events":[${datas.join(',')}]}`);
    assert.equal(validateSignature(req!.body, ep.secret, String(req!.headers['x-line-signature'])), true);
  });

  it('a batch whose job Redis lost is sent again by the reconciler, with the same bytes', async () => {
    f.receiver.on('/batch-lost', (_req, n) => (n === 1 ? { status: 503 } : { status: 200 }));
    const ep = await endpoint('/batch-lost', 'b.lost', { batch: { maxEvents: 2, maxWaitMs: 60000 } });
    await dispatchInOrder('b.lost', 2);
    const [first] = await f.receiver.waitFor(1, '/batch-lost');
    const batchId = String(first!.headers['webhook-id']);
    const queue = new Queue(QueueName.Delivery, queueOptions(f.platform.config));
    try {
      await waitUntil(async () => (await queue.getJobState(jobIdFor.batch(batchId))) === 'delayed', 5_000, 'the batch retry delayed in Redis');
      await deleteRedisPrefix(f.platform.config.queuePrefix);
      assert.equal(await queue.getJobState(jobIdFor.batch(batchId)), 'unknown');
    } finally {
      await queue.close();
    }
    const reqs = await f.receiver.waitFor(2, '/batch-lost', 20_000);
    assert.equal(reqs[1]!.body, first!.body);
    assert.equal(reqs[1]!.headers['webhook-id'], batchId);
    await waitUntil(async () => (await f.platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded' AND attempt_count = 2`, [ep.id]))[0].n === 2, 10_000, 'both deliveries succeeded on the second attempt');
  });

  it('a delivery of a failed batch, resent, goes in a new batch (new webhook-id) in its new series and succeeds', async () => {
    f.receiver.on('/batch-resend', (_req, n) => (n <= 3 ? { status: 500 } : { status: 200 }));
    const ep = await endpoint('/batch-resend', 'b.resend', { batch: { maxEvents: 2, maxWaitMs: 200 } });
    const [eventId] = await dispatchInOrder('b.resend', 2);
    const failedReqs = await f.receiver.waitFor(3, '/batch-resend', 20_000);
    const oldBatch = String(failedReqs[0]!.headers['webhook-id']);
    const d = await waitUntil(async () => {
      const v = await deliveryOf(eventId!);
      return v.status === 'failed' ? v : undefined;
    }, 15_000, 'the batch failed after its retries');
    assert.equal((await tenant.client.post(`/v1/deliveries/${d.id}/resend`)).status, 202);
    const reqs = await f.receiver.waitFor(4, '/batch-resend', 20_000);
    const again = reqs[3]!;
    assert.notEqual(again.headers['webhook-id'], oldBatch, 'a new batch, not the failed one');
    assert.deepEqual(eventsOf(again).map((e) => e.id), [eventId]);
    const [row] = await waitUntil(async () => {
      const rows = await f.platform.query(`SELECT status::text, series, attempt_count, batch_id::text FROM deliveries WHERE id = $1`, [d.id]);
      return rows[0]?.status === 'succeeded' ? rows : undefined;
    }, 10_000, 'the resent delivery succeeded');
    assert.deepEqual({ series: row.series, attempts: row.attempt_count, sameBatch: row.batch_id === oldBatch }, { series: 1, attempts: 4, sameBatch: false });
    const other = await f.platform.query(`SELECT status::text FROM deliveries WHERE endpoint_id = $1 AND id <> $2`, [ep.id, d.id]);
    assert.equal(other[0].status, 'failed', 'the other member stays failed: only the resent one went again');
  });
});
