import assert from 'node:assert/strict';
import net, { type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from '../support/http-client.js';
import { killAll, logged, startPlatformProcess, type PlatformProcess } from '../support/platform-processes.js';
import { freePort } from '../support/private-services.js';
import { TestReceiver } from '../support/receiver.js';
import { createTestDatabase, deleteRedisPrefix, redisUrl, TEST_SECRETS_KEY, uniqueName, waitUntil, type TestDatabase } from '../support/test-env.js';

const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const SECRETS_KEY = TEST_SECRETS_KEY;

describe('production processes: node dist/apps/*/main.js', () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  const prefix = uniqueName('e2e');
  const procs: PlatformProcess[] = [];

  before(async () => {
    db = await createTestDatabase();
    receiver = await TestReceiver.start();
  });
  after(async () => {
    await killAll(procs);
    await receiver?.close();
    await deleteRedisPrefix(prefix);
    await db?.drop();
  });

  function run(entry: 'api' | 'worker', env: Record<string, string>): PlatformProcess {
    const p = startPlatformProcess(entry, env);
    procs.push(p);
    return p;
  }

  it('delivers a webhook the standardwebhooks package verifies, then both processes exit 0 on SIGTERM', async () => {
    const [port, workerPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      WORKER_PORT: String(workerPort),
      QUEUE_PREFIX: prefix,
      ALLOW_INSECURE_URLS: 'true',
      ALLOWED_TARGET_CIDRS: '127.0.0.0/8',
      SECRETS_KEY,
      LOG_LEVEL: 'info',
      // As npm start sets it: loopback only (127.0.0.2 is loopback too, but not this address).
      HOST: '127.0.0.1',
    };
    const api = run('api', env);
    const worker = run('worker', env);
    await Promise.all([logged(api, 'api listening'), logged(worker, 'workers started')]);

    const admin = new ApiClient(`http://127.0.0.1:${port}`, ADMIN_KEY);
    const tenant = await admin.post('/v1/admin/tenants', { name: 'e2e' });
    assert.equal(tenant.status, 201, tenant.text);
    const client = admin.withKey(tenant.body.apiKey);
    const ep = await client.post('/v1/endpoints', { url: receiver.url('/e2e'), eventTypes: ['e2e.*'] });
    assert.equal(ep.status, 201, ep.text);
    const ev = await client.post('/v1/events', { type: 'e2e.ping', data: { hello: 'world', n: 1 } });
    assert.equal(ev.status, 202, ev.text);

    const [req] = await receiver.waitFor(1, '/e2e', 30_000);
    const payload = new Webhook(ep.body.secret).verify(req!.body, req!.headers as Record<string, string>) as { id: string; type: string; data: unknown };
    assert.equal(payload.id, ev.body.id);
    assert.equal(payload.type, 'e2e.ping');
    assert.deepEqual(payload.data, { hello: 'world', n: 1 });
    await waitUntil(async () => (await client.get(`/v1/deliveries?eventId=${ev.body.id}&status=succeeded`)).body.data.length === 1, 15_000, 'delivery recorded');
    assert.equal((await new ApiClient(`http://127.0.0.1:${workerPort}`).get('/health')).status, 200, 'the worker serves its health check');
    for (const p of [port, workerPort]) await assert.rejects(connect('127.0.0.2', p), /ECONNREFUSED/, `HOST=127.0.0.1: port ${p} is not open on other addresses`);

    // A connection that never sends a request (a load balancer's pre-opened one) must not hold up
    // the exit: Node's server.close() alone would wait for it for as long as the client keeps it.
    const silent = await Promise.all([port, workerPort].map((p) => openSilentConnection(p)));
    const stoppedAt = Date.now();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    const [apiExit, workerExit] = await Promise.all([api.exited, worker.exited]);
    assert.ok(Date.now() - stoppedAt < 8_000, `exited ${Date.now() - stoppedAt} ms after SIGTERM`);
    for (const s of silent) s.destroy();
    assert.deepEqual(apiExit, { code: 0, signal: null }, `api: ${api.stderr}`);
    assert.deepEqual(workerExit, { code: 0, signal: null }, `worker: ${worker.stderr}`);
    assert.equal(api.stderr, '');
    assert.equal(worker.stderr, '');
  });

  it('starts with Redis unreachable and says so in its log, not with stack traces on stderr', async () => {
    const closed = await freePort();
    const api = run('api', {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      ADMIN_API_KEY: ADMIN_KEY,
      SECRETS_KEY,
      PORT: String(await freePort()),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'info',
    });
    await Promise.all([logged(api, 'api listening'), logged(api, 'queue connection error; Redis is retried')]);
    api.child.kill('SIGKILL');
    await api.exited;
    assert.equal(api.stderr, '', 'a refused Redis connection is a log line, not a bare ECONNREFUSED trace');
  });

  it('refuses to start with an invalid environment, one line per problem', async () => {
    const api = run('api', { DATABASE_URL: db.url, REDIS_URL: redisUrl, ADMIN_API_KEY: 'too-short', PORT: 'abc', SECRETS_KEY });
    const { code } = await api.exited;
    assert.notEqual(code, 0);
    const lines = api.stderr.trim().split('\n');
    assert.equal(lines[0], 'Invalid configuration:', api.stderr);
    assert.deepEqual(lines.slice(1).sort(), ['  - ADMIN_API_KEY must be at least 16 characters', '  - PORT must be a whole number']);
    assert.ok(!api.stderr.includes('too-short'), 'the bad key itself is not echoed');
  });

  it('refuses to start when Postgres is unreachable, with one line naming Postgres', async () => {
    const closed = await freePort();
    const api = run('api', {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closed}/nowhere`,
      REDIS_URL: redisUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      SECRETS_KEY,
      PORT: String(await freePort()),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    });
    const { code } = await api.exited;
    assert.notEqual(code, 0);
    const lines = api.stderr.trim().split('\n');
    assert.equal(lines.length, 1, api.stderr);
    assert.match(lines[0]!, new RegExp(`Postgres is not reachable at 127\\.0\\.0\\.1:${closed}/nowhere`));
  });
});

function connect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host, () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

function openSilentConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}
