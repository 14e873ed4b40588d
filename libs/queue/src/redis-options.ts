import type { RedisOptions } from 'bullmq';
import { Redis, type RedisOptions as IoRedisOptions } from 'ioredis';

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

/** A connection of its own, next to BullMQ's, for a side task (health, leases, rate limits,
 * pub/sub). It reconnects every 0.2-2 s for as long as Redis is away, and its errors are the
 * caller's results rather than unhandled events; `policy` says how its commands behave meanwhile. */
export function createSideConnection(url: string, policy: Omit<IoRedisOptions, 'retryStrategy'>): Redis {
  const client = new Redis({ ...redisOptionsFromUrl(url), retryStrategy: (times: number) => Math.min(times * 200, 2000), ...policy });
  client.on('error', () => undefined);
  return client;
}
