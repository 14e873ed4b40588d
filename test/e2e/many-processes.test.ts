import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_KEY_CACHE_TTL_MS } from '#libs/tenants';
import { ApiClient } from '../support/http-client.js';
import { killAll, logged, logRecords, startPlatformProcess, type PlatformProcess } from '../support/platform-processes.js';
import { freePort } from '../support/private-services.js';
import { TestReceiver } from '../support/receiver.js';
import { createTestDatabase, deleteRedisPrefix, redisUrl, TEST_ADMIN_KEY, TEST_PLATFORM_ENV, uniqueName, waitUntil, type TestDatabase } from '../support/test-env.js';

// Two APIs and two workers (the production entry points, each its own process) on one database and
// one queue prefix, as a scaled-out deployment runs them.

const EVENTS = 150;
const ENDPOINTS = 2;

/** Periodic tasks that must run on one worker at a time, by the name of their Redis lease
 * (RedisLease logs taking, releasing and finding it held at debug level). Add a task's lease here
 * and the test below checks it too. */
const EXCLUSIVE_LEASES = ['reconciler', 'retention'];

interface Held {
  worker: string;
  from: number;
  to: number;
}

/** Each worker's spells holding `lease`, from its log, and how often it found the lease held by
 * someone else. A spell is logged after the lease was taken and before it was released, so it lies
 * inside the time the worker really held it. */
function leaseUse(workers: readonly PlatformProcess[], lease: string): { held: Held[]; refused: Record<string, number> } {
  const held: Held[] = [];
  const refused: Record<string, number> = {};
  for (const w of workers) {
    refused[w.name] = 0;
    let from: number | undefined;
    for (const r of logRecords(w).filter((x) => x.lease === lease)) {
      if (r.msg === 'lease taken') from = r.time!;
      else if (r.msg === 'lease released' && from !== undefined) {
        held.push({ worker: w.name, from, to: r.time! });
        from = undefined;
      } else if (r.msg === 'lease held elsewhere') refused[w.name]!++;
    }
  }
  return { held, refused };
}

describe('two APIs and two workers on one database and prefix', () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  const prefix = uniqueName('many');
  const procs: PlatformProcess[] = [];
  let apis: ApiClient[] = [];
  let workers: PlatformProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    receiver = await TestReceiver.start();
    const env = {
      ...TEST_PLATFORM_ENV,
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      // Frequent passes, so the two workers' reconcilers and retention purges keep meeting at their leases.
      RECONCILE_INTERVAL_MS: '100',
      RETENTION_INTERVAL_MS: '100',
      RETRY_SCHEDULE: '0.5,1,2',
    };
    const apiPorts = [await freePort(), await freePort()];
    const workerPorts = [await freePort(), await freePort()];
    const all = [
      ...apiPorts.map((port, i) => startPlatformProcess('api', { ...env, PORT: String(port), LOG_LEVEL: 'info' }, `api${i + 1}`)),
      ...workerPorts.map((port, i) => startPlatformProcess('worker', { ...env, WORKER_PORT: String(port), LOG_LEVEL: 'debug' }, `worker${i + 1}`)),
    ];
    procs.push(...all);
    // Four processes starting at once on a shared 2-core machine can take a while.
    await Promise.all(all.map((p) => logged(p, p.name.startsWith('api') ? 'api listening' : 'workers started', 120_000)));
    apis = apiPorts.map((port) => new ApiClient(`http://127.0.0.1:${port}`, TEST_ADMIN_KEY));
    workers = all.filter((p) => p.name.startsWith('worker'));
  });
  after(async () => {
    await killAll(procs);
    await receiver?.close();
    await deleteRedisPrefix(prefix);
    await db?.drop();
  });

  it('delivers every event, through either API, at least once to every endpoint', async () => {
    const created = await apis[0]!.post('/v1/admin/tenants', { name: 'many' });
    assert.equal(created.status, 201, created.text);
    const tenant = apis.map((a) => a.withKey(created.body.apiKey));
    const paths = Array.from({ length: ENDPOINTS }, (_, i) => `/many/ep${i}`);
    for (const path of paths) assert.equal((await tenant[0]!.post('/v1/endpoints', { url: receiver.url(path), eventTypes: ['many.*'] })).status, 201);

    const accepted: string[] = [];
    await Promise.all(
      Array.from({ length: EVENTS }, async (_, i) => {
        const res = await tenant[i % 2]!.post('/v1/events', { type: 'many.event', data: { i } });
        assert.equal(res.status, 202, res.text);
        accepted.push(res.body.id);
      }),
    );
    const missing = (path: string) => {
      const ids = new Set(receiver.received(path).map((r) => r.headers['webhook-id']));
      return accepted.filter((id) => !ids.has(id));
    };
    await waitUntil(() => paths.every((p) => missing(p).length === 0), 60_000, 'every event at every endpoint');
    await waitUntil(async () => (await db.pool.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'succeeded'`)).rows[0].n === EVENTS * ENDPOINTS, 30_000, 'every delivery recorded');
    const byWorker = workers.map((w) => logRecords(w).filter((r) => r.msg?.startsWith('delivered ')).length);
    assert.ok(byWorker.every((n) => n > 0), `both workers delivered (${byWorker.join(' + ')})`);
  });

  for (const lease of EXCLUSIVE_LEASES) {
    it(`runs the ${lease} on one worker at a time`, async (t) => {
      // Wait until the lease has both been used and been found taken by the other worker.
      const use = await waitUntil(
        () => {
          const u = leaseUse(workers, lease);
          return u.held.length >= 10 && Object.values(u.refused).some((n) => n > 0) && u;
        },
        60_000,
        `the two workers meeting at the ${lease} lease`,
      );
      const overlaps: Array<[Held, Held]> = [];
      for (const a of use.held) for (const b of use.held) if (a.worker < b.worker && a.from < b.to && b.from < a.to) overlaps.push([a, b]);
      assert.deepEqual(overlaps, [], `no two workers held the ${lease} lease at once`);
      t.diagnostic(`${lease}: ${use.held.length} spells (${workers.map((w) => `${w.name} ${use.held.filter((h) => h.worker === w.name).length}`).join(', ')}), found held elsewhere ${JSON.stringify(use.refused)}`);
    });
  }

  it('refuses a revoked key on both APIs', async () => {
    const created = await apis[0]!.post('/v1/admin/tenants', { name: 'revoking' });
    assert.equal(created.status, 201, created.text);
    const key = await apis[0]!.withKey(created.body.apiKey).post('/v1/api-keys', { name: 'used on both' });
    assert.equal(key.status, 201, key.text);
    const viaBoth = apis.map((a) => a.withKey(key.body.key));
    // Both APIs now hold the key in their lookup caches.
    for (const c of viaBoth) assert.equal((await c.get('/v1/endpoints')).status, 200);
    const revokedAt = Date.now();
    assert.equal((await apis[1]!.withKey(created.body.apiKey).delete(`/v1/api-keys/${key.body.id}`)).status, 204);
    for (const [i, c] of viaBoth.entries()) {
      await waitUntil(async () => (await c.get('/v1/endpoints')).status === 401, API_KEY_CACHE_TTL_MS / 2, `api${i + 1} to refuse the revoked key`);
    }
    assert.ok(Date.now() - revokedAt < API_KEY_CACHE_TTL_MS / 2, 'well before the cache entries would have expired');
    for (const c of apis) assert.equal((await c.withKey(created.body.apiKey).get('/v1/endpoints')).status, 200, 'the tenant\'s other key still works');
  });
});
