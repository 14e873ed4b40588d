import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './private-services.js';

// A private Redis Cluster (three masters with a replica each) and a private Sentinel setup (a
// master, a replica, three sentinels), made from the redis-server binary on the machine: ports
// and temporary directories of their own, nothing persisted. `destroy()` removes every process and
// directory; if a test run dies without calling it, the exit hook below still kills the servers.

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

function tempDir(kind: string): string {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), `hookrelay-${kind}-`));
  dirs.add(dir);
  return dir;
}

function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` every 100 ms until it returns true; a thrown error counts as "not yet". */
async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(100);
  }
}

/** One command against one server, on a connection of its own that gives up at once. */
async function ask<T>(port: number, run: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await run(r);
  } finally {
    r.disconnect();
  }
}

/** One redis-server (or sentinel) child process. */
class ServerProcess {
  private child: ChildProcess | undefined;

  constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    const child = spawn('redis-server', this.args, { stdio: 'ignore' });
    live.add(child);
    child.once('exit', () => live.delete(child));
    this.child = child;
    await until(`redis-server on ${this.port}`, 10_000, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server on ${this.port} exited with ${child.exitCode}`);
      return (await ask(this.port, (r) => r.ping())) === 'PONG';
    });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL and wait: a crashed node. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

function dataServerArgs(port: number, dir: string): string[] {
  return ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', join(dir, `redis-${port}.log`)];
}

interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'slave';
  failed: boolean;
  slots: Array<[number, number]>;
}

function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, addr, flags, , , , , , ...slots] = line.split(' ');
      const port = Number(/:(\d+)@/.exec(addr!)?.[1]);
      return {
        id: id!,
        port,
        role: flags!.includes('master') ? 'master' : 'slave',
        failed: /fail/.test(flags!),
        slots: slots.filter((s) => !s.startsWith('[')).map((s) => {
          const [a, b] = s.split('-').map(Number) as [number, number?];
          return [a, b ?? a] as [number, number];
        }),
      };
    });
}

/** Three masters, each with one replica, with a short node timeout so a failover takes seconds. */
export class PrivateRedisCluster {
  private constructor(
    private readonly dir: string,
    readonly servers: ServerProcess[],
  ) {}

  static async start(): Promise<PrivateRedisCluster> {
    const dir = tempDir('cluster');
    const servers: ServerProcess[] = [];
    const cluster = new PrivateRedisCluster(dir, servers);
    try {
      for (let i = 0; i < 6; i++) {
        // The cluster bus port is chosen too: the default (port + 10000) may be taken or out of range.
        const [port, busPort] = [await freePort(), await freePort()];
        const args = [
          ...dataServerArgs(port, dir),
          '--cluster-enabled', 'yes',
          '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-port', String(busPort),
          '--cluster-node-timeout', '1500',
        ];
        servers.push(new ServerProcess(port, args));
      }
      await Promise.all(servers.map((s) => s.start()));
      await runRedisCli(['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '1', '--cluster-yes']);
      await cluster.waitHealthy(60_000);
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  /** For REDIS_CLUSTER_NODES: every node (the client needs only one to find the others). */
  get nodes(): string {
    return this.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  private anyRunning(): ServerProcess {
    const s = this.servers.find((x) => x.running);
    if (!s) throw new Error('no cluster node is running');
    return s;
  }

  /** Until every running node says cluster_state:ok, knows all six nodes and sees three masters
   * serving all 16384 slots. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await until('cluster_state:ok on every node', timeoutMs, async () => {
      for (const s of this.servers.filter((x) => x.running)) {
        const info = await ask(s.port, (r) => r.cluster('INFO'));
        if (!/cluster_state:ok/.test(info) || !/cluster_slots_ok:16384/.test(info)) return false;
        const nodes = parseClusterNodes(await ask(s.port, (r) => r.cluster('NODES') as Promise<string>));
        if (nodes.filter((n) => n.role === 'master' && !n.failed && n.slots.length > 0).length !== 3) return false;
      }
      return true;
    });
  }

  async nodesView(): Promise<ClusterNodeInfo[]> {
    return parseClusterNodes(await ask(this.anyRunning().port, (r) => r.cluster('NODES') as Promise<string>));
  }

  async slotOf(key: string): Promise<number> {
    return ask(this.anyRunning().port, (r) => r.cluster('KEYSLOT', key));
  }

  /** The master serving `slot` now. */
  async masterOf(slot: number): Promise<ClusterNodeInfo> {
    const owner = (await this.nodesView()).find((n) => n.role === 'master' && !n.failed && n.slots.some(([a, b]) => slot >= a && slot <= b));
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return owner;
  }

  /** SIGKILLs the master serving `slot`; resolves once one of its replicas serves the slot and the
   * cluster is ok again. Returns the ports of the old and the new master. */
  async killMasterOf(slot: number, failoverTimeoutMs = 30_000): Promise<{ killed: number; promoted: number }> {
    const old = await this.masterOf(slot);
    await this.servers.find((s) => s.port === old.port)!.kill();
    let promoted = 0;
    await until(`a replica to take over slot ${slot}`, failoverTimeoutMs, async () => {
      const owner = await this.masterOf(slot);
      const info = await ask(owner.port, (r) => r.cluster('INFO'));
      promoted = owner.port;
      return owner.port !== old.port && /cluster_state:ok/.test(info);
    });
    return { killed: old.port, promoted };
  }

  /** Keys matching `pattern` on every running master, with the port that holds each. */
  async keys(pattern: string): Promise<Array<{ port: number; key: string }>> {
    const masters = (await this.nodesView()).filter((n) => n.role === 'master' && !n.failed);
    const found: Array<{ port: number; key: string }> = [];
    for (const m of masters) {
      for (const key of await ask(m.port, (r) => r.keys(pattern))) found.push({ port: m.port, key });
    }
    return found;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.kill()));
    removeDir(this.dir);
  }
}

/** A master, a replica and three sentinels (quorum 2) watching it under `masterName`. */
export class PrivateRedisSentinel {
  readonly masterName = 'hookrelay-test';

  private constructor(
    private readonly dir: string,
    readonly master: ServerProcess,
    readonly replica: ServerProcess,
    readonly sentinels: ServerProcess[],
  ) {}

  static async start(): Promise<PrivateRedisSentinel> {
    const dir = tempDir('sentinel');
    const [masterPort, replicaPort] = [await freePort(), await freePort()];
    const master = new ServerProcess(masterPort, dataServerArgs(masterPort, dir));
    const replica = new ServerProcess(replicaPort, [...dataServerArgs(replicaPort, dir), '--replicaof', '127.0.0.1', String(masterPort)]);
    const sentinels: ServerProcess[] = [];
    const setup = new PrivateRedisSentinel(dir, master, replica, sentinels);
    try {
      await Promise.all([master.start(), replica.start()]);
      for (let i = 0; i < 3; i++) {
        const port = await freePort();
        // A sentinel rewrites its configuration file, so each gets one of its own.
        const conf = join(dir, `sentinel-${port}.conf`);
        writeFileSync(
          conf,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${dir}`,
            `logfile ${join(dir, `sentinel-${port}.log`)}`,
            `sentinel monitor ${setup.masterName} 127.0.0.1 ${masterPort} 2`,
            `sentinel down-after-milliseconds ${setup.masterName} 1000`,
            `sentinel failover-timeout ${setup.masterName} 5000`,
            '',
          ].join('\n'),
        );
        sentinels.push(new ServerProcess(port, [conf, '--sentinel']));
      }
      await Promise.all(sentinels.map((s) => s.start()));
      await until('the replica in sync and every sentinel watching the master', 30_000, async () => {
        const replication = await ask(replicaPort, (r) => r.info('replication'));
        if (!/master_link_status:up/.test(replication)) return false;
        for (const s of sentinels) {
          const addr = (await ask(s.port, (r) => r.call('SENTINEL', 'get-master-addr-by-name', setup.masterName))) as string[] | null;
          if (!addr || Number(addr[1]) !== masterPort) return false;
        }
        return true;
      });
    } catch (err) {
      await setup.destroy();
      throw err;
    }
    return setup;
  }

  /** For REDIS_SENTINELS. */
  get sentinelAddresses(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.sentinels, this.replica, this.master].map((s) => s.kill()));
    removeDir(this.dir);
  }
}

function runRedisCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}: ${output.slice(-2000)}`))));
  });
}
