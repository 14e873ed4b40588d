import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { redisKeyPrefix } from '#libs/queue';
import { ENDPOINTS, EVENTS, FaultBurst, scenario } from '../support/fault-burst.js';
import { ApiClient } from '../support/http-client.js';
import { TestReceiver } from '../support/receiver.js';
import { PrivateRedisCluster } from '../support/redis-topologies.js';
import { createTestDatabase, TEST_ADMIN_KEY, TEST_PLATFORM_ENV, testConfig, uniqueName, type TestDatabase } from '../support/test-env.js';
import { WorkerProcess } from '../support/worker-process.js';

// The burst of the fault suite (support/fault-burst.ts: every accepted pair received at least
// once, one success per delivery, nothing for refused events) against a private Redis Cluster, with
// the master that holds the platform's slot SIGKILLed mid-burst: a replica takes over, without the
// writes the dead master had not yet passed on. The API runs in this process, the worker as a child.

const NAME = 'cluster-master-sigkill';

describe('fault injection on a Redis Cluster: a master dies, a replica takes over, nothing is lost', () => {
  let cluster: PrivateRedisCluster | undefined;
  let db: TestDatabase | undefined;
  let receiver: TestReceiver | undefined;
  let api: NestFastifyApplication | undefined;
  let worker: WorkerProcess | undefined;
  let admin: ApiClient;
  let apiUrl: string;
  const prefix = uniqueName('fault');
  const logDir = mkdtempSync(join(tmpdir(), 'hookrelay-cluster-fault-'));
  const faults = new FaultBurst(() => ({ apiUrl, admin, db: db!.pool, receiver: receiver! }));

  before(async () => {
    cluster = await PrivateRedisCluster.start();
    db = await createTestDatabase();
    receiver = await TestReceiver.start();
    const env = {
      DATABASE_URL: db.url,
      REDIS_CLUSTER_NODES: cluster.nodes,
      QUEUE_PREFIX: prefix,
      RETRY_SCHEDULE: '1,2,4,8,16,32',
      RECONCILE_INTERVAL_MS: '2000',
      WORKER_CONCURRENCY: '50',
    };
    api = await createApiApp(testConfig(env));
    await api.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    admin = new ApiClient(apiUrl, TEST_ADMIN_KEY);
    worker = await WorkerProcess.start({ ...env, ...TEST_PLATFORM_ENV, LOG_LEVEL: process.env.FAULT_WORKER_LOG_LEVEL ?? 'warn' }, join(logDir, 'worker.log'));
  });

  after(async () => {
    const steps: Array<() => Promise<unknown>> = [
      async () => worker?.kill(),
      async () => api?.close(),
      async () => receiver?.close(),
      async () => cluster?.destroy(),
      async () => db?.drop(),
    ];
    for (const step of steps) await step().catch((err: unknown) => console.error('cluster fault suite cleanup:', err));
    rmSync(logDir, { recursive: true, force: true });
    faults.printFigures('fault injection on a Redis Cluster');
  });

  it('6. the master holding the queues is SIGKILLed during the burst', scenario('6. the master holding the queues is SIGKILLed during the burst'), async (t) => {
    const slot = await cluster!.slotOf(`${redisKeyPrefix(prefix)}:delivery:wait`);
    await faults.run(t, NAME, async ({ paths }) => {
      await faults.waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.3));
      const keysBefore = await cluster!.keys(`*${prefix}*`);
      const holder = await cluster!.masterOf(slot);
      assert.ok(keysBefore.length > 0 && keysBefore.every((k) => k.port === holder.port), 'the platform\'s keys are all on the master about to die');
      const startedAt = Date.now();
      const { killed, promoted } = await cluster!.killMasterOf(slot);
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
      assert.ok(worker!.running, readFileSync(join(logDir, 'worker.log'), 'utf8').slice(-2000));
      return `SIGKILL master :${killed}; replica :${promoted} took over in ${seconds} s`;
    });
    assert.ok(worker!.running, 'the worker rode out the failover without exiting');
  });
});
