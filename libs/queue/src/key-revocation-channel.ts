import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { createSideConnection } from './redis-options.js';

/** Tells every API instance that an API key was revoked (Redis pub/sub), so none keeps accepting
 * it from its lookup cache. Connections open only when first used: the worker never opens them. */
@Injectable()
export class KeyRevocationChannel implements OnApplicationShutdown {
  private subscriber?: Redis;
  private publisher?: Redis;
  private readonly channel: string;

  constructor(private readonly config: AppConfig) {
    this.channel = `${config.queuePrefix}:api-key-revoked`;
  }

  onRevoked(listener: (keyHash: string) => void): void {
    // Both connections open here, in the API, so they are up by the time a key is revoked.
    this.subscriber ??= this.connect(false);
    this.publisher ??= this.connect(true);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) listener(message);
    });
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Best effort, bounded by the command timeout: with Redis down, other instances drop the key when
   * their cache entry expires. */
  async publish(keyHash: string): Promise<void> {
    this.publisher ??= this.connect(true);
    await this.publisher.publish(this.channel, keyHash).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  /** A publish waits at most 1 s (a revoke never hangs on a dead Redis); the subscriber's SUBSCRIBE
   * waits for Redis however long it takes, and ioredis resubscribes after a reconnect. */
  private connect(bounded: boolean): Redis {
    return createSideConnection(this.config.redisUrl, bounded ? { commandTimeout: 1000, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null });
  }
}
