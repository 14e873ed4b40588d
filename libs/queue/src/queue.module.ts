import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { AppConfig } from '#libs/config';
import { QueueName } from './jobs.js';
import { JobProducer } from './job-producer.js';
import { redisOptionsFromUrl } from './redis-options.js';
import { RedisHealth } from './redis-health.js';
import { RateLimitStore } from './rate-limit-store.js';
import { KeyRevocationChannel } from './key-revocation-channel.js';
import { JobPresence } from './job-presence.js';
import { RedisLease } from './redis-lease.js';
import { QueueErrorListener } from './queue-error-listener.js';

/** Who holds the connections: the API only produces and must fail fast when Redis is down (a request
 * never hangs on it: `enableOfflineQueue: false`); the worker consumes and waits Redis out
 * (`maxRetriesPerRequest: null`). */
export type QueueRole = 'producer' | 'worker';

function connectionFor(role: QueueRole, config: AppConfig) {
  const base = redisOptionsFromUrl(config.redisUrl);
  return role === 'producer' ? { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { ...base, maxRetriesPerRequest: null };
}

@Global()
@Module({})
export class QueueModule {
  static forRole(role: QueueRole): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ prefix: config.queuePrefix, connection: connectionFor(role, config) }),
        }),
        ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [JobProducer, RedisHealth, RateLimitStore, JobPresence, RedisLease, QueueErrorListener, KeyRevocationChannel],
      exports: [BullModule, JobProducer, RedisHealth, RateLimitStore, JobPresence, RedisLease, KeyRevocationChannel],
    };
  }
}
