import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { decideCounted, RedisRateLimiter, type RateDecision } from './rate-limiter.js';

const allowed: RateDecision = { allowed: true, retryAfterMs: 0 };
const refused = (ms: number): RateDecision => ({ allowed: false, retryAfterMs: ms });

describe('decideCounted', () => {
  const cases: Array<[string, number, number, number[], RateDecision[]]> = [
    ['one hit within the limit', 1, 900, [2], [allowed]],
    ['one hit on the limit', 2, 900, [2], [allowed]],
    ['one hit over the limit', 3, 900, [2], [refused(900)]],
    ['hits straddling the limit, in arrival order', 4, 500, [3, 3, 3], [allowed, allowed, refused(500)]],
    ['all over', 10, 500, [3, 3], [refused(500), refused(500)]],
    ['each hit against its own limit', 5, 500, [1, 5, 2], [refused(500), allowed, refused(500)]],
    ['a window with no time left still refuses', 2, 0, [1, 1], [allowed, refused(1)]],
  ];
  for (const [what, count, windowLeftMs, limits, expected] of cases) {
    it(what, () => assert.deepEqual(decideCounted(count, windowLeftMs, limits), expected));
  }
});

describe('RedisRateLimiter against Redis', () => {
  const prefix = `${process.env.TEST_RUN_ID ?? 'hrt'}_rl_${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  let other: Redis;
  let writes = 0;

  before(async () => {
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    redis = new Redis(url, { maxRetriesPerRequest: 1 });
    other = new Redis(url, { maxRetriesPerRequest: 1 });
    await Promise.all([redis.ping(), other.ping()]);
    // Every round trip is one write to the socket: count them.
    const write = redis.stream.write.bind(redis.stream) as (...args: unknown[]) => boolean;
    redis.stream.write = ((...args: unknown[]) => (writes++, write(...args))) as typeof redis.stream.write;
  });
  after(async () => {
    await redis.unlink(...['tenant:a', 'ep:warm', 'ep:x', 'ep:y', 'tenant:shared', 'tenant:w'].map((k) => `${prefix}:rl:${k}`));
    redis.disconnect();
    other.disconnect();
  });

  it('allows exactly the limit of concurrent hits, first come first served, in fewer round trips', async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    const n = 50;
    const limit = 20;
    writes = 0;
    const decisions = await Promise.all(Array.from({ length: n }, () => limiter.hit('tenant:a', limit, 60_000)));
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      Array.from({ length: n }, (_, i) => i < limit),
    );
    for (const d of decisions.filter((x) => !x.allowed)) assert.ok(d.retryAfterMs > 0 && d.retryAfterMs <= 60_000, String(d.retryAfterMs));
    // The first hit alone, the 49 that waited for it together.
    assert.equal(writes, 2);
    assert.equal(await redis.get(`${prefix}:rl:tenant:a`), String(n), 'Redis counts every hit');
    assert.ok((await redis.pttl(`${prefix}:rl:tenant:a`)) > 50_000, 'the window expires');
  });

  it('shares a round trip between keys and keeps their counts apart', async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    writes = 0;
    const first = limiter.hit('ep:warm', 1, 60_000);
    const rest = await Promise.all([
      ...Array.from({ length: 3 }, () => limiter.hit('ep:x', 2, 60_000)),
      ...Array.from({ length: 4 }, () => limiter.hit('ep:y', 3, 60_000)),
    ]);
    assert.deepEqual(await first, allowed);
    assert.deepEqual(
      rest.map((d) => d.allowed),
      [true, true, false, true, true, true, false],
    );
    assert.equal(writes, 2);
    assert.deepEqual(await redis.mget(`${prefix}:rl:ep:x`, `${prefix}:rl:ep:y`), ['3', '4']);
  });

  it('holds one limit across two instances hitting at once', async () => {
    const a = new RedisRateLimiter(redis, prefix);
    const b = new RedisRateLimiter(other, prefix);
    const n = 40;
    const decisions = await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b).hit('tenant:shared', 15, 60_000)));
    assert.equal(decisions.filter((d) => d.allowed).length, 15);
    assert.equal(await redis.get(`${prefix}:rl:tenant:shared`), String(n));
  });

  it('opens a new window once the old one expires', async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    assert.deepEqual(await limiter.hit('tenant:w', 1, 100), allowed);
    const over = await limiter.hit('tenant:w', 1, 100);
    assert.equal(over.allowed, false);
    assert.ok(over.retryAfterMs > 0 && over.retryAfterMs <= 100, String(over.retryAfterMs));
    await new Promise((r) => setTimeout(r, over.retryAfterMs + 20));
    assert.deepEqual(await limiter.hit('tenant:w', 1, 100), allowed);
  });

  it('rejects every hit of a failed call and is not left stuck', async () => {
    const broken = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    broken.on('error', () => undefined);
    const limiter = new RedisRateLimiter(broken, prefix);
    const results = await Promise.allSettled([limiter.hit('tenant:down', 5), limiter.hit('tenant:down', 5), limiter.hit('ep:down', 5)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'rejected'],
    );
    await assert.rejects(limiter.hit('tenant:down', 5));
    broken.disconnect();
  });
});
