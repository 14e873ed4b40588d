// `npm run bench -- --profile`: where a delivery's CPU goes. Runs the limit and throughput scenarios
// (or --only) on a redis-server of the bench's own, with the API and worker under the V8 profiler, and
// prints CPU ms per delivery of each process (Postgres: this database's own backends; Redis: the
// bench's own server), Redis commands (by command) and Postgres transactions per delivery, the ratio
// to the limit, and a per-package summary of the profiles. `--baseline <commit>` builds that commit in
// a temporary worktree and alternates it with this tree, `--rounds` times, all in one run, so the
// before and after come from the same machine state. `--warmup <f>` (default 0.2) first runs the
// throughput, batching, fan-out or latency scenario (the latency one before the noisy neighbour)
// unmeasured at f times the scale on the same processes, so that JIT compilation, pools and caches
// are not charged to the measured deliveries.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { BenchPlatform, cpuSeconds, ReceiverProcess, ROOT } from './platform.js';
import { batching, fanOut, latency, throughput, type BenchContext } from './scenarios.js';

type Scenario = (ctx: BenchContext) => Promise<Record<string, any>>;

/** A redis-server of the bench's own (no persistence) so that its CPU and commands are the platform's alone. */
export class OwnRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<OwnRedis> {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      try {
        await r.connect();
        await r.ping();
        r.disconnect();
        break;
      } catch {
        r.disconnect();
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('redis-server did not start');
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    return new OwnRedis(child, port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Calls per command so far (INFO commandstats). */
  async commandStats(): Promise<Map<string, number>> {
    const r = new Redis(this.url);
    try {
      const info = await r.info('commandstats');
      const out = new Map<string, number>();
      for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
      return out;
    } finally {
      r.disconnect();
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${cmd} ${args.join(' ')} in ${cwd} failed (${code}): ${out.slice(-2000)}`))));
  });
}

/** What runs the apps and migrations of one side: a directory with package.json, dist/apps, dist/libs,
 * scripts and prisma, this checkout's node_modules linked in. */
export class BuiltTree {
  private constructor(
    readonly dir: string,
    readonly label: string,
    private readonly worktree: boolean,
  ) {}

  /** A commit built in a temporary worktree under /tmp (`git worktree add --detach`). */
  static async fromCommit(commit: string, log: (m: string) => void): Promise<BuiltTree> {
    const sha = await run('git', ['rev-parse', '--verify', `${commit}^{commit}`], ROOT);
    const dir = join(mkdtempSync(join(tmpdir(), 'hookrelay-baseline-')), 'tree');
    log(`baseline: ${commit} (${sha.slice(0, 10)}), building in ${dir}`);
    await run('git', ['worktree', 'add', '--detach', dir, sha], ROOT);
    const t = new BuiltTree(dir, sha, true);
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      await run(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], dir);
      await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], dir);
    } catch (err) {
      t.remove();
      throw err;
    }
    return t;
  }

  /** A copy of this checkout's build as it is now, so that rebuilding the checkout during a long run
   * does not change the side being measured. */
  static snapshot(): BuiltTree {
    if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) throw new Error('build this tree first (npm run bench builds it)');
    const dir = join(mkdtempSync(join(tmpdir(), 'hookrelay-after-')), 'tree');
    for (const p of ['package.json', 'prisma.config.ts', 'scripts', 'prisma', 'dist/apps', 'dist/libs', 'libs/database/src/pg-pool.ts']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    return new BuiltTree(dir, 'this tree', false);
  }

  remove(): void {
    if (this.worktree) {
      spawnSync('git', ['worktree', 'remove', '--force', this.dir], { cwd: ROOT });
      spawnSync('git', ['worktree', 'prune'], { cwd: ROOT });
    }
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where a profile frame's code lives: an npm package, a file of ours, Node's own, or V8's pseudo-frames. */
export function packageOf(url: string, fn: string): { pkg: string; file: string } {
  if (!url) return { pkg: fn.startsWith('(') ? fn : '(native)', file: fn || '(native)' };
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return { pkg, file: `${pkg}/${rest.slice(pkg.includes('/') ? 2 : 1).join('/')}` };
  }
  if (url.startsWith('node:')) return { pkg: 'node (built-in)', file: url };
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) {
    const rel = url.slice(dist + '/dist/'.length);
    const parts = rel.split('/');
    return { pkg: parts[0] === 'libs' || parts[0] === 'apps' ? `${parts[0]}/${parts[1]}` : parts[0]!, file: rel };
  }
  return { pkg: url, file: url };
}

export interface ProfileSummary {
  process: string;
  totalMs: number;
  packages: Array<{ name: string; ms: number }>;
  files: Array<{ name: string; ms: number }>;
}

/** Self time by package and by file over the .cpuprofile files in `dir` whose name contains `pid`. */
export function summarizeProfiles(dir: string, pid: number, processName: string): ProfileSummary | null {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`)) : [];
  if (files.length === 0) return null;
  const byPkg = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const prof = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    const where = new Map(prof.nodes.map((n) => [n.id, packageOf(n.callFrame.url, n.callFrame.functionName)]));
    prof.samples.forEach((id, i) => {
      const w = where.get(id);
      if (!w || w.pkg === '(idle)') return;
      const ms = (prof.timeDeltas[i] ?? 0) / 1000;
      total += ms;
      byPkg.set(w.pkg, (byPkg.get(w.pkg) ?? 0) + ms);
      byFile.set(w.file, (byFile.get(w.file) ?? 0) + ms);
    });
  }
  const top = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, ms]) => ({ name, ms }));
  return { process: processName, totalMs: total, packages: top(byPkg, 15), files: top(byFile, 15) };
}

export interface Measured {
  label: string;
  result: Record<string, any>;
  items: number;
  cpuMsPerItem: Record<string, number>;
  /** Net of what the idle platform costs per second over the same time (see runProfile). */
  redisCommandsPerItem: number;
  grossRedisCommandsPerItem: number;
  grossPlatformCpuMsPerItem: number;
  idleCpuMsPerSecond: Record<string, number>;
  topRedisCommands: Array<{ name: string; perItem: number }>;
  pgTransactionsPerItem: number;
  ratioToLimit: number | null;
  profiles: ProfileSummary[];
}

const IDLE_MS = 5_000;
/** Each warmed scenario and the scenario that warms it: a pass that ends whole (every delivery
 * answered) on receiver groups of its own. The noisy neighbour's own would leave hanging requests in
 * the measurement, so the latency scenario (the same steady 500 events/s, all healthy) warms it. */
const WARMED_BY: Record<string, Scenario> = { throughput, batching, fanOut, latency, noisyNeighbour: latency };
const r2 = (v: number) => Math.round(v * 100) / 100;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

export interface ProfileOptions {
  scenarios: Array<[string, Scenario]>;
  limit: Scenario;
  scale: number;
  baseline?: string;
  rounds: number;
  /** Before each measured scenario, run it unmeasured at this fraction of the scale (0: none), so
   * that the measurement is of warm processes: JIT compilation, connection pools and caches. */
  warmup: number;
  cpuProf: boolean;
  env: Record<string, string>;
  log: (m: string) => void;
}

/** Runs the profile (see the file comment); returns every measured run, in the order they ran. */
export async function runProfile(o: ProfileOptions): Promise<{ limitPerSecond: number; runs: Measured[]; baselineCommit?: string }> {
  const redis = await OwnRedis.start();
  let receiver: ReceiverProcess | undefined;
  let baseline: BuiltTree | undefined;
  let after: BuiltTree | undefined;
  let live: BenchPlatform | undefined;
  const profDir = mkdtempSync(join(tmpdir(), 'hookrelay-prof-'));
  const cleanup = async () => {
    await receiver?.release().catch(() => undefined);
    await live?.stop().catch(() => undefined);
    await receiver?.stop().catch(() => undefined);
    await redis.stop().catch(() => undefined);
    baseline?.remove();
    after?.remove();
    rmSync(profDir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    after = BuiltTree.snapshot();
    if (o.baseline) baseline = await BuiltTree.fromCommit(o.baseline, o.log);
    const runs: Measured[] = [];
    receiver = await ReceiverProcess.start();
    const limitResult = await o.limit({ platform: undefined as unknown as BenchPlatform, receiver, scale: o.scale, log: o.log, results: {} });
    const limitPerSecond = limitResult.perSecond as number;
    o.log(`limit: ${limitPerSecond} signed POSTs/s`);
    await receiver.stop();
    receiver = undefined;
    const variants: Array<{ label: string; root: string }> = baseline ? [{ label: 'before', root: baseline.dir }, { label: 'after', root: after.dir }] : [{ label: 'this tree', root: after.dir }];
    for (let round = 0; round < o.rounds; round++) {
      // Alternate, and swap the order every other round so neither side always runs first.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        receiver = await ReceiverProcess.start();
        const runDir = join(profDir, `${v.label.replace(/\W/g, '')}-${round}`);
        live = new BenchPlatform({
          pgBase: process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432',
          redisUrl: redis.url,
          namePrefix: process.env.BENCH_NAME_PREFIX ?? '',
          env: o.env,
          root: v.root,
          nodeFlags: o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${runDir}`] : [],
          ownBackendsOnly: true,
          redisPid: redis.pid,
        });
        o.log(`${v.label}, round ${round + 1}: starting (database ${live.dbName})`);
        await live.start();
        const pids = live.pids();
        // Shared by this run's scenarios: the noisy neighbour compares itself with the latency scenario.
        const results: Record<string, any> = { limit: limitResult };
        for (const [name, scenario] of o.scenarios) {
          const ctx: BenchContext = { platform: live, receiver, scale: o.scale, log: o.log, results };
          const warmUp = WARMED_BY[name];
          if (o.warmup > 0 && warmUp) await warmUp({ ...ctx, scale: o.scale * o.warmup, results: {}, warmUp: true });
          // What the idle platform costs per second (BullMQ's polling and stall checks, timers, the
          // bench's ANALYZE): on a loaded machine a run takes longer, and that cost would be charged
          // to each delivery. The table shows CPU and Redis commands net of it.
          const idle0 = { cpu: await live.cpuNow(), trips: await live.roundTrips(), at: performance.now() };
          await new Promise((r) => setTimeout(r, IDLE_MS));
          const idle1 = { cpu: await live.cpuNow(), trips: await live.roundTrips(), at: performance.now() };
          const idleSeconds = (idle1.at - idle0.at) / 1000;
          const trips0 = await live.roundTrips();
          const cmd0 = await redis.commandStats();
          const cpu0 = { ...(await live.cpuNow()), receiver: cpuSeconds(receiver.pid) };
          const t0 = performance.now();
          const result = await scenario(ctx);
          const seconds = (performance.now() - t0) / 1000;
          results[name] = result;
          const cpu1 = { ...(await live.cpuNow()), receiver: cpuSeconds(receiver.pid) };
          const trips1 = await live.roundTrips();
          const cmd1 = await redis.commandStats();
          const items = (result.distinctDeliveries ?? result.deliveries ?? result.requests ?? result.started ?? result.events) as number;
          const idleRate = (k: 'api' | 'worker' | 'postgres' | 'redis') => (idle1.cpu[k] - idle0.cpu[k]) / idleSeconds;
          const cpuMsPerItem: Record<string, number> = Object.fromEntries(
            Object.keys(cpu1).map((k) => {
              const idle = k === 'receiver' ? 0 : idleRate(k as 'api') * seconds;
              return [k, r3(((cpu1[k as keyof typeof cpu1] - cpu0[k as keyof typeof cpu0] - idle) * 1000) / items)];
            }),
          );
          cpuMsPerItem.platform = r3(cpuMsPerItem.api! + cpuMsPerItem.worker! + cpuMsPerItem.postgres! + cpuMsPerItem.redis!);
          const grossPlatform = r3((['api', 'worker', 'postgres', 'redis'] as const).reduce((sum, k) => sum + cpu1[k] - cpu0[k], 0) * 1000 / items);
          const idleCommands = ((idle1.trips.redisCommands - idle0.trips.redisCommands) / idleSeconds) * seconds;
          const cmdDelta = [...cmd1.entries()].map(([name, n]) => ({ name, perItem: r2((n - (cmd0.get(name) ?? 0)) / items) })).filter((c) => c.perItem > 0);
          const m: Measured = {
            label: `${v.label} #${round + 1} ${name}`,
            result,
            items,
            cpuMsPerItem,
            // commandstats counts the bench's own INFO calls too: a handful per scenario, not per delivery.
            redisCommandsPerItem: r2((trips1.redisCommands - trips0.redisCommands - idleCommands) / items),
            grossRedisCommandsPerItem: r2((trips1.redisCommands - trips0.redisCommands) / items),
            grossPlatformCpuMsPerItem: grossPlatform,
            idleCpuMsPerSecond: Object.fromEntries((['api', 'worker', 'postgres', 'redis'] as const).map((k) => [k, r2(idleRate(k) * 1000)])),
            topRedisCommands: cmdDelta.sort((a, b) => b.perItem - a.perItem).slice(0, 12),
            pgTransactionsPerItem: r2((trips1.pgTransactions - trips0.pgTransactions) / items),
            ratioToLimit: result.perSecond ? r3(result.perSecond / limitPerSecond) : null,
            profiles: [],
          };
          runs.push(m);
          o.log(`${m.label}: ${JSON.stringify({ perSecond: result.perSecond, ratioToLimit: m.ratioToLimit, cpuMsPerItem, redis: m.redisCommandsPerItem, pg: m.pgTransactionsPerItem })}`);
        }
        await receiver.release().catch(() => undefined);
        await live.stop();
        live = undefined;
        await receiver.stop();
        receiver = undefined;
        if (o.cpuProf) {
          // The profile covers the whole life of each process (start-up included), so it goes with the run's last scenario.
          const last = runs[runs.length - 1]!;
          for (const [proc, pid] of Object.entries(pids)) {
            const s = pid ? summarizeProfiles(runDir, pid, proc) : null;
            if (s) last.profiles.push(s);
          }
        }
      }
    }
    return { limitPerSecond, runs, baselineCommit: baseline?.label };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanup();
  }
}

/** The report: one table of figures per run, means per variant, then the profiles' top packages and files. */
export function printProfile(p: { limitPerSecond: number; runs: Measured[]; baselineCommit?: string }, items: string): void {
  const out: string[] = [];
  const head = ['run', `${items}/s`, 'ratio to limit', 'API', 'worker', 'Postgres', 'Redis', 'sum', 'sum (gross)', 'receiver', 'Redis cmds', '(gross)', 'PG xacts'];
  const rows = p.runs.map((m) => [m.label, String(m.result.perSecond ?? '-'), String(m.ratioToLimit ?? '-'), ...['api', 'worker', 'postgres', 'redis', 'platform'].map((k) => m.cpuMsPerItem[k]!.toFixed(3)), m.grossPlatformCpuMsPerItem.toFixed(3), m.cpuMsPerItem.receiver!.toFixed(3), String(m.redisCommandsPerItem), String(m.grossRedisCommandsPerItem), String(m.pgTransactionsPerItem)]);
  const byVariant = new Map<string, Measured[]>();
  for (const m of p.runs) {
    const key = m.label.replace(/ #\d+/, '');
    byVariant.set(key, [...(byVariant.get(key) ?? []), m]);
  }
  if (p.runs.length > byVariant.size) {
    for (const [key, ms] of byVariant) {
      const mean = (f: (m: Measured) => number) => ms.reduce((s, m) => s + f(m), 0) / ms.length;
      rows.push([`${key}: mean of ${ms.length}`, String(Math.round(mean((m) => m.result.perSecond ?? 0))), r3(mean((m) => m.ratioToLimit ?? 0)).toString(), ...['api', 'worker', 'postgres', 'redis', 'platform'].map((k) => mean((m) => m.cpuMsPerItem[k]!).toFixed(3)), mean((m) => m.grossPlatformCpuMsPerItem).toFixed(3), mean((m) => m.cpuMsPerItem.receiver!).toFixed(3), r2(mean((m) => m.redisCommandsPerItem)).toString(), r2(mean((m) => m.grossRedisCommandsPerItem)).toString(), r2(mean((m) => m.pgTransactionsPerItem)).toString()]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  out.push('', `limit: ${p.limitPerSecond} signed POSTs/s. CPU in ms per ${items === 'deliveries' ? 'delivery' : 'item'}, net of the idle platform's cost per second over the run's time (gross: not); Postgres: this database's backends; Redis: the bench's own server.`);
  if (p.baselineCommit) out.push(`before = ${p.baselineCommit.slice(0, 10)} (built in a temporary worktree), after = this tree; alternated in one run.`);
  out.push(line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  for (const m of p.runs) {
    out.push('', `${m.label}: idle CPU ms per second ${JSON.stringify(m.idleCpuMsPerSecond)}; Redis commands per item (gross): ${m.topRedisCommands.map((c) => `${c.name} ${c.perItem}`).join(', ')}`);
    const lat = (m.result.latencyMs ?? m.result.healthyLatencyMs) as { p50: number; p95: number; p99: number } | undefined;
    if (lat) out.push(`  latency p50 / p95 / p99 ms: ${lat.p50} / ${lat.p95} / ${lat.p99}${m.result.p99RatioToLatencyScenario != null ? `; p99 / latency scenario's: ${m.result.p99RatioToLatencyScenario}` : ''}${m.result.complete === false ? ' (incomplete)' : ''}`);
    for (const s of m.profiles) {
      const per = (ms: number) => (ms / m.items).toFixed(3);
      out.push(`  ${s.process} profile (self time, whole process life, ${per(s.totalMs)} ms per item sampled):`);
      out.push(`    packages: ${s.packages.map((x) => `${x.name} ${per(x.ms)}`).join(', ')}`);
      out.push(`    files:    ${s.files.map((x) => `${x.name} ${per(x.ms)}`).join(', ')}`);
    }
  }
  console.log(out.join('\n'));
}
