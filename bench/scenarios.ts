// The bench scenarios. Each returns plain numbers for the table and bench/results/latest.json.
import { Pool } from 'undici';
import { signWebhook } from '#libs/endpoints';
import type { ApiClient } from '../test/support/http-client.js';
import { closedLoop, openLoop, wallClock } from './load.js';
import type { BenchPlatform, ReceiverProcess } from './platform.js';
import { summarize, type LatencySummary } from './stats.js';

export interface BenchContext {
  platform: BenchPlatform;
  receiver: ReceiverProcess;
  scale: number;
  log: (msg: string) => void;
  results: Record<string, any>;
  /** Set on the profile's unmeasured warm-up pass (`--warmup`; throughput, batching and fan-out):
   * the receiver groups they count are their own, so the measured pass counts only its deliveries. */
  warmUp?: boolean;
}

const SECRET = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
/** A receiver group's name: its own on a warm-up pass (see BenchContext.warmUp). */
const groupName = (ctx: BenchContext, name: string) => (ctx.warmUp ? `${name}w` : name);
export const scaled = (ctx: BenchContext, n: number, min: number) => Math.max(min, Math.round(n * ctx.scale));

/** Sends events to the API over a keep-alive pool, with `data.sentAt` set just before each send. */
export class Dispatcher {
  readonly pool: Pool;
  errors = 0;
  lastError = '';

  constructor(apiUrl: string, connections: number) {
    this.pool = new Pool(apiUrl, { connections, keepAliveTimeout: 30_000 });
  }

  async send(api: ApiClient, type: string, data: Record<string, unknown> = {}): Promise<number> {
    const started = performance.now();
    const res = await this.pool.request({
      path: '/v1/events',
      method: 'POST',
      headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type, data: { ...data, sentAt: wallClock() } }),
    });
    const text = await res.body.text();
    if (res.statusCode !== 202) {
      this.errors++;
      this.lastError = `${res.statusCode} ${text.slice(0, 200)}`;
    }
    return performance.now() - started;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

export async function endpoint(api: ApiClient, url: string, eventTypes: string[], options: object = {}): Promise<string> {
  const res = await api.post('/v1/endpoints', { url, eventTypes, ...options });
  if (res.status !== 201) throw new Error(`creating an endpoint failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}

/** Waits until every accepted event has been fanned out (the API scenario leaves a backlog). */
async function drainFanOut(ctx: BenchContext, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [row] = await ctx.platform.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE fanned_out_at IS NULL');
    if (Number(row!.n) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  ctx.log('warning: fan-out backlog not drained');
}

/** 1. The ceiling: signed POSTs straight from this process to the receiver, concurrency 100. */
export async function limit(ctx: BenchContext) {
  const durationMs = scaled(ctx, 10_000, 1_000);
  const pool = new Pool(ctx.receiver.url(''), { connections: 100, keepAliveTimeout: 30_000 });
  const id = '01939e3c-0000-7000-8000-000000000000';
  const body = `{"id":"${id}","type":"bench.limit","timestamp":"${new Date().toISOString()}","data":{"seq":0}}`;
  const end = performance.now() + durationMs;
  const started = performance.now();
  const n = await closedLoop(100, () => performance.now() < end, async (i) => {
    const ts = Math.floor(Date.now() / 1000);
    const res = await pool.request({
      path: '/limit/x',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), ...signWebhook({ scheme: 'standard-webhooks' }, { secrets: [SECRET], webhookId: id, timestamp: ts, body }).headers, 'x-webhook-delivery': String(i) },
      body,
    });
    await res.body.dump();
  });
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: n, seconds: round(seconds), perSecond: Math.round(n / seconds) };
}

/** 50,000 events to one endpoint, dispatched at concurrency 50; deliveries/s from the first dispatch
 * to the last receipt, and every attempt must be in the log. */
async function endToEnd(ctx: BenchContext, measuredGroup: string, options: object) {
  const group = groupName(ctx, measuredGroup);
  const events = scaled(ctx, 50_000, 200);
  const api = await ctx.platform.createTenant(group);
  const type = `bench.${group}`;
  const endpointId = await endpoint(api, ctx.receiver.url(`/${group}/e`), [type], options);
  const dispatcher = new Dispatcher(ctx.platform.apiUrl, 50);
  const t0 = wallClock();
  await closedLoop(50, (n) => n < events, async () => void (await dispatcher.send(api, type)));
  const dispatchSeconds = (wallClock() - t0) / 1000;
  await dispatcher.close();
  const complete = await ctx.receiver.waitForCount(group, events, Math.max(60_000, events * 5));
  const stats = await ctx.receiver.stats(group);
  const seconds = (stats.lastAt - t0) / 1000;
  const attempts = await waitForAttempts(ctx, endpointId, events, 30_000);
  const perSecond = Math.round(stats.distinctDeliveries / seconds);
  const limitPerSecond = ctx.results.limit?.perSecond as number | undefined;
  return {
    events,
    dispatchErrors: dispatcher.errors,
    received: stats.count,
    requests: stats.requests,
    distinctDeliveries: stats.distinctDeliveries,
    complete,
    dispatchSeconds: round(dispatchSeconds),
    seconds: round(seconds),
    perSecond,
    ratioToLimit: limitPerSecond ? round(perSecond / limitPerSecond, 3) : null,
    attemptsLogged: attempts,
    allAttemptsLogged: attempts === stats.count && stats.count >= events,
  };
}

/** 2. End-to-end throughput to one endpoint, one delivery per request. */
export async function throughput(ctx: BenchContext) {
  return endToEnd(ctx, 'thr', {});
}

/** 2b. The same to an endpoint that batches (maxEvents 100): events per second, and the ratio to
 * the unbatched figure when scenario 2 ran. */
export async function batching(ctx: BenchContext) {
  const r = await endToEnd(ctx, 'bat', { batch: { maxEvents: 100, maxWaitMs: 1000 } });
  const unbatched = ctx.results.throughput?.perSecond as number | undefined;
  return { ...r, eventsPerRequest: round(r.received / Math.max(1, r.requests), 1), ratioToUnbatched: unbatched ? round(r.perSecond / unbatched, 2) : null };
}

async function waitForAttempts(ctx: BenchContext, endpointId: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await ctx.platform.query<{ n: string }>('SELECT count(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1', [endpointId]);
    const n = Number(row!.n);
    if (n >= expected || Date.now() > deadline) return n;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** 3. Fan-out: each event to every one of many endpoints. */
export async function fanOut(ctx: BenchContext) {
  const events = scaled(ctx, 100, 1);
  const endpoints = scaled(ctx, 1_000, 5);
  const group = groupName(ctx, 'fan');
  const api = await ctx.platform.createTenant('fan-out');
  await closedLoop(20, (n) => n < endpoints, async (n) => void (await endpoint(api, ctx.receiver.url(`/${group}/${n}`), ['bench.fanout'])));
  const dispatcher = new Dispatcher(ctx.platform.apiUrl, 10);
  const t0 = wallClock();
  await closedLoop(10, (n) => n < events, async () => void (await dispatcher.send(api, 'bench.fanout')));
  await dispatcher.close();
  const expected = events * endpoints;
  const complete = await ctx.receiver.waitForCount(group, expected, Math.max(60_000, expected * 3));
  const stats = await ctx.receiver.stats(group);
  const seconds = (stats.lastAt - t0) / 1000;
  return { events, endpoints, deliveries: expected, received: stats.count, complete, seconds: round(seconds), perSecond: Math.round(stats.count / seconds), dispatchErrors: dispatcher.errors };
}

/** 4. The dispatch API alone: closed loop, concurrency 50. */
export async function dispatchApi(ctx: BenchContext) {
  const durationMs = scaled(ctx, 20_000, 1_000);
  const api = await ctx.platform.createTenant('dispatch-api');
  const dispatcher = new Dispatcher(ctx.platform.apiUrl, 50);
  const latencies: number[] = [];
  // Warm-up: connections, JIT and caches, outside the measurement.
  await closedLoop(50, (n) => n < 500 * Math.min(1, ctx.scale * 10), async () => void (await dispatcher.send(api, 'bench.api')));
  const end = performance.now() + durationMs;
  const started = performance.now();
  const n = await closedLoop(50, () => performance.now() < end, async () => void latencies.push(await dispatcher.send(api, 'bench.api')));
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  await drainFanOut(ctx, 120_000);
  return { requests: n, errors: dispatcher.errors, lastError: dispatcher.lastError || undefined, seconds: round(seconds), perSecond: Math.round(n / seconds), latencyMs: summarize(latencies) };
}

export const BATCH_SIZE = 100;

/** 4b. Batch dispatch: POST /v1/events/batch with 100 events each, closed loop, concurrency 10;
 * events accepted per second, to set beside scenario 4's single-event requests per second. */
export async function batchDispatch(ctx: BenchContext) {
  const durationMs = scaled(ctx, 20_000, 1_000);
  const api = await ctx.platform.createTenant('batch-dispatch');
  const pool = new Pool(ctx.platform.apiUrl, { connections: 10, keepAliveTimeout: 30_000 });
  let errors = 0;
  let lastError = '';
  let accepted = 0;
  const latencies: number[] = [];
  const sendBatch = async (): Promise<void> => {
    const started = performance.now();
    const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({ type: 'bench.batch', data: { i, sentAt: wallClock() } }));
    const res = await pool.request({ path: '/v1/events/batch', method: 'POST', headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    const text = await res.body.text();
    const ok = res.statusCode === 200 ? (JSON.parse(text) as { results: Array<{ status: number }> }).results.filter((r) => r.status === 202).length : 0;
    if (ok !== BATCH_SIZE) {
      errors++;
      lastError = `${res.statusCode} ${text.slice(0, 200)}`;
    }
    accepted += ok;
    latencies.push(performance.now() - started);
  };
  await closedLoop(10, (n) => n < Math.max(5, 50 * Math.min(1, ctx.scale * 10)), sendBatch);
  accepted = 0;
  latencies.length = 0;
  const end = performance.now() + durationMs;
  const started = performance.now();
  const batches = await closedLoop(10, () => performance.now() < end, sendBatch);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  await drainFanOut(ctx, 120_000);
  const eventsPerSecond = Math.round(accepted / seconds);
  const single = ctx.results.dispatchApi?.perSecond as number | undefined;
  return {
    batchSize: BATCH_SIZE,
    batches,
    events: accepted,
    errors,
    lastError: lastError || undefined,
    seconds: round(seconds),
    eventsPerSecond,
    singleEventRequestsPerSecond: single,
    ratioToSingle: single ? round(eventsPerSecond / single) : undefined,
    batchLatencyMs: summarize(latencies),
  };
}

/** Open-loop dispatch at `rate`/s for `durationMs`; `route(n)` picks the tenant of event n. */
export async function steady(ctx: BenchContext, rate: number, durationMs: number, route: (n: number) => ApiClient, type: string) {
  const dispatcher = new Dispatcher(ctx.platform.apiUrl, 100);
  const run = await openLoop(rate, durationMs, 2_000, async (n) => void (await dispatcher.send(route(n), type)));
  await dispatcher.close();
  return { ...run, errors: dispatcher.errors };
}

/** 5. Latency at a steady 500 events/s. */
export async function latency(ctx: BenchContext) {
  const durationMs = scaled(ctx, 30_000, 1_000);
  const group = groupName(ctx, 'lat');
  const api = await ctx.platform.createTenant(group === 'lat' ? 'latency' : group);
  await endpoint(api, ctx.receiver.url(`/${group}/e`), ['bench.latency']);
  const run = await steady(ctx, 500, durationMs, () => api, 'bench.latency');
  const complete = await ctx.receiver.waitForCount(group, run.started - run.errors, 60_000);
  const stats = await ctx.receiver.stats(group);
  return { ratePerSecond: 500, seconds: durationMs / 1000, ...run, received: stats.count, complete, latencyMs: summarize(stats.latenciesMs) };
}

/** 6. Noisy neighbour: tenant A's endpoint hangs and gets 30% of the events; B to E are healthy. */
export async function noisyNeighbour(ctx: BenchContext) {
  const durationMs = scaled(ctx, 30_000, 1_000);
  const tenants = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((t) => ctx.platform.createTenant(`noisy-${t}`)));
  await endpoint(tenants[0]!, ctx.receiver.url('/hangA/e'), ['bench.noisy']);
  for (const [i, t] of ['B', 'C', 'D', 'E'].entries()) await endpoint(tenants[i + 1]!, ctx.receiver.url(`/nb${t}/e`), ['bench.noisy']);
  let healthySent = 0;
  const route = (n: number) => {
    if (n % 10 < 3) return tenants[0]!;
    healthySent++;
    return tenants[1 + (n % 4)]!;
  };
  const run = await steady(ctx, 500, durationMs, route, 'bench.noisy');
  const groups = ['nbB', 'nbC', 'nbD', 'nbE'];
  const deadline = Date.now() + 90_000;
  let received = 0;
  while (Date.now() < deadline) {
    received = 0;
    for (const g of groups) received += await ctx.receiver.count(g);
    if (received >= healthySent - run.errors) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const latencies: number[] = [];
  for (const g of groups) latencies.push(...(await ctx.receiver.stats(g)).latenciesMs);
  const healthy = summarize(latencies);
  const baselineP99 = (ctx.results.latency?.latencyMs as LatencySummary | undefined)?.p99;
  return {
    ...run,
    healthySent,
    healthyReceived: received,
    complete: received >= healthySent - run.errors,
    hangingAttemptsStarted: await ctx.receiver.count('hangA'),
    healthyLatencyMs: healthy,
    p99RatioToLatencyScenario: baselineP99 ? round(healthy.p99 / baselineP99, 2) : null,
  };
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
