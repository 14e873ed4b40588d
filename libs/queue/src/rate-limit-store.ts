import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { RedisRateLimiter, type RateDecision } from '#libs/security';
import { RedisConnections } from './redis-connections.js';
import { redisKeyPrefix } from './redis-keys.js';

/** The Redis that rate-limit counters live in, shared by every API and worker instance. Keys sit
 * under the platform's hash-tagged prefix: the limiter pipelines several keys in one round trip,
 * which a Redis Cluster accepts only within one slot. Commands wait out a short reconnect, then
 * fail (callers fail open). */
@Injectable()
export class RateLimitStore {
  private readonly limiter: RedisRateLimiter;

  constructor(config: AppConfig, connections: RedisConnections) {
    this.limiter = new RedisRateLimiter(connections.open('rate-limit'), redisKeyPrefix(config.queuePrefix));
  }

  hit(key: string, limit: number, windowMs = 1000): Promise<RateDecision> {
    return this.limiter.hit(key, limit, windowMs);
  }
}
