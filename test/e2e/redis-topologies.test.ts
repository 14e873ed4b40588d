import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { redisKeyPrefix } from '#libs/queue';
import { API_KEY_CACHE_TTL_MS } from '#libs/tenants';
import { ApiClient } from '../support/http-client.js';
import { killAll, logged, logRecords, startPlatformProcess, type PlatformProcess } from '../support/platform-processes.js';
import { freePort } from '../support/private-services.js';
import { TestReceiver } from '../support/receiver.js';
import { PrivateRedisCluster, PrivateRedisSentinel } from '../support/redis-topologies.js';
import { createTestDatabase, TEST_ADMIN_KEY, TEST_PLATFORM_ENV, uniqueName, waitUntil, type TestDatabase } from '../support/test-env.js';

// The production processes (two APIs and a worker) on a private Redis Cluster and on a private
// Sentinel setup: a signed webhook is delivered and verified, the tenant rate limit counts in Redis
// (its pipelined counters must share a slot on the cluster), and a key revoked through one API is
// refused by the other (pub/sub). REDIS_URL points at a closed port: nothing may use it.

const RATE_LIMIT = 10;

interface Topology {
  env(): Record<string, string>;
  /** Every Redis key of the platform, for the cluster's slot check (null: not a cluster). */
  keysOf?(prefix: string): Promise<Array<{ port: number; key: string }>>;
  destroy(): Promise<void>;
}

const TOPOLOGIES: Array<{ name: string; logLine: string; start: () => Promise<Topology> }> = [
  {
    name: 'a Redis Cluster (3 masters, 3 replicas)',
    logLine: 'Redis Cluster from REDIS_CLUSTER_NODES; REDIS_URL is not used',
    start: async () => {
      const cluster = await PrivateRedisCluster.start();
      return { env: () => ({ REDIS_CLUSTER_NODES: cluster.nodes }), keysOf: (prefix) => cluster.keys(`*${prefix}*`), destroy: () => cluster.destroy() };
    },
  },
  {
    name: 'Redis Sentinel (a master, a replica, 3 sentinels)',
    logLine: 'Redis through Sentinel from REDIS_SENTINELS; REDIS_URL is not used',
    start: async () => {
      const sentinel = await PrivateRedisSentinel.start();
      return { env: () => ({ REDIS_SENTINELS: sentinel.sentinelAddresses, REDIS_SENTINEL_NAME: sentinel.masterName }), destroy: () => sentinel.destroy() };
    },
  },
];

for (const topology of TOPOLOGIES) {
  describe(`production processes on ${topology.name}`, () => {
    let redis: Topology | undefined;
    let db: TestDatabase | undefined;
    let receiver: TestReceiver;
    const procs: PlatformProcess[] = [];
    const prefix = uniqueName('topo');

    before(async () => {
      redis = await topology.start();
      db = await createTestDatabase();
      receiver = await TestReceiver.start();
    });
    after(async () => {
      await killAll(procs);
      await receiver?.close();
      await redis?.destroy();
      await db?.drop();
    });

    it('delivers a verified webhook, rate-limits tenants and revokes keys on every API, with REDIS_URL unused', async () => {
      const [apiPort1, apiPort2, workerPort] = [await freePort(), await freePort(), await freePort()];
      const env = {
        ...TEST_PLATFORM_ENV,
        ...redis!.env(),
        REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
        DATABASE_URL: db!.url,
        QUEUE_PREFIX: prefix,
        RATE_LIMIT_PER_SECOND: String(RATE_LIMIT),
        LOG_LEVEL: 'info',
      };
      const api1 = startPlatformProcess('api', { ...env, PORT: String(apiPort1) }, 'api1');
      const api2 = startPlatformProcess('api', { ...env, PORT: String(apiPort2) }, 'api2');
      const worker = startPlatformProcess('worker', { ...env, WORKER_PORT: String(workerPort) }, 'worker');
      procs.push(api1, api2, worker);
      await Promise.all([logged(api1, 'api listening', 120_000), logged(api2, 'api listening', 120_000), logged(worker, 'workers started', 120_000)]);
      for (const p of [api1, api2, worker]) {
        assert.equal(logRecords(p).filter((r) => r.msg === topology.logLine).length, 1, `${p.name} says once at start-up that REDIS_URL is not used`);
      }

      const admin = new ApiClient(`http://127.0.0.1:${apiPort1}`, TEST_ADMIN_KEY);
      const created = await admin.post('/v1/admin/tenants', { name: 'topology' });
      assert.equal(created.status, 201, created.text);
      const via1 = admin.withKey(created.body.apiKey);
      const via2 = new ApiClient(`http://127.0.0.1:${apiPort2}`, created.body.apiKey);

      // A webhook, dispatched through the second API, delivered by the worker, verified.
      const ep = await via1.post('/v1/endpoints', { url: receiver.url('/topology'), eventTypes: ['topo.*'] });
      assert.equal(ep.status, 201, ep.text);
      const ev = await via2.post('/v1/events', { type: 'topo.ping', data: { on: topology.name } });
      assert.equal(ev.status, 202, ev.text);
      const [req] = await receiver.waitFor(1, '/topology', 30_000);
      const payload = new Webhook(ep.body.secret).verify(req!.body, req!.headers as Record<string, string>) as { id: string; data: unknown };
      assert.equal(payload.id, ev.body.id);
      assert.deepEqual(payload.data, { on: topology.name });
      // Polled in Postgres: the tenant's own requests are rate-limited below.
      await waitUntil(async () => (await db!.pool.query(`SELECT 1 FROM deliveries WHERE event_id = $1 AND status = 'succeeded'`, [ev.body.id])).rowCount === 1, 15_000, 'the delivery recorded');
      for (const port of [apiPort1, apiPort2, workerPort]) {
        const health = await new ApiClient(`http://127.0.0.1:${port}`).get('/health');
        assert.equal(health.status, 200, `${port}: ${health.text}`);
        assert.equal(health.body.checks.redis, 'up');
      }

      // Two tenants at once on both APIs: the limiter pipelines their counters together.
      const other = await admin.post('/v1/admin/tenants', { name: 'topology-2' });
      assert.equal(other.status, 201, other.text);
      const clients = [via1, via2, admin.withKey(other.body.apiKey), new ApiClient(`http://127.0.0.1:${apiPort2}`, other.body.apiKey)];
      const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => clients[i % 4]!.get('/v1/endpoints').then((r) => ({ tenant: i % 4 < 2 ? 'a' : 'b', status: r.status }))));
      for (const t of ['a', 'b']) {
        const mine = statuses.filter((s) => s.tenant === t);
        assert.deepEqual([...new Set(mine.map((s) => s.status))].sort(), [200, 429], `tenant ${t}: some requests allowed, the rest limited (${JSON.stringify(mine.map((s) => s.status))})`);
      }

      // A key revoked through the first API is refused by the second, which had it cached.
      // Until the burst's window has passed: a refused (429) request changes nothing, so try again.
      let key = await via1.post('/v1/api-keys', { name: 'revoked on one API' });
      for (const until = Date.now() + 10_000; key.status === 429 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        key = await via1.post('/v1/api-keys', { name: 'revoked on one API' });
      }
      assert.equal(key.status, 201, key.text);
      const extra = new ApiClient(`http://127.0.0.1:${apiPort2}`, key.body.key);
      assert.equal((await extra.get('/v1/endpoints')).status, 200);
      const revokedAt = Date.now();
      assert.equal((await via1.delete(`/v1/api-keys/${key.body.id}`)).status, 204);
      let status = 0;
      while (Date.now() < revokedAt + API_KEY_CACHE_TTL_MS / 2) {
        status = (await extra.get('/v1/endpoints')).status;
        if (status === 401) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 401, `the second API still accepted the key ${Date.now() - revokedAt} ms after revocation`);

      // Cluster: every key of the deployment carries the hash tag, so all of them live on one master.
      const keys = (await redis!.keysOf?.(prefix)) ?? null;
      if (keys) {
        assert.ok(keys.length > 0);
        assert.deepEqual(keys.filter((k) => !k.key.startsWith(`${redisKeyPrefix(prefix)}:`)).map((k) => k.key), [], 'no untagged key');
        assert.equal(new Set(keys.map((k) => k.port)).size, 1, 'one master holds them all');
      }
      for (const p of [api1, api2, worker]) assert.equal(p.stderr, '', `${p.name} wrote nothing to stderr`);
    });
  });
}
