import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../support/platform.js';
import { redisUrl, TEST_PLATFORM_ENV, waitUntil } from '../support/test-env.js';
import { WorkerProcess } from '../support/worker-process.js';

describe('worker shutdown on SIGTERM', () => {
  let platform: TestPlatform;
  let held: http.ServerResponse[] = [];
  let arrived: () => void;
  const firstArrival = new Promise<void>((resolve) => (arrived = resolve));
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      held.push(res);
      arrived();
    });
  });
  const logDir = mkdtempSync(join(tmpdir(), 'hookrelay-sigterm-'));

  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    platform = await TestPlatform.start({ worker: false });
  });
  after(async () => {
    for (const res of held) res.destroy();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await platform?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('stops taking jobs, lets the in-flight attempt finish and be recorded, then exits 0', async () => {
    const tenant = await platform.createTenant();
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slow`;
    assert.equal((await tenant.client.post('/v1/endpoints', { url, eventTypes: ['slow.event'] })).status, 201);
    const ev = await tenant.client.post('/v1/events', { type: 'slow.event', data: {} });
    assert.equal(ev.status, 202);

    const cfg = platform.config;
    const logFile = join(logDir, 'worker.log');
    const worker = await WorkerProcess.start(
      { DATABASE_URL: cfg.databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: cfg.queuePrefix, ...TEST_PLATFORM_ENV, LOG_LEVEL: 'info' },
      logFile,
    );
    try {
      await firstArrival;
      worker.signal('SIGTERM');
      // The attempt is in flight: the worker must wait for it rather than exit.
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(worker.running, 'the worker waits for its in-flight attempt');
      for (const res of held) res.writeHead(200).end('ok');
      const exit = await worker.waitExit();
      assert.deepEqual(exit, { code: 0, signal: null }, readFileSync(logFile, 'utf8').slice(-3000));
    } finally {
      await worker.kill();
    }
    const [d] = await platform.query('SELECT * FROM deliveries WHERE event_id = $1', [ev.body.id]);
    assert.equal(d.status, 'succeeded');
    assert.equal(d.attempt_count, 1);
    const attempts = await platform.query('SELECT response_status FROM delivery_attempts WHERE delivery_id = $1', [d.id]);
    assert.deepEqual(attempts.map((a) => a.response_status), [200]);
    assert.equal(held.length, 1, 'no second attempt was made');
    // Nothing is left to do, so nothing will be attempted again when a worker comes back.
    await waitUntil(async () => (await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'`))[0].n === 0, 1_000, 'no pending delivery');
  });
});
