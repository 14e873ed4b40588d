import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

// Private Postgres and Redis servers for fault tests: their own data directories and ports, made
// from the binaries on the machine, so stopping, restarting or flushing them harms nothing else.

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A free loopback port (bound and released; good enough on a test machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface RunResult {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function runOk(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.output.slice(-2000)}`);
  return r.output;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Postgres refuses to run as root: as root, its commands run as the `postgres` OS user. */
function asPgUser(bin: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];
}

async function pgOwner(): Promise<{ uid: number; gid: number } | null> {
  if (!isRoot) return null;
  const [uid, gid] = await Promise.all([runOk('id', ['-u', 'postgres']), runOk('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** initdb into a fresh temporary directory (trust auth, user postgres) and start it. */
  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'hookrelay-pg-'));
    const owner = await pgOwner();
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const pg = new PrivatePostgres(dir, await freePort());
    try {
      await runOk(...asPgUser('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']));
      await pg.startServer();
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return pg;
  }

  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async startServer(): Promise<void> {
    // fsync off: these servers are only ever stopped cleanly (a restart, never a power cut).
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    await runOk(...asPgUser('pg_ctl', ['-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-o', opts, '-w', '-t', '60', 'start']));
  }

  /** Fast shutdown: open sessions are ended and their transactions rolled back. */
  async stopServer(): Promise<void> {
    await runOk(...asPgUser('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']));
  }

  /** Applies the project's migrations with scripts/db-migrate.mjs (creating the database). */
  async migrate(database: string): Promise<void> {
    await runOk(process.execPath, [join(root, 'scripts/db-migrate.mjs')], { ...process.env, DATABASE_URL: this.url(database) });
  }

  /** Stops the server if it runs and deletes its directory. */
  async destroy(): Promise<void> {
    await run(...asPgUser('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop'])).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.startServer();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A child redis-server with no persistence: a restart starts empty, like a lost cache node. */
  async startServer(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: 'ignore',
    });
    this.child = child;
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
        try {
          if (client.status !== 'ready') await client.connect();
          if ((await client.ping()) === 'PONG') return;
        } catch {
          if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not come up`);
          client.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      client.disconnect();
    }
  }

  async stopServer(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async flushAll(): Promise<void> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
  }
}
