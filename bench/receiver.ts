// The bench receiver, run as its own process (forked with IPC by bench.ts). Reads each body, answers
// 200, and keeps per-group counts and dispatch-to-receipt latencies (group = first path segment;
// `data.sentAt` in the webhook body is the dispatcher's wall clock in ms). A batch body
// (`{"events":[...]}`) counts each of its events. Groups named `hang*` never answer: the platform's
// own timeout ends those attempts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceiverCommand =
  | { cmd: 'count'; group: string; id: number }
  | { cmd: 'stats'; group: string; id: number }
  | { cmd: 'release'; id: number };

export interface GroupStats {
  /** Webhooks received: requests, or the events inside batch requests. */
  count: number;
  requests: number;
  distinctDeliveries: number;
  firstAt: number;
  lastAt: number;
  latenciesMs: number[];
}

const now = () => performance.timeOrigin + performance.now();

interface Group {
  count: number;
  requests: number;
  deliveries: Set<string>;
  firstAt: number;
  lastAt: number;
  latencies: number[];
}

const groups = new Map<string, Group>();
const hanging = new Set<http.ServerResponse>();

function groupOf(name: string): Group {
  let g = groups.get(name);
  if (!g) {
    g = { count: 0, requests: 0, deliveries: new Set(), firstAt: 0, lastAt: 0, latencies: [] };
    groups.set(name, g);
  }
  return g;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    const name = (req.url ?? '/').split('/')[1] ?? '';
    const g = groupOf(name);
    g.requests++;
    if (g.firstAt === 0) g.firstAt = at;
    g.lastAt = at;
    type Item = { id?: string; data?: { sentAt?: unknown } };
    let body: (Item & { events?: Item[] }) | undefined;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Item & { events?: Item[] };
    } catch {
      // not a webhook body (the limit scenario sends its own): nothing to measure
    }
    if (Array.isArray(body?.events)) {
      // A batch: each event is a delivery (its id tells them apart).
      g.count += body.events.length;
      for (const e of body.events) {
        if (typeof e.id === 'string') g.deliveries.add(e.id);
        if (typeof e.data?.sentAt === 'number') g.latencies.push(at - e.data.sentAt);
      }
    } else {
      g.count++;
      const delivery = req.headers['x-webhook-delivery'];
      if (typeof delivery === 'string') g.deliveries.add(delivery);
      if (typeof body?.data?.sentAt === 'number') g.latencies.push(at - body.data.sentAt);
    }
    if (name.startsWith('hang')) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 120_000;
server.requestTimeout = 0;

process.on('message', (m: ReceiverCommand) => {
  switch (m.cmd) {
    case 'count':
      process.send!({ id: m.id, count: groups.get(m.group)?.count ?? 0 });
      break;
    case 'stats': {
      const g = groups.get(m.group);
      const stats: GroupStats = g
        ? { count: g.count, requests: g.requests, distinctDeliveries: g.deliveries.size, firstAt: g.firstAt, lastAt: g.lastAt, latenciesMs: g.latencies }
        : { count: 0, requests: 0, distinctDeliveries: 0, firstAt: 0, lastAt: 0, latenciesMs: [] };
      process.send!({ id: m.id, stats });
      break;
    }
    case 'release':
      for (const res of hanging) res.destroy();
      process.send!({ id: m.id, released: true });
      break;
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => process.send!({ ready: true, port: (server.address() as AddressInfo).port }));
