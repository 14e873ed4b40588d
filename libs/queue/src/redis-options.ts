import type { RedisOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions } from 'ioredis';
import type { RedisTopology } from '#libs/config';

/** ioredis options from a redis:// or rediss:// URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A connection to Redis, whatever the topology: one server (or a Sentinel-managed master) or a Cluster. */
export type RedisClient = Redis | Cluster;

/** What a connection is for; each role has one policy for how its commands behave while Redis is away. */
export type RedisRole = 'producer' | 'worker' | 'health' | 'lease' | 'rate-limit' | 'publisher' | 'subscriber';

interface RolePolicy {
  maxRetriesPerRequest: number | null;
  enableOfflineQueue?: boolean;
  lazyConnect?: boolean;
  connectTimeout?: number;
  commandTimeout?: number;
}

const ROLE_POLICY: Readonly<Record<RedisRole, RolePolicy>> = {
  // BullMQ queues in the API: a request never waits on a Redis that is down (the reconciler makes up for a failed enqueue).
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  // BullMQ queues and workers in the worker: wait Redis out (BullMQ requires null for blocking connections).
  worker: { maxRetriesPerRequest: null },
  // Readiness checks: answer at once, connect on the first check.
  health: { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 },
  // Leases of periodic tasks: fail fast, the task skips its turn.
  lease: { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  // Rate-limit counters: wait out a short reconnect, then fail (callers fail open).
  'rate-limit': { maxRetriesPerRequest: 1, connectTimeout: 2000 },
  // API-key revocation: a publish waits at most 1 s, so a revoke never hangs on a dead Redis ...
  publisher: { commandTimeout: 1000, maxRetriesPerRequest: 1 },
  // ... while the subscription waits for Redis however long it takes (ioredis resubscribes after a reconnect).
  subscriber: { maxRetriesPerRequest: null },
};

/** Options left undefined take ioredis's defaults. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Reconnects every 0.2-2 s for as long as Redis is away. */
const reconnectDelay = (times: number) => Math.min(times * 200, 2000);

/** After a Sentinel failover, a connection still open to the demoted master gets READONLY on writes:
 * reconnect (ioredis then asks the sentinels for the new master) and resend the command. */
const reconnectOnReadOnly = (err: Error) => (err.message.startsWith('READONLY') ? 2 : false);

/** The one place Redis connections are made: every queue, worker, lease, rate limit, health check
 * and pub/sub connection of the platform comes from here, with its role's policy, against the
 * configured topology. Its errors are the caller's results rather than unhandled events. */
export function createRedisClient(topology: RedisTopology, role: RedisRole): RedisClient {
  const { lazyConnect, enableOfflineQueue, ...policy } = defined(ROLE_POLICY[role]);
  // CLIENT LIST names each connection after its role (BullMQ renames its blocking duplicates).
  const perConnection = { ...policy, connectionName: `hookrelay:${role}` };
  let client: RedisClient;
  switch (topology.kind) {
    case 'single':
      client = new Redis(defined({ ...redisOptionsFromUrl(topology.url), retryStrategy: reconnectDelay, lazyConnect, enableOfflineQueue, ...perConnection }));
      break;
    case 'sentinel':
      client = new Redis(
        defined({
        sentinels: topology.sentinels.map((s) => ({ host: s.host, port: s.port })),
        name: topology.masterName,
        role: 'master',
        password: topology.password,
        sentinelPassword: topology.sentinelPassword,
        // Drops connections to the old master as soon as the sentinels announce a new one.
        failoverDetector: true,
        reconnectOnError: reconnectOnReadOnly,
        retryStrategy: reconnectDelay,
        lazyConnect,
        enableOfflineQueue,
        ...perConnection,
        }),
      );
      break;
    case 'cluster': {
      const options: ClusterOptions = defined({
        lazyConnect,
        enableOfflineQueue,
        clusterRetryStrategy: reconnectDelay,
        // A failover (a replica promoted once its master is gone) takes a few seconds: commands for
        // the moving slots are retried meanwhile instead of failing at once.
        retryDelayOnFailover: 300,
        retryDelayOnClusterDown: 300,
        redisOptions: defined({ password: topology.password, ...perConnection }),
      });
      client = new Cluster(
        topology.nodes.map((n) => ({ host: n.host, port: n.port })),
        options,
      );
      break;
    }
  }
  client.on('error', () => undefined);
  return client;
}
