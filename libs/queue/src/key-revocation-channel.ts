import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { RedisConnections } from './redis-connections.js';
import type { RedisClient } from './redis-options.js';

/** Tells every API instance that an API key was revoked (Redis pub/sub), so none keeps accepting
 * it from its lookup cache. Connections open only when first used: the worker never opens them.
 * A Redis Cluster forwards a PUBLISH to every node, so subscribers on any node hear it. */
@Injectable()
export class KeyRevocationChannel {
  private subscriber?: RedisClient;
  private publisher?: RedisClient;
  /** A channel, not a key (no hash tag): its name stays what it was before keys were tagged, so
   * instances of both versions hear each other during a rolling upgrade. */
  private readonly channel: string;

  constructor(
    config: AppConfig,
    private readonly connections: RedisConnections,
  ) {
    this.channel = `${config.queuePrefix}:api-key-revoked`;
  }

  onRevoked(listener: (keyHash: string) => void): void {
    // Both connections open here, in the API, so they are up by the time a key is revoked.
    this.subscriber ??= this.connections.open('subscriber');
    this.publisher ??= this.connections.open('publisher');
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) listener(message);
    });
    this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  /** Best effort, bounded by the command timeout: with Redis down, other instances drop the key when
   * their cache entry expires. */
  async publish(keyHash: string): Promise<void> {
    this.publisher ??= this.connections.open('publisher');
    await this.publisher.publish(this.channel, keyHash).catch(() => undefined);
  }
}
