import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '#libs/config';
import { QueueName } from './jobs.js';
import { JobProducer } from './job-producer.js';
import { RedisConnections, RedisModule } from './redis-connections.js';
import { RedisHealth } from './redis-health.js';
import { RateLimitStore } from './rate-limit-store.js';
import { KeyRevocationChannel } from './key-revocation-channel.js';
import { JobPresence } from './job-presence.js';
import { RedisLease } from './redis-lease.js';
import { QueueErrorListener } from './queue-error-listener.js';
import { QueueDepth } from './queue-depth.js';
import { redisKeyPrefix } from './redis-keys.js';

/** Who holds the connections: the API only produces and must fail fast when Redis is down (a request
 * never hangs on it: `enableOfflineQueue: false`); the worker consumes and waits Redis out
 * (`maxRetriesPerRequest: null`). */
export type QueueRole = 'producer' | 'worker';

@Global()
@Module({})
export class QueueModule {
  static forRole(role: QueueRole): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        RedisModule,
        // A connection per queue, shared by its Queue and (in the worker) its Worker, which adds a
        // blocking duplicate of its own; RedisConnections owns and closes them.
        ...Object.values(QueueName).map((name) =>
          BullModule.registerQueueAsync({
            name,
            imports: [RedisModule],
            inject: [AppConfig, RedisConnections],
            useFactory: (config: AppConfig, connections: RedisConnections) => ({ prefix: redisKeyPrefix(config.queuePrefix), connection: connections.open(role) }),
          }),
        ),
      ],
      providers: [JobProducer, RedisHealth, RateLimitStore, JobPresence, RedisLease, QueueErrorListener, KeyRevocationChannel, QueueDepth],
      exports: [BullModule, RedisModule, JobProducer, RedisHealth, RateLimitStore, JobPresence, RedisLease, KeyRevocationChannel, QueueDepth],
    };
  }
}
