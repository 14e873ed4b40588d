import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { Redis } from 'ioredis';
import { TestPlatform } from '../support/platform.js';
import { redisKeyPrefix } from '#libs/queue';
import { pgBase, redisUrl } from '../support/test-env.js';

describe('test harness cleanup', () => {
  it('leaves no database and no Redis key behind once a platform stops', async () => {
    const platform = await TestPlatform.start();
    const { name } = platform.db;
    const prefix = platform.config.queuePrefix;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const pgAdmin = new pg.Client({ connectionString: `${pgBase}/postgres` });
    await pgAdmin.connect();
    try {
      const tenant = await platform.createTenant();
      await tenant.client.post('/v1/endpoints', { url: 'http://127.0.0.1:9/none', eventTypes: ['*'] });
      assert.equal((await tenant.client.post('/v1/events', { type: 'a.b', data: {} })).status, 202);
      const keys = async () => {
        const found: string[] = [];
        let cursor = '0';
        do {
          const [next, batch] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
          found.push(...batch);
          cursor = next;
        } while (cursor !== '0');
        return found;
      };
      const used = await keys();
      assert.ok(used.length > 0, 'the platform did use its Redis prefix');
      assert.deepEqual(used.filter((k) => !k.startsWith(`${redisKeyPrefix(prefix)}:`)), [], 'every key starts with the hash-tagged prefix');
      assert.equal((await pgAdmin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount, 1);

      await platform.stop();
      assert.equal((await pgAdmin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount, 0, 'database dropped');
      assert.deepEqual(await keys(), [], 'Redis keys removed');
    } finally {
      redis.disconnect();
      await pgAdmin.end();
    }
  });
});
