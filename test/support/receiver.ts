import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

/** An answer; `delayMs` holds it back that long (a slow receiver). */
type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

export type Behaviour = Answer | { hang: true } | ((req: ReceivedRequest, nth: number) => Answer | { hang: true });

/** A real HTTP receiver on loopback. Each path answers as told (default 200) and every request is
 * recorded; `waitFor` resolves on arrival, without polling. */
export class TestReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();
  private readonly events = new EventEmitter();
  private readonly hanging = new Set<http.ServerResponse>();
  private server!: http.Server;
  private port = 0;

  static async start(): Promise<TestReceiver> {
    const r = new TestReceiver();
    r.events.setMaxListeners(1000);
    r.server = http.createServer((req, res) => r.handle(req, res));
    r.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => r.server.listen(0, '127.0.0.1', resolve));
    r.port = (r.server.address() as AddressInfo).port;
    return r;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  received(path?: string): ReceivedRequest[] {
    return path ? this.requests.filter((r) => r.path === path) : this.requests;
  }

  /** Resolves once `count` requests matching `path` (all paths if omitted) have arrived. */
  waitFor(count: number, path?: string, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const got = this.received(path);
        if (got.length >= count) {
          cleanup();
          resolve(got);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`receiver: expected ${count} requests on ${path ?? 'any path'}, got ${this.received(path).length} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('request', check);
      };
      this.events.on('request', check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const received: ReceivedRequest = { path, method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const nth = (this.counts.get(path) ?? 0) + 1;
      this.counts.set(path, nth);
      this.requests.push(received);
      const b = this.behaviours.get(path) ?? { status: 200 };
      const answer = typeof b === 'function' ? b(received, nth) : b;
      this.events.emit('request');
      if ('hang' in answer) {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      const send = () => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) {
        this.hanging.add(res);
        setTimeout(() => {
          this.hanging.delete(res);
          if (!res.destroyed) send();
        }, answer.delayMs);
      } else send();
    });
  }
}
