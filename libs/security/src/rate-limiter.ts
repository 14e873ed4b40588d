import type { ChainableCommander, Cluster, Redis } from 'ioredis';

// One fixed window per key: INCRBY the hits counted together, set the window's expiry when they
// opened it, answer the count after them and the window's remaining ms.
const WINDOW_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl
if n == tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
else
  ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
end
return {n, ttl}
`;

type WindowPipeline = ChainableCommander & { hookrelayWindow(key: string, windowMs: number, increment: number): WindowPipeline };

export interface RateDecision {
  allowed: boolean;
  /** When not allowed: milliseconds until the window reopens. */
  retryAfterMs: number;
}

/** Decisions for hits counted by one INCRBY that brought the window to `count`, given in arrival
 * order with each hit's limit: the hits hold ordinals count-n+1 .. count, and one is allowed iff
 * its ordinal is within its limit, exactly as if each had made its own INCR. */
export function decideCounted(count: number, windowLeftMs: number, limits: readonly number[]): RateDecision[] {
  const first = count - limits.length + 1;
  return limits.map((limit, i) => (first + i <= limit ? { allowed: true, retryAfterMs: 0 } : { allowed: false, retryAfterMs: Math.max(1, windowLeftMs) }));
}

interface WaitingHit {
  limit: number;
  windowMs: number;
  resolve(decision: RateDecision): void;
  reject(err: unknown): void;
}

/** Fixed-window counters in Redis, so a limit holds across every API or worker instance.
 *
 * A round trip costs more than the script, so hits are coalesced: with nothing in flight a hit goes
 * out at once, alone; while a call is in flight, the hits that arrive wait and go together in the
 * next call, one INCRBY per key (a pipeline when several keys). Redis still counts every hit. */
export class RedisRateLimiter {
  /** Hits waiting for the call in flight to return, by key, in arrival order. */
  private waiting = new Map<string, WaitingHit[]>();
  private inFlight = false;

  constructor(
    private readonly redis: Redis | Cluster,
    /** Key prefix; the platform's hash-tagged prefix, so the keys live and are cleaned up beside the
     * queues and, on a Redis Cluster, share one slot (a pipeline may not span slots). */
    private readonly prefix: string,
  ) {
    this.redis.defineCommand('hookrelayWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
  }

  /** Counts one hit against `key`, allowing `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs = 1000): Promise<RateDecision> {
    return new Promise((resolve, reject) => {
      const hits = this.waiting.get(key);
      if (hits) hits.push({ limit, windowMs, resolve, reject });
      else this.waiting.set(key, [{ limit, windowMs, resolve, reject }]);
      if (!this.inFlight) this.send();
    });
  }

  /** Sends every waiting hit in one round trip, then whatever arrived meanwhile in the next. */
  private send(): void {
    const batch = this.waiting;
    this.waiting = new Map();
    this.inFlight = true;
    void this.count(batch).finally(() => {
      this.inFlight = false;
      if (this.waiting.size > 0) this.send();
    });
  }

  /** One script call per key; a failed call rejects all of its hits (callers fail open). */
  private async count(batch: Map<string, WaitingHit[]>): Promise<void> {
    let replies: Array<[Error | null, unknown]>;
    try {
      const pipeline = this.redis.pipeline() as WindowPipeline;
      // A key's window length is set by the hit that opens it, here the first of the batch.
      for (const [key, hits] of batch) pipeline.hookrelayWindow(`${this.prefix}:rl:${key}`, hits[0]!.windowMs, hits.length);
      replies = (await pipeline.exec()) ?? [];
    } catch (err) {
      for (const hits of batch.values()) for (const h of hits) h.reject(err);
      return;
    }
    let i = 0;
    for (const hits of batch.values()) {
      const [err, reply] = replies[i++] ?? [new Error('no reply from Redis'), null];
      if (err) {
        for (const h of hits) h.reject(err);
        continue;
      }
      const [count, windowLeftMs] = (reply as [number, number]).map(Number) as [number, number];
      decideCounted(count, windowLeftMs, hits.map((h) => h.limit)).forEach((d, j) => hits[j]!.resolve(d));
    }
  }
}
