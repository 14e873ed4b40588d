import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { uuidv7 } from '#libs/common';
import { RetentionService } from '#libs/retention';
import { startWorkerApp } from '../../apps/worker/src/create-worker-app.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

const DAY = 86_400_000;

interface Seeded {
  eventIds: string[];
}

/** Events `ageDays` old made as the platform makes them (UUIDv7 ids of that time), each with one
 * delivery to `endpointId` in `status` and, unless pending, `attempts` attempts. */
async function seed(platform: TestPlatform, tenant: Tenant, endpointId: string, n: number, ageDays: number, opts: { status?: string; attempts?: number; fannedOut?: boolean } = {}): Promise<Seeded> {
  const status = opts.status ?? 'succeeded';
  const at = Date.now() - ageDays * DAY;
  const eventIds = Array.from({ length: n }, (_, i) => uuidv7(at + i));
  const deliveryIds = eventIds.map((_, i) => uuidv7(at + i));
  const times = eventIds.map((_, i) => new Date(at + i));
  // One transaction: a scheduled purge must not see an event without the rows that come with it.
  const c = await platform.db.pool.connect();
  try {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO events (id, tenant_id, type, data, created_at, fanned_out_at)
       SELECT id, $2, 'old.event', '{"secret":1}', t, CASE WHEN $4 THEN t END FROM unnest($1::uuid[], $3::timestamptz[]) AS x(id, t)`,
      [eventIds, tenant.id, times, opts.fannedOut ?? true],
    );
    if (opts.fannedOut !== false) {
      await c.query(
        `INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, created_at, updated_at)
         SELECT d, $2, e, $3, 'old.event', $4::"DeliveryStatus", $5, CASE WHEN $4 = 'pending' THEN now() + interval '1 hour' END, t, t
         FROM unnest($1::uuid[], $6::uuid[], $7::timestamptz[]) AS x(d, e, t)`,
        [deliveryIds, tenant.id, endpointId, status, opts.attempts ?? 1, eventIds, times],
      );
      await c.query(
        `INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, response_body)
         SELECT uuid_generate_v7(), d, $2, a, t, 12, 200, 'ok' FROM unnest($1::uuid[], $3::timestamptz[]) AS x(d, t) CROSS JOIN generate_series(1, $4::int) AS a`,
        [deliveryIds, tenant.id, times, opts.attempts ?? 1],
      );
    }
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    c.release();
  }
  return { eventIds };
}

async function counts(platform: TestPlatform, eventIds: string[]) {
  const [r] = await platform.query<{ events: number; deliveries: number; attempts: number }>(
    `SELECT (SELECT count(*) FROM events WHERE id = ANY($1::uuid[]))::int AS events,
            (SELECT count(*) FROM deliveries WHERE event_id = ANY($1::uuid[]))::int AS deliveries,
            (SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ANY($1::uuid[]))::int AS attempts`,
    [eventIds],
  );
  return r!;
}

describe('retention (RETENTION_DAYS=30)', () => {
  let platform: TestPlatform;
  let second: NestFastifyApplication;
  let tenant: Tenant;
  let endpointId: string;

  before(async () => {
    // An hour's interval: the retention schedulers' first pass (a minute after start) stays out of
    // the way, and the reconciler (at start, then hourly) leaves the unfanned events unfanned.
    platform = await TestPlatform.start({ env: { RETENTION_INTERVAL_MS: '3600000', RECONCILE_INTERVAL_MS: '3600000' } });
    second = await startWorkerApp(platform.config, 0);
    tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['nobody.listens'] });
    endpointId = ep.body.id;
  });
  after(async () => {
    await second?.close();
    await platform?.stop();
  });

  it('removes old events with their deliveries and attempts in batches, on one worker under the lease, and keeps pending, unfanned and young ones', async () => {
    const oldA = await seed(platform, tenant, endpointId, 700, 40, { attempts: 2 });
    const pending = await seed(platform, tenant, endpointId, 3, 35, { status: 'pending', attempts: 1 });
    const oldB = await seed(platform, tenant, endpointId, 400, 31, { status: 'failed', attempts: 3 });
    const unfanned = await seed(platform, tenant, endpointId, 2, 33, { fannedOut: false });
    const young = await seed(platform, tenant, endpointId, 5, 29, { attempts: 1 });
    // A succeeded delivery beside the pending one: its event stays, so it stays too.
    const [sibling] = await platform.query<{ id: string }>(`INSERT INTO endpoints (id, tenant_id, url, event_types, updated_at) VALUES (uuid_generate_v7(), $1, 'http://127.0.0.1:9/b', '{x}', now()) RETURNING id`, [tenant.id]);
    await platform.query(`INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, status) VALUES (uuid_generate_v7(), $1, $2, $3, 'old.event', 'succeeded')`, [tenant.id, pending.eventIds[1], sibling!.id]);

    const [a, b] = await Promise.all([platform.workerProvider(RetentionService).runOnce(), second.get(RetentionService).runOnce()]);
    const reports = [a, b].filter((r) => r !== null);
    assert.equal(reports.length, 1, 'one worker purged, the other found the lease taken');
    // At most 500 events a statement; more statements when the pacer cut a slow one.
    const { batches, ...removed } = reports[0]!;
    assert.deepEqual(removed, { events: 1100, deliveries: 1100, attempts: 700 * 2 + 400 * 3, deliveryBatches: 0, more: false });
    assert.ok(batches >= 3, `${batches} batches`);

    assert.deepEqual(await counts(platform, [...oldA.eventIds, ...oldB.eventIds]), { events: 0, deliveries: 0, attempts: 0 });
    assert.deepEqual(await counts(platform, pending.eventIds), { events: 3, deliveries: 4, attempts: 3 });
    assert.deepEqual(await counts(platform, unfanned.eventIds), { events: 2, deliveries: 0, attempts: 0 });
    assert.deepEqual(await counts(platform, young.eventIds), { events: 5, deliveries: 5, attempts: 5 });

    // The next pass finds nothing more; once the pending deliveries end, their events go too.
    assert.deepEqual(await platform.workerProvider(RetentionService).runOnce(), { events: 0, deliveries: 0, attempts: 0, batches: 0, deliveryBatches: 0, more: false });
    await platform.query(`UPDATE deliveries SET status = 'succeeded' WHERE event_id = ANY($1::uuid[])`, [pending.eventIds]);
    assert.equal((await second.get(RetentionService).runOnce())?.events, 3);
    assert.deepEqual(await counts(platform, pending.eventIds), { events: 0, deliveries: 0, attempts: 0 });
  });

  it('removes finished delivery batches older than the window and keeps pending and young ones', async () => {
    const batch = async (ageDays: number, status: string) => {
      const [row] = await platform.query<{ id: string }>(
        `INSERT INTO delivery_batches (id, tenant_id, endpoint_id, status, payload_format, size, created_at, updated_at)
         VALUES ($1::uuid, $2, $3, $4::"DeliveryStatus", 'envelope', 2, now(), now()) RETURNING id`,
        [uuidv7(Date.now() - ageDays * DAY), tenant.id, endpointId, status],
      );
      return row!.id;
    };
    const oldDone = [await batch(40, 'succeeded'), await batch(35, 'failed')];
    const oldPending = await batch(40, 'pending');
    const young = await batch(2, 'succeeded');
    const report = await platform.workerProvider(RetentionService).runOnce();
    assert.equal(report?.deliveryBatches, 2);
    const left = await platform.query<{ id: string }>(`SELECT id FROM delivery_batches WHERE id = ANY($1::uuid[]) ORDER BY id`, [[...oldDone, oldPending, young]]);
    assert.deepEqual(left.map((r) => r.id).sort(), [oldPending, young].sort());
  });

  it('runs on its own every RETENTION_INTERVAL_MS', async () => {
    const p = await TestPlatform.start({ env: { RETENTION_INTERVAL_MS: '300' } });
    try {
      const t = await p.createTenant();
      const ep = await t.client.post('/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['nobody.listens'] });
      const old = await seed(p, t, ep.body.id, 10, 45);
      await waitUntil(async () => (await counts(p, old.eventIds)).events === 0, 10_000, 'the scheduled purge');
      assert.deepEqual(await counts(p, old.eventIds), { events: 0, deliveries: 0, attempts: 0 });
    } finally {
      await p.stop();
    }
  });
});

describe('retention with RETENTION_DAYS=0', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await TestPlatform.start({ env: { RETENTION_DAYS: '0', RETENTION_INTERVAL_MS: '200' } });
  });
  after(async () => {
    await platform?.stop();
  });

  it('keeps everything', async () => {
    const tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['nobody.listens'] });
    const ancient = await seed(platform, tenant, ep.body.id, 5, 3650);
    assert.equal(await platform.workerProvider(RetentionService).runOnce(), null);
    assert.deepEqual(await counts(platform, ancient.eventIds), { events: 5, deliveries: 5, attempts: 5 });
  });
});
