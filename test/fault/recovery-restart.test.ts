import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { redisUrl, TEST_PLATFORM_ENV, waitUntil } from '../support/test-env.js';
import { WorkerProcess } from '../support/worker-process.js';

const EVENTS = Number(process.env.FAULT_RECOVERY_EVENTS ?? 1000);
const PAGE = 50;
/** The endpoint's pace: the walk takes EVENTS / RATE seconds, long enough to be killed midway. */
const RATE = 200;

// A recovery's worker is killed (SIGKILL) midway through the walk; a new worker resumes it from the
// cursor it committed, and every event reaches the endpoint.
const secs = (from: number, to: number) => ((to - from) / 1000).toFixed(1);

describe('fault: a recovery survives a worker SIGKILL', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let worker: WorkerProcess | undefined;
  let workerEnv: Record<string, string>;
  const logDir = mkdtempSync(join(tmpdir(), 'hookrelay-recovery-fault-'));

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ worker: false, env: { RECOVERY_PAGE_SIZE: String(PAGE) } });
    const c = platform.config;
    workerEnv = {
      ...TEST_PLATFORM_ENV,
      DATABASE_URL: c.databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: c.queuePrefix,
      RETRY_SCHEDULE: '0.2,0.4,0.8',
      RECONCILE_INTERVAL_MS: '1000',
      RECOVERY_PAGE_SIZE: String(PAGE),
      LOG_LEVEL: process.env.FAULT_WORKER_LOG_LEVEL ?? 'warn',
    };
  });
  after(async () => {
    await worker?.kill();
    await platform?.stop();
    await receiver?.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  async function dispatchAll(tenant: Tenant): Promise<string[]> {
    const ids: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < EVENTS) {
          const i = next++;
          const res = await tenant.client.post('/v1/events', { type: 'fault.recovered', data: { i } });
          assert.equal(res.status, 202, res.text);
          ids[i] = res.body.id;
        }
      }),
    );
    return ids;
  }

  it('resumes from its cursor after the kill and delivers every event', async () => {
    const started = Date.now();
    const tenant = await platform.createTenant('fault-recovery');
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/recovered'), eventTypes: ['fault.*'], rateLimitPerSecond: RATE });
    assert.equal(ep.status, 201, ep.text);
    const endpointId: string = ep.body.id;
    assert.equal((await tenant.client.patch(`/v1/endpoints/${endpointId}`, { status: 'disabled' })).status, 200);
    const events = await dispatchAll(tenant);
    assert.equal((await tenant.client.patch(`/v1/endpoints/${endpointId}`, { status: 'active' })).status, 200);

    const dispatchedAt = Date.now();
    worker = await WorkerProcess.start(workerEnv, join(logDir, 'worker-1.log'));
    const start = await tenant.client.post(`/v1/endpoints/${endpointId}/recover`, { since: new Date(started - 60_000).toISOString() });
    assert.equal(start.status, 202, start.text);
    const recovery = async () => (await tenant.client.get(`/v1/recoveries/${start.body.id}`)).body;

    await waitUntil(async () => (await recovery()).enqueued >= EVENTS / 5, 60_000, 'a fifth of the walk');
    await worker.kill();
    const killedAt = Date.now();
    const atKill = await recovery();
    assert.equal(atKill.status, 'running');
    assert.equal(atKill.total, EVENTS);
    assert.ok(atKill.enqueued < EVENTS, `killed midway (${atKill.enqueued} of ${EVENTS})`);

    worker = await WorkerProcess.start(workerEnv, join(logDir, 'worker-2.log'));
    // A job that was running when killed is put back once its lock expires (up to about 45 s).
    const done = await waitUntil(async () => {
      const r = await recovery();
      return r.status !== 'running' && r;
    }, 180_000, 'the recovery to finish');
    assert.deepEqual([done.status, done.total, done.enqueued], ['completed', EVENTS, EVENTS]);
    const completedAt = Date.now();

    await waitUntil(async () => {
      const [{ n }] = await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded'`, [endpointId]);
      return n === EVENTS;
    }, 120_000, 'every recovered delivery succeeded');
    const received = receiver.received('/recovered').map((r) => r.headers['webhook-id'] as string);
    const distinct = new Set(received);
    const lost = events.filter((id) => !distinct.has(id));
    assert.deepEqual(lost, [], 'every event reached the endpoint');
    console.log(
      `recovery SIGKILL: events ${EVENTS}, enqueued at kill ${atKill.enqueued}, received ${received.length}, lost ${lost.length}, duplicates ${received.length - distinct.size}; seconds: dispatch ${secs(started, dispatchedAt)}, ` +
        `to the kill ${secs(dispatchedAt, killedAt)}, kill to completed ${secs(killedAt, completedAt)}, to the last delivery ${secs(completedAt, Date.now())}`,
    );
  });
});
