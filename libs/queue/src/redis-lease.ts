import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { RedisConnections } from './redis-connections.js';
import { redisKeyPrefix } from './redis-keys.js';
import type { RedisClient } from './redis-options.js';

const RELEASE_IF_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** A named lock with expiry in Redis, so one process at a time runs a periodic task; the expiry
 * frees it when the holder dies. Its own connection fails fast while Redis is down (the task
 * then skips its turn) instead of queueing commands. Taking, releasing and finding it held are
 * logged at debug level with this process's holder id (how a test shows one holder at a time). */
@Injectable()
export class RedisLease {
  readonly holder = randomUUID();
  private readonly client: RedisClient;

  constructor(
    private readonly config: AppConfig,
    connections: RedisConnections,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.client = connections.open('lease');
  }

  /** One key per lease (single-key commands only, so nothing here spans Cluster slots). */
  private key(name: string): string {
    return `${redisKeyPrefix(this.config.queuePrefix)}:lease:${name}`;
  }

  /** Takes the lease for at most `ttlMs`; false when another process holds it. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    if (this.client.status === 'wait') await this.client.connect();
    const taken = (await this.client.set(this.key(name), this.holder, 'PX', ttlMs, 'NX')) === 'OK';
    this.logger.debug({ lease: name, holder: this.holder }, taken ? 'lease taken' : 'lease held elsewhere');
    return taken;
  }

  async release(name: string): Promise<void> {
    this.logger.debug({ lease: name, holder: this.holder }, 'lease released');
    await this.client.eval(RELEASE_IF_OWNER, 1, this.key(name), this.holder);
  }
}
