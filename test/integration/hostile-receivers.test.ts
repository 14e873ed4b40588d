import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

/** A receiver that misbehaves on purpose; it counts what it sent and when each connection closed. */
class HostileReceiver {
  sent = new Map<string, number>();
  closed = new Map<string, number>();
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  waitClosed(path: string, timeoutMs = 15_000): Promise<number> {
    return waitUntil(() => this.closed.get(path), timeoutMs, `${path} connection closed`);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.server.closeAllConnections();
    this.server.close();
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    req.resume();
    const count = (n: number) => this.sent.set(path, (this.sent.get(path) ?? 0) + n);
    res.on('close', () => this.closed.set(path, Date.now()));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    if (path === '/forever' || path === '/huge') {
      // Writes as fast as the client reads, forever (or claims a 1 GiB body).
      res.writeHead(200, path === '/huge' ? { 'content-length': String(1024 ** 3) } : {});
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) count(chunk.length);
        if (!res.destroyed) count(chunk.length);
      };
      res.on('drain', pump);
      pump();
    } else if (path === '/trickle') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => {
        if (res.destroyed) return clearInterval(t);
        res.write('x');
        count(1);
      }, 1000);
      this.timers.add(t);
    } else {
      res.writeHead(200).end('ok');
    }
  }
}

describe('hostile receivers cannot grow the worker or hold its slot', () => {
  let platform: TestPlatform;
  let hostile: HostileReceiver;
  let base: string;
  let tenant: Tenant;

  before(async () => {
    hostile = new HostileReceiver();
    base = await hostile.start();
    // One worker slot, so a held slot would stop every later delivery; a short attempt budget.
    platform = await TestPlatform.start({ env: { DELIVERY_TIMEOUT_MS: '1500', WORKER_CONCURRENCY: '1', RETRY_SCHEDULE: '600' } });
    tenant = await platform.createTenant();
  });
  after(async () => {
    await platform?.stop();
    await hostile?.close();
  });

  async function deliverOnce(path: string) {
    const ep = await tenant.client.post('/v1/endpoints', { url: `${base}${path}`, eventTypes: [`h.${path.slice(1)}`] });
    assert.equal(ep.status, 201, ep.text);
    const ev = await tenant.client.post('/v1/events', { type: `h.${path.slice(1)}`, data: {} });
    return waitUntil(async () => (await platform.query('SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1', [ev.body.id]))[0], 15_000, `the attempt on ${path}`);
  }

  for (const path of ['/forever', '/huge']) {
    it(`${path}: keeps 4 KiB, drops the connection, and the receiver cannot push more`, async () => {
      const heapBefore = process.memoryUsage().heapUsed;
      const attempt = await deliverOnce(path);
      assert.equal(attempt.response_status, 200);
      assert.equal(Buffer.byteLength(attempt.response_body), 4096);
      await hostile.waitClosed(path);
      const sentAtClose = hostile.sent.get(path)!;
      // What left the receiver is bounded by socket buffers, not by what it wanted to send.
      assert.ok(sentAtClose < 32 * 1024 * 1024, `receiver managed to send ${sentAtClose} bytes`);
      await new Promise((r) => setTimeout(r, 300)); // a short pause only to show nothing more flows
      assert.equal(hostile.sent.get(path), sentAtClose);
      assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'worker heap did not grow with the body');
    });
  }

  it('/trickle: a byte a second is cut off at the attempt budget, and the slot is free again', async () => {
    const attempt = await deliverOnce('/trickle');
    assert.equal(attempt.error_kind, 'timeout');
    assert.ok(attempt.duration_ms >= 1400 && attempt.duration_ms < 5000, `took ${attempt.duration_ms} ms`);
    await hostile.waitClosed('/trickle');
    // The one slot is free: a normal delivery goes through.
    const ok = await deliverOnce('/fine');
    assert.equal(ok.response_status, 200);
  });
});
