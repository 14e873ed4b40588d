import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { createSideConnection } from './redis-options.js';

const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A named lock with expiry in Redis, so one process at a time runs a periodic task; the expiry
 * frees it when the holder dies. Its own connection fails fast while Redis is down (the task
 * then skips its turn) instead of queueing commands. */
@Injectable()
export class RedisLease implements OnApplicationShutdown {
  private readonly token = randomUUID();
  private readonly client: Redis;

  constructor(private readonly config: AppConfig) {
    this.client = createSideConnection(config.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  private key(name: string): string {
    return `${this.config.queuePrefix}:lease:${name}`;
  }

  /** Takes the lease for at most `ttlMs`; false when another process holds it. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    if (this.client.status === 'wait') await this.client.connect();
    return (await this.client.set(this.key(name), this.token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async release(name: string): Promise<void> {
    await this.client.eval(RELEASE_IF_OWNER, 1, this.key(name), this.token);
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}
