/** Where Redis is: one server (REDIS_URL), a Redis Cluster (REDIS_CLUSTER_NODES) or a master found
 * through Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME). Every connection is made from it. */
export type RedisTopology = SingleRedis | ClusterRedis | SentinelRedis;

export interface RedisNode {
  host: string;
  port: number;
}

export interface SingleRedis {
  kind: 'single';
  /** redis:// or rediss:// (credentials included: never log it). */
  url: string;
}

export interface ClusterRedis {
  kind: 'cluster';
  /** Seed nodes: the client discovers the rest of the cluster from any of them. */
  nodes: readonly RedisNode[];
  password?: string;
}

export interface SentinelRedis {
  kind: 'sentinel';
  sentinels: readonly RedisNode[];
  /** The master group name the sentinels monitor. */
  masterName: string;
  /** Of the master and replicas. */
  password?: string;
  /** Of the sentinels themselves, when they require one. */
  sentinelPassword?: string;
}

export interface RedisTopologyEnv {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES: string;
  REDIS_SENTINELS: string;
  REDIS_SENTINEL_NAME: string;
  REDIS_PASSWORD: string;
  REDIS_SENTINEL_PASSWORD: string;
}

/** `host:port,host:port` (IPv6 as `[::1]:7000`) into nodes; throws a one-line message naming `name`. */
export function parseHostPortList(name: string, raw: string): RedisNode[] {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0) throw new Error(`${name} must list at least one host:port`);
  return entries.map((entry) => {
    const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new Error(`${name}: ${JSON.stringify(entry.slice(0, 80))} is not host:port (e.g. redis-1:6379)`);
    return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/** Decides the topology from the environment; throws with every problem, one line each. */
export function parseRedisTopology(env: RedisTopologyEnv): RedisTopology {
  const problems: string[] = [];
  const has = (v: string) => v.trim() !== '';
  const cluster = has(env.REDIS_CLUSTER_NODES);
  const sentinel = has(env.REDIS_SENTINELS);
  const password = env.REDIS_PASSWORD === '' ? undefined : env.REDIS_PASSWORD;
  if (cluster && sentinel) {
    throw new RedisTopologyError(['REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: use one (a Redis Cluster, or a master found through Sentinel)']);
  }
  if (!sentinel) {
    if (has(env.REDIS_SENTINEL_NAME)) problems.push('REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not: list the sentinels as host:port,host:port');
    if (env.REDIS_SENTINEL_PASSWORD !== '') problems.push('REDIS_SENTINEL_PASSWORD is set but REDIS_SENTINELS is not');
  }
  if (!cluster && !sentinel && password !== undefined) {
    problems.push('REDIS_PASSWORD is for REDIS_CLUSTER_NODES or REDIS_SENTINELS; with REDIS_URL put the password in the URL (redis://:password@host:6379)');
  }
  let topology: RedisTopology = { kind: 'single', url: env.REDIS_URL };
  if (cluster) {
    try {
      topology = { kind: 'cluster', nodes: parseHostPortList('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES), ...(password !== undefined ? { password } : {}) };
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (sentinel) {
    if (!has(env.REDIS_SENTINEL_NAME)) problems.push('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS: the master group name the sentinels monitor (e.g. mymaster)');
    try {
      topology = {
        kind: 'sentinel',
        sentinels: parseHostPortList('REDIS_SENTINELS', env.REDIS_SENTINELS),
        masterName: env.REDIS_SENTINEL_NAME.trim(),
        ...(password !== undefined ? { password } : {}),
        ...(env.REDIS_SENTINEL_PASSWORD !== '' ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
      };
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > 0) throw new RedisTopologyError(problems);
  return topology;
}

export class RedisTopologyError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'RedisTopologyError';
  }
}

/** For logs: the addresses, never a password. */
export function describeRedisTopology(t: RedisTopology): string {
  const list = (nodes: readonly RedisNode[]) => nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  switch (t.kind) {
    case 'single': {
      const u = new URL(t.url);
      return `${u.hostname}:${u.port || 6379}`;
    }
    case 'cluster':
      return `Redis Cluster via ${list(t.nodes)}`;
    case 'sentinel':
      return `master "${t.masterName}" via Sentinel ${list(t.sentinels)}`;
  }
}
