// Scenario "endpointStats": GET /v1/endpoints/:id/stats for an endpoint with 10 million attempts
// over 7 days. The rollup is filled as those attempts would have filled it, through the stats
// flush's own statement (EndpointStatsRepository.add), 7 days of minutes for the endpoint and for 20
// others interleaved with it in the heap; the attempts table gets 10 million x scale real rows, so
// the route is measured beside them (it never reads them). Then the route's latency per window, over
// HTTP, alone and while dispatching at 500 events/s to another tenant.
import { cpus, loadavg } from 'node:os';
import { Pool } from 'undici';
import { poolRows, type PrismaService } from '#libs/database';
import { EndpointStatsRepository, LATENCY_BUCKETS, latencyBucket, RESULT_CLASSES, STATS_RETENTION_MS, STATS_WINDOWS, type MinuteStats } from '#libs/endpoint-stats';
import { openLoop, wallClock } from './load.js';
import type { BenchContext } from './scenarios.js';
import { summarize } from './stats.js';

const ATTEMPTS = 10_000_000;
const MINUTES = 7 * 24 * 60;
const OTHER_ENDPOINTS = 20;
const ATTEMPTS_PER_DELIVERY = 10;
const FLUSH_ROWS = 2000;
/** Share of each result class, in RESULT_CLASSES order (2xx, 3xx, 4xx, 5xx, timeout, network). */
const RESULT_SHARES = [0.96, 0.001, 0.005, 0.02, 0.004, 0.01];
/** Where the durations of a minute's answered attempts fall (ms, share); timeouts take 10 s. */
const DURATION_SHARES: Array<[number, number]> = [[8, 0.05], [15, 0.2], [25, 0.3], [40, 0.2], [70, 0.13], [150, 0.08], [400, 0.03], [2000, 0.01]];

/** `n` split by shares, the rounding remainder going to the first share. */
function split(n: number, shares: readonly number[]): number[] {
  const parts = shares.map((s) => Math.floor(n * s));
  parts[0]! += n - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/** One endpoint-minute as the flush would write it after `attempts` attempts. */
function minuteOf(tenantId: string, endpointId: string, minute: number, attempts: number): MinuteStats {
  const byResult = Int32Array.from(split(attempts, RESULT_SHARES));
  const latency = new Int32Array(LATENCY_BUCKETS);
  const timeouts = byResult[RESULT_CLASSES.indexOf('timeout')]!;
  latency[latencyBucket(10_000)]! += timeouts;
  split(attempts - timeouts, DURATION_SHARES.map(([, s]) => s)).forEach((n, i) => (latency[latencyBucket(DURATION_SHARES[i]![0])]! += n));
  return { tenantId, endpointId, minute, byResult, latency, failingSince: 0 };
}

/** p50/p99 of `calls` GETs of each path, one after another (after 20 warm-up calls): the stats of
 * each window, and GET /v1/endpoints/:id as the floor any tenant route has on this machine now. */
async function measure(ctx: BenchContext, apiKey: string, endpointId: string, calls: number) {
  const pool = new Pool(ctx.platform.apiUrl, { connections: 4, keepAliveTimeout: 30_000 });
  const paths: Array<[string, string]> = [...STATS_WINDOWS.map((w): [string, string] => [w, `/v1/endpoints/${endpointId}/stats?window=${w}`]), ['getEndpoint', `/v1/endpoints/${endpointId}`]];
  const out: Record<string, ReturnType<typeof summarize> & { attempts?: number }> = {};
  try {
    for (const [name, path] of paths) {
      const latencies: number[] = [];
      let attempts: number | undefined;
      for (let i = 0; i < calls + 20; i++) {
        const t = performance.now();
        const res = await pool.request({ path, method: 'GET', headers: { authorization: `Bearer ${apiKey}` } });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
        if (i >= 20) latencies.push(performance.now() - t);
        attempts = (JSON.parse(text) as { attempts?: number }).attempts;
      }
      out[name] = { ...summarize(latencies), ...(attempts !== undefined ? { attempts } : {}) };
    }
  } finally {
    await pool.close();
  }
  return out;
}

export async function endpointStats(ctx: BenchContext) {
  const api = await ctx.platform.createTenant('endpoint-stats');
  const [tenant] = await ctx.platform.query<{ id: string }>(`SELECT id FROM tenants WHERE name = 'endpoint-stats'`);
  const tenantId = tenant!.id;
  const endpointIds: string[] = [];
  for (let i = 0; i <= OTHER_ENDPOINTS; i++) {
    const res = await api.post('/v1/endpoints', { url: ctx.receiver.url(`/stats/${i}`), eventTypes: ['bench.stats.never'] });
    if (res.status !== 201) throw new Error(`creating an endpoint failed: ${res.status} ${res.text}`);
    endpointIds.push(res.body.id as string);
  }
  const endpointId = endpointIds[0]!;
  const prisma = { rows: <T>(text: string, values?: unknown[]) => poolRows<T>(ctx.platform.db!, text, values) } as unknown as PrismaService;
  const repo = new EndpointStatsRepository(prisma);

  // The rollup: 7 days up to now, minute by minute, every endpoint's minute in the same flush batches
  // (so their rows interleave in the heap as a busy platform's do). Traffic follows a daily wave.
  const t0 = performance.now();
  const firstMinute = Math.floor(Date.now() / 60_000) * 60_000 - (MINUTES - 1) * 60_000;
  const perMinute = Array.from({ length: MINUTES }, (_, m) => 1 + 0.5 * Math.sin((2 * Math.PI * m) / 1440));
  const weight = perMinute.reduce((a, b) => a + b, 0);
  let represented = 0;
  let batch: MinuteStats[] = [];
  for (let m = 0; m < MINUTES; m++) {
    const attempts = Math.round((ATTEMPTS * perMinute[m]!) / weight);
    represented += attempts;
    for (const id of endpointIds) {
      batch.push(minuteOf(tenantId, id, firstMinute + m * 60_000, attempts));
      if (batch.length >= FLUSH_ROWS) {
        await repo.add(batch);
        batch = [];
      }
    }
  }
  await repo.add(batch);
  // Minute rows are kept 2 days: purge them as the worker's hourly purge does, here rather than
  // whenever its timer fires (a purge in the middle of the fill would leave a count that depends on when).
  while ((await repo.purge('minutes', new Date(Date.now() - STATS_RETENTION_MS.minutes), 100_000)) > 0);
  const rollupSeconds = (performance.now() - t0) / 1000;

  // Real attempt rows beside it: events, deliveries and ATTEMPTS_PER_DELIVERY attempts each, in chunks.
  const t1 = performance.now();
  const attemptRows = Math.round((ATTEMPTS * ctx.scale) / ATTEMPTS_PER_DELIVERY) * ATTEMPTS_PER_DELIVERY;
  const chunk = 100_000 / ATTEMPTS_PER_DELIVERY;
  for (let done = 0; done < attemptRows / ATTEMPTS_PER_DELIVERY; done += chunk) {
    const n = Math.min(chunk, attemptRows / ATTEMPTS_PER_DELIVERY - done);
    await ctx.platform.query(
      `WITH ev AS (
         INSERT INTO events (id, tenant_id, type, data, fanned_out_at, created_at)
         SELECT uuid_generate_v7(), $1::uuid, 'bench.stats', '{"n":1}', now(), now() - make_interval(secs => random() * 604800) FROM generate_series(1, $3::int)
         RETURNING id, created_at
       ),
       d AS (
         INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, status, attempt_count, created_at, updated_at, completed_at)
         SELECT uuid_generate_v7(), $1::uuid, ev.id, $2::uuid, 'bench.stats', 'succeeded', $4::int, ev.created_at, ev.created_at, ev.created_at FROM ev
         RETURNING id, created_at
       )
       INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, response_body)
       SELECT uuid_generate_v7(), d.id, $1::uuid, k, d.created_at + make_interval(secs => k), 20 + k, CASE WHEN k = $4::int THEN 200 ELSE 503 END, 'ok'
       FROM d CROSS JOIN generate_series(1, $4::int) AS k`,
      [tenantId, endpointId, n, ATTEMPTS_PER_DELIVERY],
    );
    if (done % (chunk * 10) === 0 && done > 0) ctx.log(`endpointStats: ${done * ATTEMPTS_PER_DELIVERY} attempt rows`);
  }
  await ctx.platform.query('ANALYZE endpoint_stats_minutes, endpoint_stats_periods, delivery_attempts');
  const attemptsSeconds = (performance.now() - t1) / 1000;
  const [rows] = await ctx.platform.query<{ minutes: number; periods: number; attempts: number }>(
    `SELECT (SELECT count(*) FROM endpoint_stats_minutes WHERE endpoint_id = $1)::int AS minutes,
            (SELECT count(*) FROM endpoint_stats_periods WHERE endpoint_id = $1)::int AS periods,
            (SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1)::int AS attempts`,
    [endpointId],
  );

  const calls = Math.max(50, Math.round(1000 * Math.min(1, ctx.scale * 5)));
  const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
  const idle = await measure(ctx, api.key!, endpointId, calls);

  // The same calls while events flow at 500/s to a healthy endpoint of another tenant.
  const busy = await ctx.platform.createTenant('endpoint-stats-load');
  const busyEndpoint = await busy.post('/v1/endpoints', { url: ctx.receiver.url('/statsload/e'), eventTypes: ['bench.stats.load'] });
  if (busyEndpoint.status !== 201) throw new Error(`creating an endpoint failed: ${busyEndpoint.status} ${busyEndpoint.text}`);
  const dispatcher = new Pool(ctx.platform.apiUrl, { connections: 50, keepAliveTimeout: 30_000 });
  let stop = false;
  let loadErrors = 0;
  const load = (async () => {
    let sent = 0;
    while (!stop) {
      const run = await openLoop(500, 1000, 2000, async () => {
        const res = await dispatcher.request({
          path: '/v1/events',
          method: 'POST',
          headers: { authorization: `Bearer ${busy.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'bench.stats.load', data: { sentAt: wallClock() } }),
        });
        await res.body.dump();
        if (res.statusCode !== 202) loadErrors++;
      });
      sent += run.started;
    }
    return sent;
  })();
  const loadAverageUnderLoad = loadavg().map((l) => Math.round(l * 100) / 100);
  let underLoad: Awaited<ReturnType<typeof measure>>;
  try {
    await new Promise((r) => setTimeout(r, 2000)); // let the load settle
    underLoad = await measure(ctx, api.key!, endpointId, calls);
  } finally {
    stop = true;
  }
  const loadEvents = await load;
  await dispatcher.close();
  await ctx.receiver.waitForCount('statsload', loadEvents - loadErrors, 60_000);

  const windows = Object.fromEntries(STATS_WINDOWS.map((w) => [w, { idle: idle[w], underLoad: underLoad[w] }]));
  const getEndpoint = { idle: idle.getEndpoint, underLoad: underLoad.getEndpoint };
  return {
    attemptsRepresented: represented,
    rollupRows: { minutes: rows!.minutes, periods: rows!.periods, otherEndpoints: OTHER_ENDPOINTS },
    attemptRows: rows!.attempts,
    fillSeconds: { rollup: Math.round(rollupSeconds * 10) / 10, attempts: Math.round(attemptsSeconds * 10) / 10 },
    callsPerWindow: calls,
    windows,
    getEndpoint,
    load: { eventsPerSecond: 500, events: loadEvents, errors: loadErrors },
    loadAverage: { beforeIdle: loadAverage, underLoad: loadAverageUnderLoad, cpus: cpus().length },
  };
}
