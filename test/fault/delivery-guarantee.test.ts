import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { createApiApp } from '../../apps/api/src/create-api-app.js';
import { ApiClient } from '../support/http-client.js';
import { PrivatePostgres, PrivateRedis } from '../support/private-services.js';
import { TestReceiver } from '../support/receiver.js';
import { TEST_ADMIN_KEY, TEST_PLATFORM_ENV, testConfig, waitUntil } from '../support/test-env.js';
import { WorkerProcess } from '../support/worker-process.js';

// Fault injection: a burst of events fanned out to several endpoints on a real loopback receiver,
// with one fault per scenario, against a private Postgres and Redis (own data dirs and ports) and
// the worker as a child process. After each, once the system is quiet: every accepted (event,
// endpoint) pair was received at least once, each delivery has exactly one success in its attempt
// log, and nothing was delivered for an event the API refused.

const EVENTS = Number(process.env.FAULT_EVENTS ?? 2000);
const ENDPOINTS = Number(process.env.FAULT_ENDPOINTS ?? 2);
/** Dispatch pace, so a fault lands while the burst is still being accepted. */
const EVENTS_PER_SECOND = Number(process.env.FAULT_RATE ?? 250);
const IN_FLIGHT = 24;
const QUIET_TIMEOUT_MS = 240_000;
/** How long the receiver holds each batch request, so that a kill lands while batches are in flight. */
const BATCH_ANSWER_MS = 300;
const RETRY_SCHEDULE = '1,2,4,8,16,32';
/** Runs only the scenarios whose name contains this (for working on one). */
const ONLY = process.env.FAULT_SCENARIO ?? '';
const scenario = (name: string) => ({ skip: ONLY !== '' && !name.includes(ONLY) });

interface Figures {
  scenario: string;
  events: number;
  accepted: number;
  refused: number;
  faults: string;
  pairs: number;
  lost: number;
  duplicates: number;
  seconds: number;
}

interface Burst {
  accepted: Map<number, string>;
  refused: Set<number>;
  dispatched: number;
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
  const figures: Figures[] = [];
  /** Every answer the receiver gave, per path. */
  const answered: Array<{ path: string; body: string; status: number }> = [];

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
    if (figures.length > 0) {
      console.log(`\nfault injection: ${EVENTS} events x ${ENDPOINTS} endpoints per scenario`);
      console.table(figures);
    }
  });

  function startWorker(): Promise<WorkerProcess> {
    return WorkerProcess.start(workerEnv, join(logDir, 'worker.log'));
  }

  async function restartWorkerAfterKill(): Promise<void> {
    await worker!.kill();
    worker = await startWorker();
  }

  /** Batch requests the receiver is answering right now (it holds each for BATCH_ANSWER_MS). */
  let batchesInFlight = 0;

  /** A tenant with ENDPOINTS endpoints on paths of its own; `failing()` makes them answer 500;
   * `batch`: the endpoints batch, and the receiver takes BATCH_ANSWER_MS to answer each batch. */
  async function setUp(name: string, failing: () => boolean, batch?: { maxEvents: number; maxWaitMs: number }) {
    const t = await admin.post('/v1/admin/tenants', { name });
    assert.equal(t.status, 201, t.text);
    const client = new ApiClient(apiUrl, t.body.apiKey);
    const paths: string[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      const path = `/${name}/ep${i}`;
      receiver!.on(path, (req) => {
        const status = failing() ? 500 : 200;
        answered.push({ path: req.path, body: req.body, status });
        if (!batch) return { status };
        batchesInFlight++;
        setTimeout(() => batchesInFlight--, BATCH_ANSWER_MS);
        return { status, delayMs: BATCH_ANSWER_MS };
      });
      const ep = await client.post('/v1/endpoints', { url: receiver!.url(path), eventTypes: ['burst.*'], ...(batch ? { batch } : {}) });
      assert.equal(ep.status, 201, ep.text);
      paths.push(path);
    }
    return { tenantId: t.body.id as string, client, paths };
  }

  /** Sends EVENTS events at EVENTS_PER_SECOND; 503s are recorded as refused (and not retried). */
  async function burst(client: ApiClient, state: Burst): Promise<void> {
    const start = Date.now();
    let next = 0;
    const sendOne = async (seq: number) => {
      const wait = start + (seq * 1000) / EVENTS_PER_SECOND - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await client.post('/v1/events', { type: 'burst.event', data: { seq } }, { headers: { 'idempotency-key': `seq-${seq}` } });
      state.dispatched++;
      if (res.status === 202) state.accepted.set(seq, res.body.id);
      else if (res.status === 503) {
        assert.equal(res.body?.statusCode, 503, `a 503 carries the JSON error body: ${res.text}`);
        assert.equal(typeof res.body?.message, 'string');
        state.refused.add(seq);
      } else assert.fail(`dispatch ${seq} answered ${res.status}: ${res.text}`);
    };
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < EVENTS) await sendOne(next++);
      }),
    );
  }

  /** 2xx answers the receiver gave on these paths, one per event (a batch carries several). */
  function successes(paths: string[]): Array<{ eventId: string; path: string; seq: number }> {
    const set = new Set(paths);
    type Envelope = { id: string; data: { seq: number } };
    return answered
      .filter((r) => set.has(r.path) && r.status < 300)
      .flatMap((r) => {
        const body = JSON.parse(r.body) as Envelope | { events: Envelope[] };
        return ('events' in body ? body.events : [body]).map((e) => ({ eventId: e.id, path: r.path, seq: e.data.seq }));
      });
  }

  function waitForReceived(paths: string[], count: number): Promise<void> {
    return waitUntil(() => successes(paths).length >= count, QUIET_TIMEOUT_MS, `${count} webhooks received`).then(() => undefined);
  }

  async function runScenario(
    t: TestContext,
    name: string,
    inject: (ctx: { paths: string[]; state: Burst; expectedPairs: () => number; failing: { on: boolean } }) => Promise<string>,
    batch?: { maxEvents: number; maxWaitMs: number },
  ) {
    const started = Date.now();
    const failing = { on: false };
    const { tenantId, client, paths } = await setUp(name, () => failing.on, batch);
    const state: Burst = { accepted: new Map(), refused: new Set(), dispatched: 0 };
    const sending = burst(client, state);
    const [faults] = await Promise.all([inject({ paths, state, expectedPairs: () => state.accepted.size * ENDPOINTS, failing }), sending]);

    const expected = state.accepted.size * ENDPOINTS;
    await waitUntil(
      async () => {
        const { rows } = await db!.query(
          `SELECT (SELECT count(*)::int FROM events WHERE tenant_id = $1 AND fanned_out_at IS NULL) AS unfanned,
                  (SELECT count(*)::int FROM deliveries WHERE tenant_id = $1) AS deliveries,
                  (SELECT count(*)::int FROM deliveries WHERE tenant_id = $1 AND status = 'pending') AS pending`,
          [tenantId],
        ).catch(() => ({ rows: [] as Array<{ unfanned: number; deliveries: number; pending: number }> }));
        const r = rows[0];
        return r !== undefined && r.unfanned === 0 && r.pending === 0 && r.deliveries === expected;
      },
      QUIET_TIMEOUT_MS,
      `${name}: every accepted event fanned out and every delivery finished`,
    );

    const got = successes(paths);
    const pairs = new Map<string, number>();
    for (const g of got) pairs.set(`${g.eventId} ${g.path}`, (pairs.get(`${g.eventId} ${g.path}`) ?? 0) + 1);
    const acceptedIds = new Set(state.accepted.values());
    let lost = 0;
    for (const id of acceptedIds) for (const p of paths) if (!pairs.has(`${id} ${p}`)) lost++;
    const duplicates = got.length - pairs.size;
    const f: Figures = {
      scenario: name,
      events: EVENTS,
      accepted: state.accepted.size,
      refused: state.refused.size,
      faults,
      pairs: expected,
      lost,
      duplicates,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    figures.push(f);
    t.diagnostic(JSON.stringify(f));

    assert.equal(state.accepted.size + state.refused.size, EVENTS);
    assert.equal(lost, 0, `${lost} accepted (event, endpoint) pairs were never received`);
    const strangers = got.filter((g) => !acceptedIds.has(g.eventId) || state.refused.has(g.seq));
    assert.equal(strangers.length, 0, 'nothing is delivered for an event that was not accepted');
    const { rows: succeededOnce } = await db!.query(
      `SELECT d.status::text AS status, count(a.id) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS successes, count(*)::int AS n
       FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
       WHERE d.tenant_id = $1 GROUP BY d.id, d.status`,
      [tenantId],
    );
    assert.equal(succeededOnce.length, expected);
    assert.deepEqual(
      succeededOnce.filter((r) => r.status !== 'succeeded' || r.successes !== 1),
      [],
      'every delivery succeeded, with exactly one success in its attempt log',
    );
  }

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
      const fivehundreds = answered.filter((r) => paths.includes(r.path) && r.status === 500).length;
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
          await waitUntil(() => batchesInFlight > 0, 30_000, 'a batch request in flight');
          killed.push(batchesInFlight);
          await restartWorkerAfterKill();
        }
        return `2 x SIGKILL with ${killed.join(' and ')} batches in flight`;
      },
      { maxEvents: 50, maxWaitMs: 200 },
    );
  });
});
