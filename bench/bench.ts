// `npm run bench`: builds, starts the API, worker and receiver as separate processes, runs the
// scenarios one after another, prints a table and writes bench/results/latest.json. See bench/README.md.
//   --scale <x>       multiply event counts and durations (default 1; --quick = 0.1)
//   --only <a,b>      run only these scenarios (limit, throughput, batching, fanOut, dispatchApi, batchDispatch, latency, noisyNeighbour, postgresFloor, endpointStats,
//                     metricsCost, metricsInProcessCost, retention, retentionMethods)
//   --out <file>      where to write the JSON (default bench/results/latest.json)
//   --profile         where a delivery's CPU goes (bench/profile.ts): the limit, then throughput (or --only)
//                     on a Redis of the bench's own, with CPU profiles; --baseline <commit> alternates
//                     that commit with this tree, --rounds <n> times (default 2); --no-cpu-prof skips the profiler;
//                     --warmup <f> first runs throughput, batching, fanOut and latency (also before noisyNeighbour) unmeasured at f times the scale (default 0.2; 0: none)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchPlatform, cpuSeconds, ReceiverProcess, ROOT } from './platform.js';
import { endpointStats } from './endpoint-stats.js';
import { postgresFloor } from './postgres-floor.js';
import { metricsCost, metricsInProcessCost, retention, retentionMethods } from './observability.js';
import { printProfile, runProfile } from './profile.js';
import { batchDispatch, batching, dispatchApi, fanOut, latency, limit, noisyNeighbour, throughput, type BenchContext } from './scenarios.js';

const SCENARIOS = { limit, throughput, batching, fanOut, dispatchApi, batchDispatch, latency, noisyNeighbour, postgresFloor, endpointStats, metricsCost, metricsInProcessCost, retention, retentionMethods } as const;
type ScenarioName = keyof typeof SCENARIOS;

const { values } = parseArgs({
  options: {
    scale: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    'no-cpu-prof': { type: 'boolean', default: false },
  },
});
const scale = values.scale ? Number(values.scale) : values.quick ? 0.1 : 1;
if (!(scale > 0)) throw new Error('--scale must be a positive number');
const warmup = values.warmup === undefined ? 0.2 : Number(values.warmup);
if (!(warmup >= 0)) throw new Error('--warmup must be a number, 0 or more');
const only = values.only ? (values.only.split(',').map((s) => s.trim()) as ScenarioName[]) : (Object.keys(SCENARIOS) as ScenarioName[]);
for (const name of only) if (!(name in SCENARIOS)) throw new Error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`);
const outFile = values.out ?? join(ROOT, 'bench/results/latest.json');

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const appEnv = Object.fromEntries(Object.entries(process.env).flatMap(([k, v]) => (k.startsWith('BENCH_APP_') && v !== undefined ? [[k.slice('BENCH_APP_'.length), v]] : [])));

if (values.profile) {
  const names = values.only ? only.filter((n) => n !== 'limit') : (['throughput'] as ScenarioName[]);
  const profile = await runProfile({
    scenarios: names.map((n) => [n, SCENARIOS[n] as (ctx: BenchContext) => Promise<Record<string, any>>]),
    limit: SCENARIOS.limit,
    scale,
    baseline: values.baseline,
    rounds: values.rounds ? Number(values.rounds) : values.baseline ? 2 : 1,
    warmup,
    cpuProf: !values['no-cpu-prof'],
    env: appEnv,
    log,
  });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, JSON.stringify({ startedAt: new Date().toISOString(), scale, profile }, null, 2) + '\n');
  printProfile(profile, names.every((n) => n === 'throughput' || n === 'batching' || n === 'fanOut') ? 'deliveries' : 'items');
  console.log(`\nscale ${scale}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end; results in ${outFile}`);
  process.exit(0);
}

const platform = new BenchPlatform({
  pgBase: process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432',
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  namePrefix: process.env.BENCH_NAME_PREFIX ?? '',
  templateDb: process.env.BENCH_TEMPLATE_DB || undefined,
  // BENCH_APP_<NAME>=value sets <NAME> for the API and worker, e.g. BENCH_APP_WORKER_CONCURRENCY=200.
  env: appEnv,
});
let receiver: ReceiverProcess | undefined;
let stopping: Promise<void> | undefined;

/** Releases hanging requests first so the worker's in-flight attempts end, then stops everything. */
function teardown(): Promise<void> {
  stopping ??= (async () => {
    await receiver?.release().catch(() => undefined);
    await platform.stop().catch((err: unknown) => log(`cleanup failed: ${(err as Error).message}`));
    await receiver?.stop().catch(() => undefined);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    log(`${sig}: cleaning up`);
    void teardown().finally(() => process.exit(130));
  });
}
process.once('exit', () => platform.killNow());

const started = new Date();
const results: Record<string, any> = {};
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100), node: process.version };
let failed: unknown;
try {
  receiver = await ReceiverProcess.start();
  log(`starting api and worker (database ${platform.dbName})`);
  await platform.start();
  const ctx: BenchContext = { platform, receiver, scale, log, results };
  for (const name of only) {
    log(`${name}...`);
    platform.rss.mark();
    const t = performance.now();
    const trips0 = await platform.roundTrips();
    const cpu0 = { ...platform.cpu(), receiver: cpuSeconds(receiver.pid), bench: process.cpuUsage() };
    const result = await SCENARIOS[name](ctx);
    const cpu1 = { ...platform.cpu(), receiver: cpuSeconds(receiver.pid) };
    const trips1 = await platform.roundTrips();
    const benchCpu = process.cpuUsage(cpu0.bench);
    const used = {
      api: round2(cpu1.api - cpu0.api),
      worker: round2(cpu1.worker - cpu0.worker),
      postgres: round2(cpu1.postgres - cpu0.postgres),
      redis: round2(cpu1.redis - cpu0.redis),
      receiver: round2(cpu1.receiver - cpu0.receiver),
      bench: round2((benchCpu.user + benchCpu.system) / 1e6),
    };
    const trips = { pgTransactions: trips1.pgTransactions - trips0.pgTransactions, redisCommands: trips1.redisCommands - trips0.redisCommands };
    // A scenario that restarted the apps reports its own CPU figures: these would span two processes.
    const own = 'restartedApps' in result;
    results[name] = { ...result, wallSeconds: Math.round((performance.now() - t) / 100) / 10, peakRssMb: platform.rss.mark(), ...(own ? {} : { cpuSeconds: used, ...cpuPerItem(result, used), ...tripsPerItem(result, trips) }) };
    log(`${name}: ${JSON.stringify(results[name])}`);
  }
  platform.rss.sample();
  results.memory = { peakRssMb: { api: Math.round(platform.rss.peakMb.api), worker: Math.round(platform.rss.peakMb.worker) } };
} catch (err) {
  failed = err;
} finally {
  await teardown();
}

const checks = targetChecks(results);
const report = { startedAt: started.toISOString(), scale, scenarios: only, machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), results, checks, error: failed ? String((failed as Error).stack ?? failed) : undefined };
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');
printTable(checks);
console.log(`\nscale ${scale}; ${machine.cpus} cpus, load average ${machine.loadAverageAtStart.join(' ')} at start; results in ${outFile}`);
if (failed) {
  console.error(failed);
  process.exit(1);
}
process.exit(0);

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** CPU ms per delivery (or per request) in the API and the worker: comparable across runs on a busy machine. */
function itemsOf(result: Record<string, any>): number | undefined {
  return result.distinctDeliveries ?? result.deliveries ?? result.requests ?? result.started ?? result.events;
}

function cpuPerItem(result: Record<string, any>, cpu: Record<string, number>) {
  const items = itemsOf(result);
  if (!items) return {};
  return { cpuMsPerItem: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, round2((v * 1000) / items)])) };
}

/** Postgres transactions and Redis commands per delivery (or request): how well the hot paths batch. */
function tripsPerItem(result: Record<string, any>, trips: { pgTransactions: number; redisCommands: number }) {
  const items = itemsOf(result);
  if (!items) return {};
  return { perItem: { pgTransactions: round2(trips.pgTransactions / items), redisCommands: round2(trips.redisCommands / items) } };
}

interface Check {
  scenario: string;
  metric: string;
  value: string;
  target: string;
  pass: boolean | null;
}

function targetChecks(r: Record<string, any>): Check[] {
  const out: Check[] = [];
  const add = (scenario: string, metric: string, value: unknown, target = '', pass: boolean | null = null) =>
    out.push({ scenario, metric, value: value === undefined || value === null ? '-' : String(value), target, pass });
  if (r.limit) add('1 limit', 'signed POSTs/s (c=100)', r.limit.perSecond);
  if (r.postgresFloor) {
    const p = r.postgresFloor;
    add('2 throughput', 'Postgres alone: CPU ms / delivery', p.postgresCpuMsPerDelivery);
    const ofLimit = p.ceilingPerSecond && r.limit ? ` (${round2(p.ceilingPerSecond / r.limit.perSecond)} of limit)` : '';
    add('2 throughput', 'Postgres alone: ceiling /s (2 cores)', `${p.ceilingPerSecond ?? '-'}${ofLimit}`);
  }
  if (r.throughput) {
    const t = r.throughput;
    add('2 throughput', 'deliveries/s end to end', t.perSecond);
    add('2 throughput', 'ratio to limit', t.ratioToLimit, '>= 0.40', t.ratioToLimit === null ? null : t.ratioToLimit >= 0.4);
    add('2 throughput', 'attempts logged / received', `${t.attemptsLogged} / ${t.received}`, 'all', t.allAttemptsLogged);
  }
  if (r.batching) {
    const b = r.batching;
    add('2b batching', 'events/s end to end (maxEvents 100)', `${b.perSecond} (${b.eventsPerRequest} per request)`);
    add('2b batching', 'ratio to limit / to unbatched', `${b.ratioToLimit ?? '-'} / ${b.ratioToUnbatched ?? '-'}`);
    add('2b batching', 'attempts logged / events received', `${b.attemptsLogged} / ${b.received}`, 'all', b.allAttemptsLogged);
  }
  if (r.fanOut) {
    const f = r.fanOut;
    add('3 fan-out', `${f.events} x ${f.endpoints} complete in s`, f.complete ? f.seconds : `incomplete (${f.received})`, '<= 40 s (100 x 1000)', f.complete && f.seconds <= 40);
  }
  if (r.dispatchApi) {
    const d = r.dispatchApi;
    add('4 dispatch API', 'requests/s (c=50)', d.perSecond, '>= 2000', d.perSecond >= 2000);
    add('4 dispatch API', 'p50 / p99 ms', `${d.latencyMs.p50} / ${d.latencyMs.p99}`, 'p99 < 50', d.latencyMs.p99 < 50);
  }
  if (r.batchDispatch) {
    const b = r.batchDispatch;
    add('4b batch dispatch', `events/s in batches of ${b.batchSize} (c=10) / single (4)`, `${b.eventsPerSecond} / ${b.singleEventRequestsPerSecond ?? '-'}`, '', null);
    add('4b batch dispatch', 'p50 / p99 ms per batch', `${b.batchLatencyMs.p50} / ${b.batchLatencyMs.p99}`, '', null);
  }
  if (r.latency) {
    const l = r.latency.latencyMs;
    add('5 latency', 'p50 / p95 / p99 ms at 500/s', `${l.p50} / ${l.p95} / ${l.p99}`, 'p50 < 20, p99 < 100', r.latency.complete && l.p50 < 20 && l.p99 < 100);
  }
  if (r.noisyNeighbour) {
    const n = r.noisyNeighbour;
    const h = n.healthyLatencyMs;
    add('6 noisy neighbour', 'healthy p50 / p95 / p99 ms', `${h.p50} / ${h.p95} / ${h.p99}`, '', null);
    add('6 noisy neighbour', 'healthy p99 / scenario 5 p99', n.p99RatioToLatencyScenario, '<= 2', n.p99RatioToLatencyScenario === null ? null : n.complete && n.p99RatioToLatencyScenario <= 2);
  }
  if (r.endpointStats) {
    const e = r.endpointStats;
    for (const [w, m] of Object.entries(e.windows as Record<string, { idle: { p50: number; p99: number; attempts: number }; underLoad: { p50: number; p99: number } }>)) {
      add('9 endpoint stats', `${w} (${m.idle.attempts} attempts): p50 / p99 ms`, `${m.idle.p50} / ${m.idle.p99}`, '< 50', m.idle.p99 < 50);
      add('9 endpoint stats', `${w} at 500 events/s: p50 / p99 ms`, `${m.underLoad.p50} / ${m.underLoad.p99}`, '< 50', m.underLoad.p99 < 50);
    }
    const g = e.getEndpoint;
    add('9 endpoint stats', 'GET /v1/endpoints/:id, alone / at 500/s: p50 / p99 ms', `${g.idle.p50} / ${g.idle.p99}, ${g.underLoad.p50} / ${g.underLoad.p99}`);
  }
  if (r.metricsCost) {
    const m = r.metricsCost;
    add('10 metrics cost', 'API+worker CPU ms/delivery off / on (median)', `${m.cpuMsPerDeliveryOff.median} / ${m.cpuMsPerDeliveryOn.median}`);
    add('10 metrics cost', 'overhead of metrics + 1 s scrapes', `${m.overheadPercent}%`, '< 3%', m.withinThreePercent);
    if (m.inProcess) add('10 metrics cost', 'in process: us per delivery, ms per scrape', `${m.inProcess.usPerDelivery} / ${m.inProcess.msPerScrape}`);
  }
  if (r.metricsInProcessCost) {
    const m = r.metricsInProcessCost;
    add('10b metrics in process', 'us per delivery, ms per scrape', `${m.usPerDelivery} / ${m.msPerScrape}`);
  }
  if (r.retention) {
    const x = r.retention;
    add('11 retention', `purge of ${x.attemptsToPurge} of ${x.attemptsFilled} attempts`, `${x.purgeAttemptsPerSecond} attempts/s (${x.purgeSeconds} s)`, 'all old gone', x.oldEventsLeft === 0);
    add('11 retention', `latency p99 alone / while purging ms (${x.ratePerSecond}/s)`, `${x.baselineLatencyMs.p99} / ${x.duringPurgeLatencyMs.p99}`, '<= 1.5 x', x.p99Ratio <= 1.5);
    add('11 retention', 'latency p99 alone again, after the purge ms', `${x.afterPurgeLatencyMs.p99}`, '', null);
  }
  if (r.retentionMethods) {
    const x = r.retentionMethods;
    add('12 retention methods', `${x.rowsRemoved} rows: drop partition / batched delete s`, `${x.dropPartition.seconds} / ${x.batchedDelete.seconds}`);
  }
  if (r.memory) {
    add('7 memory', 'peak RSS api MB', r.memory.peakRssMb.api);
    add('7 memory', 'peak RSS worker MB', r.memory.peakRssMb.worker, '< 300', r.memory.peakRssMb.worker < 300);
  }
  return out;
}

function printTable(rows: Check[]): void {
  const cells = rows.map((c) => [c.scenario, c.metric, c.value, c.target, c.pass === null ? '' : c.pass ? 'pass' : 'FAIL']);
  const head = ['scenario', 'metric', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  console.log('\n' + line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}
