import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import pg from 'pg';
import { DELIVERY_GROUP_MAX, JobName, QueueName, redisKeyPrefix, redisOptionsFromUrl, type JobPayloads } from '#libs/queue';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { EVENTS, ENDPOINTS, FaultBurst, QUIET_TIMEOUT_MS, scenario } from '../support/fault-burst.js';
import { ApiClient } from '../support/http-client.js';
import { PrivatePostgres, PrivateRedis } from '../support/private-services.js';
import { TestReceiver } from '../support/receiver.js';
import { TEST_ADMIN_KEY, TEST_PLATFORM_ENV, testConfig, waitUntil } from '../support/test-env.js';
import { WorkerProcess } from '../support/worker-process.js';

// Fault injection: a burst of events fanned out to several endpoints on a real loopback receiver,
// with one fault per scenario, against a private Postgres and Redis (own data dirs and ports) and
// the worker as a child process. After each, once the system is quiet: every accepted (event,
// endpoint) pair was received at least once, each delivery has exactly one success in its attempt
// log, and nothing was delivered for an event the API refused (the accounting: support/fault-burst.ts).

const RETRY_SCHEDULE = '1,2,4,8,16,32';
/** Scenario 7: events per POST /v1/events/batch (x ENDPOINTS deliveries: one full group job each)
 * and how long the receiver holds each request, so that group jobs are mid-way when the kill lands. */
const GROUP_EVENTS_PER_REQUEST = 25;
const GROUP_ANSWER_MS = 250;

/** The members of one group job, as Postgres and the receiver see them at one moment. */
interface GroupProgress {
  done: number;
  inFlight: number;
  notStarted: number;
}

describe('fault injection: nothing accepted is lost', () => {
  let postgres: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  let receiver: TestReceiver | undefined;
  let api: NestFastifyApplication | undefined;
  let worker: WorkerProcess | undefined;
  let db: pg.Pool | undefined;
  let admin: ApiClient;
  let apiUrl: string;
  let workerEnv: Record<string, string>;
  const logDir = mkdtempSync(join(tmpdir(), 'hookrelay-fault-'));
  const faults = new FaultBurst(() => ({ apiUrl, admin, db: db!, receiver: receiver! }));

  before(async () => {
    postgres = await PrivatePostgres.start();
    await postgres.migrate('hookrelay');
    redis = await PrivateRedis.start();
    receiver = await TestReceiver.start();
    const env = {
      DATABASE_URL: postgres.url('hookrelay'),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'fault',
      RETRY_SCHEDULE,
      RECONCILE_INTERVAL_MS: '2000',
      WORKER_CONCURRENCY: '50',
    };
    api = await createApiApp(testConfig(env));
    await api.listen({ port: 0, host: '127.0.0.1' });
    apiUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    admin = new ApiClient(apiUrl, TEST_ADMIN_KEY);
    workerEnv = { ...env, ...TEST_PLATFORM_ENV, LOG_LEVEL: process.env.FAULT_WORKER_LOG_LEVEL ?? 'warn' };
    worker = await startWorker();
    db = new pg.Pool({ connectionString: postgres.url('hookrelay'), max: 2 });
    db.on('error', () => undefined);
  });

  after(async () => {
    const steps: Array<() => Promise<unknown>> = [
      async () => worker?.kill(),
      async () => api?.close(),
      async () => db?.end(),
      async () => receiver?.close(),
      async () => redis?.stopServer(),
      async () => postgres?.destroy(),
    ];
    for (const step of steps) await step().catch((err: unknown) => console.error('fault suite cleanup:', err));
    rmSync(logDir, { recursive: true, force: true });
    faults.printFigures('fault injection');
  });

  function startWorker(): Promise<WorkerProcess> {
    return WorkerProcess.start(workerEnv, join(logDir, 'worker.log'));
  }

  async function restartWorkerAfterKill(): Promise<void> {
    await worker!.kill();
    worker = await startWorker();
  }

  const waitForReceived = (paths: string[], count: number) => faults.waitForReceived(paths, count);

  /** The deliver-group jobs of `tenantId` active now (each added to `seen`), and one of them that is
   * mid-way: members recorded as succeeded, and members whose request the receiver is holding;
   * undefined when none is. */
  async function groupMidway(queue: Queue, tenantId: string, seen: Set<string>): Promise<GroupProgress | undefined> {
    const active = (await queue.getActive()).filter((j) => j.name === JobName.DeliverGroup && (j.data as JobPayloads[JobName.DeliverGroup]).tenantId === tenantId);
    for (const j of active) seen.add(j.id!);
    if (active.length === 0) return undefined;
    const { rows } = await db!.query<{ group: string; status: string; attempts: number; eventId: string; url: string }>(
      `SELECT d.job_group::text AS "group", d.status::text AS status, d.attempt_count AS attempts, d.event_id::text AS "eventId", e.url
       FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
       WHERE d.tenant_id = $1 AND d.job_group = ANY($2::uuid[])`,
      [tenantId, active.map((j) => (j.data as JobPayloads[JobName.DeliverGroup]).groupId)],
    );
    const groups = new Map<string, GroupProgress>();
    for (const r of rows) {
      const g = groups.get(r.group) ?? { done: 0, inFlight: 0, notStarted: 0 };
      groups.set(r.group, g);
      if (r.status === 'succeeded') g.done++;
      else if (faults.held.has(`${r.eventId} ${new URL(r.url).pathname}`)) g.inFlight++;
      else if (r.attempts === 0) g.notStarted++;
    }
    return [...groups.values()].find((g) => g.done > 0 && g.inFlight > 0);
  }
  const runScenario = faults.run.bind(faults);

  it('1. the worker is SIGKILLed twice during the burst', scenario('1. the worker is SIGKILLed twice during the burst'), async (t) => {
    await runScenario(t, 'worker-sigkill', async ({ paths }) => {
      await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.2));
      await restartWorkerAfterKill();
      await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.5));
      await restartWorkerAfterKill();
      return '2 x SIGKILL';
    });
  });

  it('2. Redis is flushed (FLUSHALL) in the middle of the burst', scenario('2. Redis is flushed (FLUSHALL) in the middle of the burst'), async (t) => {
    await runScenario(t, 'redis-flushall', async ({ paths }) => {
      await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.3));
      await redis!.flushAll();
      return '1 x FLUSHALL';
    });
  });

  it('3. Redis restarts (empty) during the burst', scenario('3. Redis restarts (empty) during the burst'), async (t) => {
    await runScenario(t, 'redis-restart', async ({ paths }) => {
      await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.3));
      await redis!.stopServer();
      try {
        await new Promise((r) => setTimeout(r, 2_000));
      } finally {
        await redis!.startServer();
      }
      return '1 x restart (2 s down)';
    });
  });

  it('4. Postgres restarts during the burst; the API refuses events meanwhile', scenario('4. Postgres restarts during the burst; the API refuses events meanwhile'), async (t) => {
    await runScenario(t, 'postgres-restart', async ({ state }) => {
      await waitUntil(() => state.dispatched >= EVENTS * 0.4, QUIET_TIMEOUT_MS, 'the burst under way');
      await postgres!.stopServer();
      try {
        await waitUntil(() => state.refused.size > 0, 30_000, 'a refused event');
        await new Promise((r) => setTimeout(r, 1_500));
      } finally {
        await postgres!.startServer();
      }
      return '1 x restart';
    });
  });

  it('5. the receiver answers 500 for a while, then recovers', scenario('5. the receiver answers 500 for a while, then recovers'), async (t) => {
    await runScenario(t, 'receiver-500', async ({ paths, failing }) => {
      await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * 0.25));
      failing.on = true;
      try {
        await new Promise((r) => setTimeout(r, 3_000));
      } finally {
        failing.on = false;
      }
      const fivehundreds = faults.answered.filter((r) => paths.includes(r.path) && r.status === 500).length;
      return `3 s of 500s (${fivehundreds} answered)`;
    });
  });

  it('6. the worker is SIGKILLed twice while batches are in flight', scenario('6. the worker is SIGKILLed twice while batches are in flight'), async (t) => {
    await runScenario(
      t,
      'worker-sigkill-batches',
      async ({ paths }) => {
        const killed: number[] = [];
        for (const share of [0.2, 0.5]) {
          await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * share));
          await waitUntil(() => faults.batchesInFlight > 0, 30_000, 'a batch request in flight');
          killed.push(faults.batchesInFlight);
          await restartWorkerAfterKill();
        }
        return `2 x SIGKILL with ${killed.join(' and ')} batches in flight`;
      },
      { maxEvents: 50, maxWaitMs: 200 },
    );
  });

  it('7. the worker is SIGKILLed twice while it holds group jobs mid-way', scenario('7. the worker is SIGKILLed twice while it holds group jobs mid-way'), async (t) => {
    // The tenant's group jobs, as the worker's queue holds them (the test's own connection).
    const queue = new Queue(QueueName.Delivery, { prefix: redisKeyPrefix(workerEnv.QUEUE_PREFIX!), connection: redisOptionsFromUrl(redis!.url) });
    queue.on('error', () => undefined);
    const seen = new Set<string>();
    let tenant = '';
    try {
      await runScenario(
        t,
        'worker-sigkill-groups',
        async ({ tenantId, paths }) => {
          tenant = tenantId;
          const caught: string[] = [];
          for (const share of [0.2, 0.5]) {
            await waitForReceived(paths, Math.floor(EVENTS * ENDPOINTS * share));
            const g = await waitUntil(() => groupMidway(queue, tenantId, seen), 30_000, 'a group job active with members done and members in flight');
            caught.push(`${g.done}/${g.inFlight}/${g.notStarted}`);
            await restartWorkerAfterKill();
          }
          return `2 x SIGKILL holding a group job mid-way (members done/in flight/not started: ${caught.join(' and ')})`;
        },
        undefined,
        { eventsPerRequest: GROUP_EVENTS_PER_REQUEST, answerMs: GROUP_ANSWER_MS },
      );
    } finally {
      await queue.close();
    }
    // It cannot pass without group jobs: every delivery of the burst belonged to one, and some ran.
    assert.ok(seen.size > 0, 'deliver-group jobs were seen active');
    const { rows } = await db!.query<{ ungrouped: number; groups: number; largest: number }>(
      `SELECT count(*) FILTER (WHERE job_group IS NULL)::int AS ungrouped, count(DISTINCT job_group)::int AS groups, max(n)::int AS largest
       FROM (SELECT job_group, count(*) OVER (PARTITION BY job_group) AS n FROM deliveries WHERE tenant_id = $1) d`,
      [tenant],
    );
    const r = rows[0]!;
    t.diagnostic(JSON.stringify({ groupJobsSeenActive: seen.size, ...r }));
    assert.equal(r.ungrouped, 0, 'every delivery of the burst has a job_group');
    assert.ok(r.largest > 1 && r.largest <= DELIVERY_GROUP_MAX, `groups of several deliveries, at most ${DELIVERY_GROUP_MAX} (largest: ${r.largest})`);
  });
});
