// The system under test, as production runs it: the built API and worker as child processes on a
// database and BullMQ prefix of their own, plus the receiver in a third process.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { request } from 'undici';
import { ApiClient } from '../test/support/http-client.js';
import { deleteRedisPrefix } from '../test/support/test-env.js';
import type { GroupStats, ReceiverCommand } from './receiver.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
/** The bench scrapes /metrics on both apps with it. */
export const METRICS_TOKEN = `bench-metrics-${randomBytes(12).toString('hex')}`;

export interface PlatformOptions {
  pgBase: string;
  redisUrl: string;
  /** Database and BullMQ prefix start with this (the test runner's run id, so its cleanup finds them). */
  namePrefix: string;
  /** Copy this migrated database instead of migrating a new one. */
  templateDb?: string;
  env: Record<string, string>;
  /** The checkout whose built apps and migrations run (default: this one; `--baseline` passes a
   * temporary worktree of another commit). */
  root?: string;
  /** Node flags for both apps, e.g. --cpu-prof (added to BENCH_NODE_FLAGS). */
  nodeFlags?: string[];
  /** Measure Postgres by this database's own backends rather than every postgres process on the machine. */
  ownBackendsOnly?: boolean;
  /** The pid of the redis-server the apps use when it is the bench's own (`--profile`). */
  redisPid?: number;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A process's command name and CPU seconds from /proc/<pid>/stat: its own (user + system) and
 * that of its ended children (the postmaster inherits the CPU of backends that ended). */
function procCpu(pid: number | string): { comm: string; own: number; children: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      own: (Number(fields[11]) + Number(fields[12])) / 100,
      children: (Number(fields[13]) + Number(fields[14])) / 100,
    };
  } catch {
    return null; // gone, or ended while we read
  }
}

/** CPU seconds (user + system) a process has used so far; on a shared machine, CPU per delivery is
 * the figure that other load disturbs least. */
export function cpuSeconds(pid: number | undefined): number {
  return pid ? (procCpu(pid)?.own ?? 0) : 0;
}

/** CPU seconds used so far by every process with this command name (Postgres backends, redis-server),
 * ended children included: where the rest of the machine's time goes. */
export function cpuSecondsByName(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = procCpu(entry);
    if (p?.comm === name) total += p.own + p.children;
  }
  return total;
}

/** CPU seconds used by the platform's own Postgres backends (`application_name` hookrelay, this
 * database): on a machine shared with other Postgres clients, the machine-wide figure counts theirs
 * too. Backends are listed every 250 ms and each one's last reading kept, so one that ends between
 * two samples loses at most its last 250 ms. */
export class PgBackendCpu {
  private readonly seen = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: () => pg.Pool | undefined) {}

  start(): void {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 250);
    this.timer.unref();
  }
  stop(): void {
    clearInterval(this.timer);
  }
  async sample(): Promise<number> {
    const db = this.db();
    if (db) {
      const { rows } = await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'hookrelay'`);
      for (const { pid } of rows) {
        const cpu = procCpu(pid);
        if (cpu) this.seen.set(pid, cpu.own);
      }
    }
    return this.total();
  }
  /** As of the last sample. */
  total(): number {
    let total = 0;
    for (const v of this.seen.values()) total += v;
    return total;
  }
}

/** Peak RSS of the API and worker, sampled every 200 ms; `mark` starts a new per-scenario window. */
export class RssSampler {
  peakMb = { api: 0, worker: 0 };
  windowMb = { api: 0, worker: 0 };
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => { api?: number; worker?: number }) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }
  sample(): void {
    const { api, worker } = this.pids();
    const a = rssKb(api) / 1024;
    const w = rssKb(worker) / 1024;
    this.peakMb = { api: Math.max(this.peakMb.api, a), worker: Math.max(this.peakMb.worker, w) };
    this.windowMb = { api: Math.max(this.windowMb.api, a), worker: Math.max(this.windowMb.worker, w) };
  }
  mark(): { api: number; worker: number } {
    this.sample();
    const w = { api: Math.round(this.windowMb.api), worker: Math.round(this.windowMb.worker) };
    this.windowMb = { api: 0, worker: 0 };
    return w;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** The receiver process, driven over IPC. */
export class ReceiverProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (v: any) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: { id?: number }) => {
      if (m.id !== undefined) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  static async start(): Promise<ReceiverProcess> {
    const child = fork(fileURLToPath(new URL('./receiver.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
    });
    return new ReceiverProcess(child, port);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private ask<T>(cmd: ReceiverCommand extends infer C ? (C extends ReceiverCommand ? Omit<C, "id"> : never) : never): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...cmd, id });
    });
  }

  async count(group: string): Promise<number> {
    return (await this.ask<{ count: number }>({ cmd: 'count', group })).count;
  }
  async stats(group: string): Promise<GroupStats> {
    return (await this.ask<{ stats: GroupStats }>({ cmd: 'stats', group })).stats;
  }
  async release(): Promise<void> {
    await this.ask({ cmd: 'release' });
  }

  /** Resolves once `group` has received `n` requests; false if `timeoutMs` passed first. */
  async waitForCount(group: string, n: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.count(group)) < n) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.disconnect();
    await exited;
  }
}

/** Starts an app with the node flags production uses: the `start:api` / `start:worker` script of
 * package.json (`node <flags> <main.js>`), run without npm in between so the pid is the app's. */
function startApp(script: 'start:api' | 'start:worker', env: Record<string, string>, root: string, nodeFlags: string[]): ChildProcess {
  const command = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts[script]!;
  const [node, ...args] = command.split(/\s+/);
  if (node !== 'node') throw new Error(`package.json ${script} must be a plain node command, got: ${command}`);
  // BENCH_NODE_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles both apps.
  const extra = [...(process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean), ...nodeFlags];
  return spawn(process.execPath, [...extra, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
}

async function waitHealthy(url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} during start-up`);
    try {
      const res = await request(url);
      await res.body.dump();
      if (res.statusCode === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not healthy at ${url} after 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export class BenchPlatform {
  readonly dbName: string;
  readonly queuePrefix: string;
  readonly rss: RssSampler;
  apiUrl = '';
  workerUrl = '';
  admin!: ApiClient;
  db?: pg.Pool;
  private api?: ChildProcess;
  private worker?: ChildProcess;
  private dbCreated = false;
  private appEnv: Record<string, string> = {};
  private readonly backends: PgBackendCpu;
  private analyzer?: { client: pg.Client; timer: NodeJS.Timeout; paused: boolean };

  constructor(private readonly opts: PlatformOptions) {
    const id = randomBytes(4).toString('hex');
    this.dbName = `${opts.namePrefix}bench_${id}`;
    this.queuePrefix = `${opts.namePrefix}bench_${id}`;
    this.rss = new RssSampler(() => ({ api: this.api?.pid, worker: this.worker?.pid }));
    this.backends = new PgBackendCpu(() => this.db);
  }

  pids(): { api?: number; worker?: number } {
    return { api: this.api?.pid, worker: this.worker?.pid };
  }

  get root(): string {
    return this.opts.root ?? ROOT;
  }

  /** Round trips so far: transactions committed in the bench database (pg_stat_database, updated by
   * Postgres at most every 500 ms, so read after a pause) and commands Redis has processed
   * (machine-wide). Per delivery, they say how well the hot paths batch. */
  async roundTrips(): Promise<{ pgTransactions: number; redisCommands: number }> {
    await new Promise((r) => setTimeout(r, 600));
    const [row] = (await this.db!.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`)).rows as Array<{ n: string }>;
    const redis = new Redis(this.opts.redisUrl);
    try {
      const info = await redis.info('stats');
      return { pgTransactions: Number(row?.n ?? 0), redisCommands: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0) };
    } finally {
      redis.disconnect();
    }
  }

  /** CPU seconds used so far by the API, the worker, Postgres and Redis. */
  cpu(): { api: number; worker: number; postgres: number; redis: number } {
    const postgres = this.opts.ownBackendsOnly ? this.backends.total() : cpuSecondsByName('postgres');
    const redis = this.opts.redisPid ? cpuSeconds(this.opts.redisPid) : cpuSecondsByName('redis-server');
    return { api: cpuSeconds(this.api?.pid), worker: cpuSeconds(this.worker?.pid), postgres, redis };
  }

  /** `cpu()` with this database's backends read just now (ownBackendsOnly). */
  async cpuNow(): Promise<{ api: number; worker: number; postgres: number; redis: number }> {
    if (this.opts.ownBackendsOnly) await this.backends.sample();
    return this.cpu();
  }

  get dbUrl(): string {
    return `${this.opts.pgBase}/${this.dbName}`;
  }

  async start(): Promise<void> {
    await this.createDatabase();
    await this.startApps({});
    this.db = new pg.Pool({ connectionString: this.dbUrl, max: 2 });
    this.db.on('error', () => undefined);
    this.rss.start();
    if (this.opts.ownBackendsOnly) this.backends.start();
    await this.startAnalyzing();
  }

  /** Starts the API and the worker with the bench settings, `overrides` on top (ports are new each time). */
  private async startApps(overrides: Record<string, string>): Promise<void> {
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: this.dbUrl,
      REDIS_URL: this.opts.redisUrl,
      ADMIN_API_KEY: ADMIN_KEY,
      QUEUE_PREFIX: this.queuePrefix,
      LOG_LEVEL: 'warn',
      ALLOW_INSECURE_URLS: 'true',
      ALLOWED_TARGET_CIDRS: '127.0.0.0/8',
      SECRETS_KEY: this.appEnv.SECRETS_KEY ?? `bench:${randomBytes(32).toString('base64')}`,
      // The per-tenant limit stays on, so its cost is measured, but above anything one tenant sends here.
      RATE_LIMIT_PER_SECOND: '1000000',
      METRICS_TOKEN,
      // Retention runs only when a scenario asks for it (restartApps with RETENTION_DAYS).
      RETENTION_DAYS: '0',
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      ...this.opts.env,
      ...overrides,
    };
    this.appEnv = env;
    this.api = startApp('start:api', env, this.root, this.opts.nodeFlags ?? []);
    this.worker = startApp('start:worker', env, this.root, this.opts.nodeFlags ?? []);
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    this.workerUrl = `http://127.0.0.1:${workerPort}`;
    this.admin = new ApiClient(this.apiUrl, ADMIN_KEY);
    await Promise.all([waitHealthy(`${this.apiUrl}/health`, this.api, 'api'), waitHealthy(`${this.workerUrl}/health`, this.worker, 'worker')]);
  }

  /** Stops the API and the worker and starts them again on the same database and queues with
   * `overrides` (e.g. METRICS_ENABLED=false). Tenant keys stay valid; the CPU counters start over. */
  async restartApps(overrides: Record<string, string>): Promise<void> {
    await Promise.all([stopChild(this.api, 20_000), stopChild(this.worker, 20_000)]);
    await this.startApps(overrides);
  }

  /** The text of GET /metrics on the API or the worker. */
  async scrape(which: 'api' | 'worker'): Promise<{ status: number; text: string }> {
    const res = await request(`${which === 'api' ? this.apiUrl : this.workerUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return { status: res.statusCode, text: await res.body.text() };
  }

  /** Autovacuum's part: production's tables are large and analysed as they grow (per-table settings
   * in the migrations), so the generic plans the hot paths keep fit them. The bench's tables go from
   * empty to 50,000 rows in seconds, faster than autovacuum's one-minute rounds, so the bench analyses
   * the growing tables every 5 s itself, on a connection counted as the platform's. */
  private async startAnalyzing(): Promise<void> {
    const client = new pg.Client({ connectionString: this.dbUrl, application_name: 'hookrelay' });
    client.on('error', () => undefined);
    await client.connect();
    let running = false;
    const timer = setInterval(() => {
      if (running || this.analyzer?.paused) return;
      running = true;
      client
        .query('ANALYZE events, deliveries, delivery_attempts, delivery_batches')
        .catch(() => undefined)
        .finally(() => (running = false));
    }, 5_000);
    timer.unref();
    this.analyzer = { client, timer, paused: false };
  }

  /** Stops (or resumes) the 5 s ANALYZE: on tables already large and analysed, autovacuum would not
   * analyse again for a long while, and each ANALYZE of gigabytes costs a second of CPU. */
  pauseAnalyzing(paused: boolean): void {
    if (this.analyzer) this.analyzer.paused = paused;
  }

  private async createDatabase(): Promise<void> {
    if (this.opts.templateDb) {
      const c = new pg.Client({ connectionString: `${this.opts.pgBase}/postgres` });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${this.dbName}" TEMPLATE "${this.opts.templateDb}"`);
      } finally {
        await c.end();
      }
    } else {
      const res = spawnSync(process.execPath, ['scripts/db-migrate.mjs'], { cwd: this.root, env: { ...process.env, DATABASE_URL: this.dbUrl }, encoding: 'utf8' });
      this.dbCreated = true;
      if (res.status !== 0) throw new Error(`migrating ${this.dbName} failed: ${res.stderr || res.stdout}`);
    }
    this.dbCreated = true;
  }

  async createTenant(name: string): Promise<ApiClient> {
    const res = await this.admin.post('/v1/admin/tenants', { name });
    if (res.status !== 201) throw new Error(`creating a tenant failed: ${res.status} ${res.text}`);
    return new ApiClient(this.apiUrl, res.body.apiKey);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db!.query(sql, params)).rows as T[];
  }

  /** Stops the apps (SIGTERM, then SIGKILL after the grace), drops the database and the Redis keys. */
  async stop(): Promise<void> {
    this.rss.stop();
    this.backends.stop();
    if (this.analyzer) {
      clearInterval(this.analyzer.timer);
      await this.analyzer.client.end().catch(() => undefined);
    }
    await Promise.all([stopChild(this.api, 20_000), stopChild(this.worker, 20_000)]);
    await this.db?.end().catch(() => undefined);
    if (this.dbCreated) {
      const c = new pg.Client({ connectionString: `${this.opts.pgBase}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`);
      await c.end();
    }
    await deleteRedisPrefix(this.queuePrefix, this.opts.redisUrl);
  }

  /** Synchronous last resort on an abrupt exit: the children must not outlive the bench. */
  killNow(): void {
    for (const c of [this.api, this.worker]) if (c && c.exitCode === null) c.kill('SIGKILL');
  }
}
