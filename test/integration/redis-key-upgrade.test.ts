import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { redisKeyPrefix } from '#libs/queue';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { redisUrl, waitUntil } from '../support/test-env.js';

// Upgrading from the untagged keys of earlier versions (`<prefix>:...`) to the hash-tagged ones
// (`{<prefix>}:...`): the new worker never reads the old keys, and work queued there is not lost,
// because Postgres still has it pending and the reconciler enqueues it again under the new keys.
// Simulated here by renaming a running platform's queued jobs to the old names before any worker ran.
describe('upgrading to hash-tagged Redis keys', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let redis: Redis;

  before(async () => {
    receiver = await TestReceiver.start();
    // At most one endpoint inline: the two-endpoint event below queues a fan-out job instead.
    platform = await TestPlatform.start({ env: { INLINE_FAN_OUT_MAX: '1' }, worker: false });
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  });
  after(async () => {
    redis?.disconnect();
    await platform?.stop();
    await receiver?.close();
  });

  async function scan(pattern: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  it('delivers the jobs queued under the old key names through the reconciler', async () => {
    const prefix = platform.config.queuePrefix;
    const tenant = await platform.createTenant('upgrade');
    for (const [path, types] of [['/inline', ['up.inline']], ['/fan-a', ['up.fanout']], ['/fan-b', ['up.fanout']]] as const) {
      assert.equal((await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: types })).status, 201);
    }
    const inline = await tenant.client.post('/v1/events', { type: 'up.inline', data: { n: 1 } });
    const fanOut = await tenant.client.post('/v1/events', { type: 'up.fanout', data: { n: 2 } });
    assert.equal(inline.status, 202, inline.text);
    assert.equal(fanOut.status, 202, fanOut.text);

    // What the previous version left in Redis: the same jobs under `<prefix>:`.
    // (Rate-limit counters are left out: they expire with their window and carry no work.)
    const tagged = (await scan(`${redisKeyPrefix(prefix)}:*`)).filter((k) => !k.includes(':rl:'));
    assert.ok(tagged.some((k) => k.includes(':delivery:')) && tagged.some((k) => k.includes(':fanout:')), `a delivery and a fan-out job are queued: ${tagged.join(' ')}`);
    for (const key of tagged) await redis.rename(key, `${prefix}:${key.slice(redisKeyPrefix(prefix).length + 1)}`);
    const queueKeys = async () => (await scan(`${prefix}:*`)).filter((k) => !k.includes(':rl:')).sort();
    const old = await queueKeys();
    assert.ok(old.length > 0);

    await platform.startWorker();
    const inlineReq = await receiver.waitFor(1, '/inline', 20_000);
    assert.equal(inlineReq[0]!.headers['webhook-id'], inline.body.id);
    for (const path of ['/fan-a', '/fan-b']) assert.equal((await receiver.waitFor(1, path, 20_000))[0]!.headers['webhook-id'], fanOut.body.id);
    await waitUntil(async () => (await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'succeeded'`))[0].n === 3, 15_000, 'three succeeded deliveries');

    // The old keys were never touched: operators delete them after the upgrade (docs/operations.md).
    assert.deepEqual(await queueKeys(), old);
  });
});
