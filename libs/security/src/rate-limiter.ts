import type { Redis } from 'ioredis';

// One fixed window per key: INCR, set the window's expiry on the first hit, report the wait when over.
const WINDOW_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n <= tonumber(ARGV[2]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return ttl
`;

export interface RateDecision {
  allowed: boolean;
  /** When not allowed: milliseconds until the window reopens. */
  retryAfterMs: number;
}

/** Fixed-window counters in Redis, so a limit holds across every API or worker instance. */
export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    /** Key prefix; the BullMQ prefix, so the keys live and are cleaned up beside the queues. */
    private readonly prefix: string,
  ) {
    this.redis.defineCommand('hookrelayWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
  }

  /** Counts one hit against `key`, allowing `limit` per `windowMs`. */
  async hit(key: string, limit: number, windowMs = 1000): Promise<RateDecision> {
    const wait = Number(await (this.redis as unknown as { hookrelayWindow(k: string, w: number, l: number): Promise<number> }).hookrelayWindow(`${this.prefix}:rl:${key}`, windowMs, limit));
    return wait > 0 ? { allowed: false, retryAfterMs: wait } : { allowed: true, retryAfterMs: 0 };
  }
}
