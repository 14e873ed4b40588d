import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { RedisRateLimiter, type RateDecision } from '#libs/security';
import { createSideConnection } from './redis-options.js';

/** The Redis that rate-limit counters live in, shared by every API and worker instance. Keys sit
 * under the BullMQ prefix. Commands wait out a short reconnect, then fail (callers fail open). */
@Injectable()
export class RateLimitStore implements OnApplicationShutdown {
  private readonly redis: Redis;
  private readonly limiter: RedisRateLimiter;

  constructor(config: AppConfig) {
    this.redis = createSideConnection(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    this.limiter = new RedisRateLimiter(this.redis, config.queuePrefix);
  }

  hit(key: string, limit: number, windowMs = 1000): Promise<RateDecision> {
    return this.limiter.hit(key, limit, windowMs);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
