// Metrics cost and retention under load (issue 12). Both restart the apps with other settings, so
// they report their own CPU figures (the per-scenario wrapper's API/worker figures span a restart).
import { loadavg } from 'node:os';
import { BatchSizes, createLogger } from '#libs/common';
import { loadConfig } from '#libs/config';
import type { PrismaService } from '#libs/database';
import { DomainEvents } from '#libs/domain-events';
import { PlatformMetrics } from '#libs/metrics';
import { closedLoop } from './load.js';
import type { BenchPlatform } from './platform.js';
import { Dispatcher, endpoint, round, scaled, steady, type BenchContext } from './scenarios.js';
import { summarize } from './stats.js';

const load1 = () => round(loadavg()[0]!, 2);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Scrapes /metrics on both apps every `everyMs`, as Prometheus would (a 404 when metrics are off). */
function scraper(platform: BenchPlatform, everyMs: number) {
  let scrapes = 0;
  const timer = setInterval(() => {
    void Promise.all([platform.scrape('api'), platform.scrape('worker')]).then(() => (scrapes += 2), () => undefined);
  }, everyMs);
  return { stop: () => (clearInterval(timer), scrapes) };
}

/** Metrics cost: the throughput load (one endpoint, dispatch at c=50) with METRICS_ENABLED=false and
 * =true in alternating order, a scraper on both apps every second throughout; API + worker CPU per
 * delivery. The machine is shared, so every run reports the load average it started under. */
export async function metricsCost(ctx: BenchContext) {
  const events = scaled(ctx, 10_000, 100);
  const rounds = ctx.scale >= 0.5 ? 4 : 1;
  const runs: Array<{ round: number; metrics: boolean; load1: number; seconds: number; scrapes: number; cpuMsPerDelivery: { api: number; worker: number; total: number } }> = [];
  for (let r = 0; r < rounds; r++) {
    for (const enabled of r % 2 === 0 ? [false, true] : [true, false]) {
      await ctx.platform.restartApps({ METRICS_ENABLED: String(enabled) });
      const api = await ctx.platform.createTenant(`metrics-${r}-${enabled}`);
      const group = `mc${r}${enabled ? 'on' : 'off'}`;
      await endpoint(api, ctx.receiver.url(`/${group}/e`), ['bench.metrics']);
      const dispatcher = new Dispatcher(ctx.platform.apiUrl, 50);
      const warm = Math.min(1_000, Math.round(events / 5));
      const scrape = scraper(ctx.platform, 1_000);
      await closedLoop(50, (n) => n < warm, async () => void (await dispatcher.send(api, 'bench.metrics')));
      await ctx.receiver.waitForCount(group, warm, 60_000);
      const l = load1();
      const cpu0 = ctx.platform.cpu();
      const t0 = performance.now();
      await closedLoop(50, (n) => n < events, async () => void (await dispatcher.send(api, 'bench.metrics')));
      await ctx.receiver.waitForCount(group, warm + events, Math.max(60_000, events * 5));
      const cpu1 = ctx.platform.cpu();
      const seconds = (performance.now() - t0) / 1000;
      const scrapes = scrape.stop();
      await dispatcher.close();
      const apiMs = ((cpu1.api - cpu0.api) * 1000) / events;
      const workerMs = ((cpu1.worker - cpu0.worker) * 1000) / events;
      runs.push({ round: r, metrics: enabled, load1: l, seconds: round(seconds), scrapes, cpuMsPerDelivery: { api: round(apiMs, 3), worker: round(workerMs, 3), total: round(apiMs + workerMs, 3) } });
      ctx.log(`metricsCost round ${r} metrics ${enabled ? 'on' : 'off'}: ${JSON.stringify(runs.at(-1))}`);
    }
  }
  await ctx.platform.restartApps({});
  const inProcess = await metricsInProcess(Math.max(20_000, events * 20));
  const totals = (on: boolean) => runs.filter((x) => x.metrics === on).map((x) => x.cpuMsPerDelivery.total);
  const off = totals(false);
  const on = totals(true);
  const overheadPercent = round((median(on) / median(off) - 1) * 100, 1);
  return {
    restartedApps: true,
    eventsPerRun: events,
    runs,
    cpuMsPerDeliveryOff: { median: round(median(off), 3), min: Math.min(...off), max: Math.max(...off) },
    cpuMsPerDeliveryOn: { median: round(median(on), 3), min: Math.min(...on), max: Math.max(...on) },
    overheadPercent,
    withinThreePercent: overheadPercent < 3,
    inProcess,
  };
}

/** Scenario 10b: the in-process figures of metricsCost alone (seconds, no apps involved). */
export async function metricsInProcessCost(ctx: BenchContext) {
  return { restartedApps: true, ...(await metricsInProcess(scaled(ctx, 200_000, 20_000))) };
}

/** The same work measured where the noise of a shared machine cannot reach it: in this process,
 * PlatformMetrics as the apps build it, fed what one delivery publishes (event.accepted, a
 * succeeded attempt.recorded, and four batch reports, every batch of size 1: the worst case), and
 * the CPU of one scrape of a registry with the defaults and every series populated. */
async function metricsInProcess(iterations: number) {
  const config = loadConfig({ ADMIN_API_KEY: 'bench-admin-key-0123456789', SECRETS_KEY: `b:${Buffer.alloc(32, 1).toString('base64')}` });
  const events = new DomainEvents(createLogger('silent', 'bench'));
  const sizes = new BatchSizes();
  const pool = { totalCount: 10, idleCount: 8, waitingCount: 0 };
  const metrics = new PlatformMetrics(config, events, sizes, { pool } as unknown as PrismaService);
  metrics.onModuleInit();
  const reports = ['event-insert', 'attempt-load', 'attempt-record', 'job-add-delivery'].map((n) => sizes.reporter(n));
  const attempt = { tenantId: 't', deliveryId: 'd', eventId: 'e', eventType: 'x', endpointId: 'p', attemptNumber: 1, batchId: null, startedAt: new Date(), durationMs: 42, result: '2xx' as const, responseStatus: 200, errorKind: null, deliveryStatus: 'succeeded' as const, nextAttemptAt: null, reason: null };
  const once = () => {
    events.emit('event.accepted', { tenantId: 't', eventId: 'e', eventType: 'x' });
    events.emit('attempt.recorded', attempt);
    for (const r of reports) r(1);
  };
  for (let i = 0; i < 10_000; i++) once();
  let c0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) once();
  let c = process.cpuUsage(c0);
  const usPerDelivery = (c.user + c.system) / iterations;
  for (let i = 0; i < 20; i++) await metrics.registry.metrics();
  c0 = process.cpuUsage();
  const scrapes = 200;
  for (let i = 0; i < scrapes; i++) await metrics.registry.metrics();
  c = process.cpuUsage(c0);
  const msPerScrape = (c.user + c.system) / 1000 / scrapes;
  metrics.onModuleDestroy();
  return { iterations, usPerDelivery: round(usPerDelivery, 3), msPerScrape: round(msPerScrape, 3) };
}

/** SQL for a UUIDv7 of time `t` (timestamptz) with random bits from md5(`seed`): ids as the platform makes them. */
const uuidAt = (t: string, seed: string) =>
  `(lpad(to_hex((extract(epoch FROM ${t}) * 1000)::bigint), 12, '0') || '7' || substr(md5(${seed}), 1, 3) || '8' || substr(md5(${seed}), 4, 15))::uuid`;

/** Fills `deliveries` old events (one delivery, two attempts each), `oldDeliveries` of them older
 * than RETENTION_DAYS (30) and the rest spread over the last 29 days, in chunks of one statement each. */
async function fill(ctx: BenchContext, deliveries: number, oldDeliveries: number): Promise<{ seconds: number }> {
  const api = await ctx.platform.createTenant('retention');
  const endpointId = await endpoint(api, ctx.receiver.url('/ret/e'), ['bench.retention.never']);
  const [t] = await ctx.platform.query<{ tenant_id: string }>('SELECT tenant_id FROM endpoints WHERE id = $1', [endpointId]);
  const started = performance.now();
  for (let from = 0; from < deliveries; ) {
    // The first chunk is small and analysed: planned on empty tables, the foreign keys' checks scan
    // `deliveries` whole for each attempt, and 100,000 of them on an empty table took minutes.
    const to = Math.min(deliveries, from + (from === 0 ? 1_000 : 100_000));
    // Event i's time: the old ones 31 to 40 days back, the others 1 to 29 days back, in id order.
    await ctx.platform.query(
      `WITH g AS (
         SELECT i, CASE WHEN i < $4 THEN now() - interval '40 days' + (i::float8 / $4) * interval '9 days'
                        ELSE now() - interval '29 days' + ((i - $4)::float8 / greatest(1, $5 - $4)) * interval '28 days' END AS t
         FROM generate_series($1::int, $2::int - 1) AS i
       ),
       ids AS (SELECT i, t, ${uuidAt('t', "'e' || i")} AS event_id, ${uuidAt('t', "'d' || i")} AS delivery_id FROM g),
       ev AS (
         INSERT INTO events (id, tenant_id, type, data, created_at, fanned_out_at)
         SELECT event_id, $3, 'bench.retention', '{"orderId":"o_123","total":4200,"customer":{"email":"someone@example.com"}}', t, t FROM ids
       ),
       de AS (
         INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, status, attempt_count, last_status_code, created_at, updated_at, completed_at)
         SELECT delivery_id, $3, event_id, $6, 'bench.retention', 'succeeded', 2, 200, t, t, t FROM ids
       )
       INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, error_kind, response_body)
       SELECT ${uuidAt('t', "'a' || i || n")}, delivery_id, $3, n, t, 40 + n, CASE WHEN n = 1 THEN 503 ELSE 200 END, NULL, CASE WHEN n = 1 THEN 'unavailable' ELSE 'ok' END
       FROM ids CROSS JOIN generate_series(1, 2) AS n`,
      [from, to, t!.tenant_id, oldDeliveries, deliveries, endpointId],
    );
    ctx.log(`retention fill: ${to} / ${deliveries} deliveries (${to * 2} attempts)`);
    if (from === 0) await ctx.platform.query('ANALYZE events, deliveries, delivery_attempts');
    from = to;
  }
  // Settle what a bulk load leaves behind (autovacuum of the new rows, dirty pages to write), so the
  // baseline below does not pay for it: a real table grew slowly and was vacuumed along the way.
  for (const table of ['events', 'deliveries', 'delivery_attempts']) await ctx.platform.query(`VACUUM (ANALYZE) ${table}`);
  await ctx.platform.query('CHECKPOINT');
  return { seconds: round((performance.now() - started) / 1000, 1) };
}

/** The sum of a counter family's samples in a /metrics text, filtered by one label. */
function counter(text: string, name: string, label: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) && line.includes(label)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

const WARM_UP_MS = 5_000;
/** Events/s of the latency runs beside the purge: 500/s saturated this 2-core machine on the filled
 * tables even without a purge (p50 778 ms), which left nothing to compare. BENCH_RETENTION_RATE overrides. */
const RETENTION_RATE = Number(process.env.BENCH_RETENTION_RATE ?? 100);

/** Latency at `rate` events/s to a fresh endpoint, its receipts in receiver group `group`. */
async function latencyRun(ctx: BenchContext, group: string, durationMs: number, rate: number) {
  const api = await ctx.platform.createTenant(`latency-${group}`);
  await endpoint(api, ctx.receiver.url(`/${group}/e`), [`bench.${group}`]);
  // The apps were just restarted: a few seconds at the rate first, to another receiver group, so cold
  // code and pools are not part of the figure.
  await endpoint(api, ctx.receiver.url(`/${group}warm/e`), [`bench.${group}warm`]);
  const warm = await steady(ctx, rate, WARM_UP_MS, () => api, `bench.${group}warm`);
  await ctx.receiver.waitForCount(`${group}warm`, warm.started - warm.errors, 60_000);
  const run = await steady(ctx, rate, durationMs, () => api, `bench.${group}`);
  await ctx.receiver.waitForCount(group, run.started - run.errors, 60_000);
  return { ...run, latencyMs: summarize((await ctx.receiver.stats(group)).latenciesMs) };
}

/** Retention at scale: 5 million attempts (2.5 million events, one delivery and two attempts each),
 * 1 million of them older than 30 days. A latency run (RETENTION_RATE) alone, then again while the
 * worker purges; then the purge is waited out and the latency run is repeated alone. Progress comes from the worker's own
 * hookrelay_retention_purged_total, scraped every second. */
export async function retention(ctx: BenchContext) {
  const attempts = scaled(ctx, 5_000_000, 20_000);
  const toPurge = scaled(ctx, 1_000_000, 4_000);
  const durationMs = scaled(ctx, 30_000, 2_000);
  const filled = await fill(ctx, attempts / 2, toPurge / 2);
  // Filled and analysed: the bench's 5 s ANALYZE (meant for tables growing from empty) would cost a
  // second of CPU each time here, in both phases, where production's autovacuum would not run.
  ctx.platform.pauseAnalyzing(true);
  try {
    return await measure(ctx, { attempts, toPurge, durationMs, filled });
  } finally {
    ctx.platform.pauseAnalyzing(false);
  }
}

async function measure(ctx: BenchContext, { attempts, toPurge, durationMs, filled }: { attempts: number; toPurge: number; durationMs: number; filled: { seconds: number } }) {
  const rate = RETENTION_RATE;
  const [size] = await ctx.platform.query<{ bytes: string }>(`SELECT pg_total_relation_size('delivery_attempts') + pg_total_relation_size('deliveries') + pg_total_relation_size('events') AS bytes`);
  // A fresh start, the retention lease and schedule not yet running: the baseline.
  await ctx.platform.restartApps({});
  const baseLoad = load1();
  const baseline = await latencyRun(ctx, 'retbase', durationMs, rate);
  // The worker's first retention pass starts 1 s after this restart.
  await ctx.platform.restartApps({ RETENTION_DAYS: '30', RETENTION_INTERVAL_MS: '1000' });
  const purgeLoad = load1();
  const t0 = performance.now();
  const purged = async () => counter((await ctx.platform.scrape('worker')).text, 'hookrelay_retention_purged_total', 'table="attempts"');
  const during = await latencyRun(ctx, 'retpurge', durationMs, rate);
  const purgedDuringLatency = await purged();
  const deadline = Date.now() + Math.max(600_000, toPurge);
  let done = purgedDuringLatency;
  while (done < toPurge && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    done = await purged();
  }
  const seconds = (performance.now() - t0) / 1000;
  await ctx.platform.restartApps({});
  // The baseline again, the purge over: on a shared machine the load moves between phases, and two
  // baselines apart show how much of the ratio that alone could make.
  const afterLoad = load1();
  const after = await latencyRun(ctx, 'retafter', durationMs, rate);
  const [left] = await ctx.platform.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE created_at < now() - interval '30 days'`);
  return {
    restartedApps: true,
    ratePerSecond: rate,
    attemptsFilled: attempts,
    fillSeconds: filled.seconds,
    tablesMb: Math.round(Number(size!.bytes) / 2 ** 20),
    attemptsToPurge: toPurge,
    attemptsPurged: done,
    oldEventsLeft: Number(left!.n),
    purgeSeconds: round(seconds, 1),
    purgeAttemptsPerSecond: Math.round(done / seconds),
    purgedDuringLatencyRun: purgedDuringLatency,
    load1: { baseline: baseLoad, duringPurge: purgeLoad, afterPurge: afterLoad },
    baselineLatencyMs: baseline.latencyMs,
    duringPurgeLatencyMs: during.latencyMs,
    afterPurgeLatencyMs: after.latencyMs,
    p99Ratio: round(during.latencyMs.p99 / baseline.latencyMs.p99, 2),
    p99RatioToAfter: round(during.latencyMs.p99 / after.latencyMs.p99, 2),
    droppedOrFailed: { baseline: baseline.dropped + baseline.errors, duringPurge: during.dropped + during.errors, afterPurge: after.dropped + after.errors },
  };
}

/** The other method, measured on scratch tables in the bench database: the same rows in a table
 * partitioned by day (dropping old partitions whole) against one table purged by id in batches of
 * 1,000 (the shape retention uses). */
export async function retentionMethods(ctx: BenchContext) {
  const rows = scaled(ctx, 1_000_000, 10_000);
  const days = 10;
  const q = (sql: string) => ctx.platform.query(sql);
  await q(`DROP TABLE IF EXISTS bench_part, bench_flat`);
  await q(`CREATE TABLE bench_part (id uuid NOT NULL, delivery_id uuid NOT NULL, started_at timestamptz NOT NULL, response_body text, PRIMARY KEY (started_at, id)) PARTITION BY RANGE (started_at)`);
  for (let d = 0; d < days; d++) await q(`CREATE TABLE bench_part_${d} PARTITION OF bench_part FOR VALUES FROM ('2026-01-01'::timestamptz + interval '${d} days') TO ('2026-01-01'::timestamptz + interval '${d + 1} days')`);
  await q(`CREATE TABLE bench_flat (id uuid PRIMARY KEY, delivery_id uuid NOT NULL, started_at timestamptz NOT NULL, response_body text)`);
  await q(`CREATE INDEX ON bench_flat (delivery_id)`);
  await q(`CREATE INDEX ON bench_part (delivery_id)`);
  const gen = `SELECT ${uuidAt('t', "'x' || i")}, ${uuidAt('t', "'y' || i")}, t, 'ok' FROM (SELECT i, '2026-01-01'::timestamptz + (i::float8 / ${rows}) * interval '${days} days' AS t FROM generate_series(0, ${rows - 1}) AS i) g`;
  await q(`INSERT INTO bench_part ${gen}`);
  await q(`INSERT INTO bench_flat ${gen}`);
  await q(`ANALYZE bench_part`);
  await q(`ANALYZE bench_flat`);
  const cpu = () => ctx.platform.cpu().postgres;
  // One day's rows (a tenth).
  let c0 = cpu();
  let t0 = performance.now();
  await q(`ALTER TABLE bench_part DETACH PARTITION bench_part_0`);
  await q(`DROP TABLE bench_part_0`);
  const drop = { seconds: round((performance.now() - t0) / 1000, 3), postgresCpuSeconds: round(cpu() - c0, 2) };
  const [cut] = await ctx.platform.query<{ id: string }>(`SELECT id::text FROM bench_flat WHERE started_at >= '2026-01-02' ORDER BY started_at LIMIT 1`);
  c0 = cpu();
  t0 = performance.now();
  let removed = 0;
  for (;;) {
    const r = await ctx.platform.query<{ n: number }>(`WITH d AS (DELETE FROM bench_flat WHERE id IN (SELECT id FROM bench_flat WHERE id < $1::uuid ORDER BY id LIMIT 1000) RETURNING 1) SELECT count(*)::int AS n FROM d`, [cut!.id]);
    removed += r[0]!.n;
    if (r[0]!.n === 0) break;
  }
  const batches = { rows: removed, seconds: round((performance.now() - t0) / 1000, 2), postgresCpuSeconds: round(cpu() - c0, 2) };
  await q(`DROP TABLE bench_part, bench_flat`);
  return { restartedApps: true, rows, rowsRemoved: removed, dropPartition: drop, batchedDelete: { ...batches, rowsPerSecond: Math.round(removed / batches.seconds) } };
}
