import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig, type AppConfig } from '#libs/config';
import { redisKeyPrefix, redisOptionsFromUrl } from '#libs/queue';

/** Set by scripts/test.mjs; every database and Redis key a run makes starts with the run id. */
export const runId = process.env.TEST_RUN_ID ?? '';
const template = process.env.TEST_TEMPLATE_DB ?? '';
export const pgBase = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function requireRunner(): void {
  if (!runId || !template) throw new Error('tests run through `npm test` (scripts/test.mjs), which prepares the template database');
}

export function uniqueName(kind: string): string {
  requireRunner();
  return `${runId}_${kind}_${randomBytes(3).toString('hex')}`;
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database: a copy of the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName('db');
  const admin = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  const url = `${pgBase}/${name}`;
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end().catch(() => undefined);
      const c = new pg.Client({ connectionString: `${pgBase}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Removes every Redis key a platform with this QUEUE_PREFIX wrote (`{prefix}:...`), and any left
 * under the untagged `prefix:...` of earlier versions. */
export async function deleteRedisPrefix(prefix: string, url = redisUrl): Promise<number> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  let removed = 0;
  try {
    for (const pattern of [`${redisKeyPrefix(prefix)}:*`, `${prefix}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) removed += await r.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
  return removed;
}

/** Options for a BullMQ Queue a test opens beside a platform on the shared Redis: its key prefix. */
export function queueOptions(config: AppConfig): { prefix: string; connection: ReturnType<typeof redisOptionsFromUrl> } {
  return { prefix: redisKeyPrefix(config.queuePrefix), connection: redisOptionsFromUrl(redisUrl) };
}

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
export const TEST_SECRETS_KEY = `t1:${Buffer.alloc(32, 0x5a).toString('base64')}`;

/** What every platform under test needs in its environment, in-process or as a child process. */
export const TEST_PLATFORM_ENV: Readonly<Record<string, string>> = {
  ADMIN_API_KEY: TEST_ADMIN_KEY,
  ALLOW_INSECURE_URLS: 'true',
  // The receivers listen on loopback, which is refused by default.
  ALLOWED_TARGET_CIDRS: '127.0.0.0/8',
  SECRETS_KEY: TEST_SECRETS_KEY,
};

export function testConfig(env: Record<string, string>): AppConfig {
  return loadConfig({
    ...TEST_PLATFORM_ENV,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RETRY_SCHEDULE: '0.2,0.4,0.8',
    RECONCILE_INTERVAL_MS: '1000',
    ...env,
  });
}

/** Polls `check` until it returns a value that is not undefined/false; for state only a query can see. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
