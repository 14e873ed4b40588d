import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { redisOptionsFromUrl } from './redis-options.js';

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
    this.subscriber ??= this.connect(null);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) listener(message);
    });
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Best effort: with Redis down, other instances drop the key when their cache entry expires. */
  async publish(keyHash: string): Promise<void> {
    this.publisher ??= this.connect(false);
    await this.publisher.publish(this.channel, keyHash).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    this.publisher?.disconnect();
  }

  /** `offlineQueue: false` fails a publish at once while Redis is down; the subscriber waits it out
   * and ioredis resubscribes when it reconnects. */
  private connect(offlineQueue: boolean | null): Redis {
    const client = new Redis({
      ...redisOptionsFromUrl(this.config.redisUrl),
      enableOfflineQueue: offlineQueue !== false,
      maxRetriesPerRequest: offlineQueue === false ? 0 : null,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    client.on('error', () => undefined);
    return client;
  }
}
