import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './app-config.js';
import { describeRedisTopology } from './redis-topology.js';

const ADMIN = { ADMIN_API_KEY: 'an-admin-key-of-16+', SECRETS_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}` };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills in the defaults', () => {
    const c = loadConfig(ADMIN);
    assert.equal(c.databaseUrl, 'postgresql://postgres@127.0.0.1:5432/webhooks');
    assert.equal(c.databasePoolSize, 10);
    assert.deepEqual(c.redis, { kind: 'single', url: 'redis://127.0.0.1:6379' });
    assert.equal(c.adminApiKey, ADMIN.ADMIN_API_KEY);
    assert.equal(c.host, '0.0.0.0', 'every interface: what a container needs');
    assert.equal(c.port, 3000);
    assert.equal(c.workerPort, 3001);
    assert.equal(c.allowInsecureUrls, false, 'https only unless asked');
    assert.deepEqual(c.retryScheduleSeconds, [5, 60, 300, 1800, 7200, 21600, 43200]);
    assert.equal(c.maxAttempts, 8);
    assert.equal(c.deliveryTimeoutMs, 10_000);
    assert.equal(c.queuePrefix, 'hookrelay');
    assert.equal(c.workerConcurrency, 100);
    assert.equal(c.reconcileIntervalMs, 30_000);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.logFormat, 'json');
  });

  it('reads and converts every variable', () => {
    const c = loadConfig({
      ...ADMIN,
      DATABASE_URL: 'postgres://u:p@db:5433/x',
      DATABASE_POOL_SIZE: '3',
      REDIS_URL: 'rediss://cache:6380',
      PORT: '0',
      WORKER_PORT: '65535',
      ALLOW_INSECURE_URLS: 'yes',
      RETRY_SCHEDULE: ' 0.5, 2 ,10',
      DELIVERY_TIMEOUT_MS: '2500',
      QUEUE_PREFIX: 'hr.test-1',
      WORKER_CONCURRENCY: '7',
      RECONCILE_INTERVAL_MS: '100',
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'pretty',
      HOST: '127.0.0.1',
    });
    assert.equal(c.databaseUrl, 'postgres://u:p@db:5433/x');
    assert.equal(c.databasePoolSize, 3);
    assert.deepEqual(c.redis, { kind: 'single', url: 'rediss://cache:6380' });
    assert.equal(c.port, 0);
    assert.equal(c.workerPort, 65535);
    assert.equal(c.allowInsecureUrls, true);
    assert.deepEqual(c.retryScheduleSeconds, [0.5, 2, 10]);
    assert.equal(c.maxAttempts, 4);
    assert.equal(c.deliveryTimeoutMs, 2500);
    assert.equal(c.queuePrefix, 'hr.test-1');
    assert.equal(c.workerConcurrency, 7);
    assert.equal(c.reconcileIntervalMs, 100);
    assert.equal(c.logLevel, 'silent');
    assert.equal(c.logFormat, 'pretty');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(loadConfig({ ...ADMIN, HOST: '::' }).host, '::');
  });

  it('reads the health and alert settings', () => {
    const d = loadConfig(ADMIN);
    assert.deepEqual([d.endpointDisableAfterMs, d.endpointDisableMinFailures, d.endpointFailingAlertAfter, d.alertDedupeMs, d.smtp, d.alertOutboxPollMs], [120 * 3_600_000, 10, 3, 3_600_000, null, 5000]);
    const c = loadConfig({
      ...ADMIN,
      ENDPOINT_DISABLE_AFTER_HOURS: '0.0005',
      ENDPOINT_DISABLE_MIN_FAILURES: '2',
      ENDPOINT_FAILING_ALERT_AFTER: '1',
      ALERT_DEDUPE_SECONDS: '0.5',
      SMTP_URL: 'smtps://user:p%40ss@mail.example.com',
      ALERT_EMAIL_FROM: 'Ops <ops@example.com>',
    });
    assert.deepEqual([c.endpointDisableAfterMs, c.endpointDisableMinFailures, c.endpointFailingAlertAfter, c.alertDedupeMs], [1800, 2, 1, 500]);
    assert.deepEqual(c.smtp, { url: 'smtps://user:p%40ss@mail.example.com', address: 'mail.example.com:465' });
    assert.equal(c.alertEmailFrom, 'Ops <ops@example.com>');
    assert.equal(loadConfig({ ...ADMIN, ENDPOINT_DISABLE_AFTER_HOURS: '0' }).endpointDisableAfterMs, 0, '0 turns auto-disable off');
    assert.equal(loadConfig({ ...ADMIN, SMTP_URL: 'smtp://127.0.0.1:2525' }).smtp?.address, '127.0.0.1:2525');
  });

  it('reads the recovery page size', () => {
    assert.equal(loadConfig(ADMIN).recoveryPageSize, 500);
    assert.equal(loadConfig({ ...ADMIN, RECOVERY_PAGE_SIZE: '50' }).recoveryPageSize, 50);
  });

  it('reads the endpoint stats flush interval', () => {
    assert.equal(loadConfig(ADMIN).endpointStatsFlushMs, 1000);
    assert.equal(loadConfig({ ...ADMIN, ENDPOINT_STATS_FLUSH_MS: '60000' }).endpointStatsFlushMs, 60_000);
  });

  it('reads a Redis Cluster or Sentinel instead of REDIS_URL', () => {
    const cluster = loadConfig({ ...ADMIN, REDIS_URL: 'redis://ignored:1', REDIS_CLUSTER_NODES: ' redis-1:7000, 10.0.0.2:7001 ,[::1]:7002', REDIS_PASSWORD: 'p@ss' });
    assert.deepEqual(cluster.redis, {
      kind: 'cluster',
      nodes: [
        { host: 'redis-1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      password: 'p@ss',
    });
    const sentinel = loadConfig({ ...ADMIN, REDIS_SENTINELS: 's1:26379,s2:26379,s3:26379', REDIS_SENTINEL_NAME: 'mymaster', REDIS_SENTINEL_PASSWORD: 'sp' });
    assert.deepEqual(sentinel.redis, {
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26379 },
      ],
      masterName: 'mymaster',
      sentinelPassword: 'sp',
    });
    assert.equal(describeRedisTopology(cluster.redis), 'Redis Cluster via redis-1:7000,10.0.0.2:7001,[::1]:7002');
    assert.equal(describeRedisTopology(sentinel.redis), 'master "mymaster" via Sentinel s1:26379,s2:26379,s3:26379');
    assert.equal(describeRedisTopology(loadConfig({ ...ADMIN, REDIS_URL: 'redis://:secret@cache:6380/2' }).redis), 'cache:6380', 'no password in the description');
  });

  it('ignores variables it does not know', () => {
    assert.equal(loadConfig({ ...ADMIN, HOME: '/root', SOMETHING_ELSE: 'x' }).port, 3000);
  });

  for (const [value, expected] of [['true', true], ['1', true], ['on', true], ['false', false], ['0', false], ['no', false], ['', false]] as const) {
    it(`reads ALLOW_INSECURE_URLS=${JSON.stringify(value)} as ${expected}`, () => {
      assert.equal(loadConfig({ ...ADMIN, ALLOW_INSECURE_URLS: value }).allowInsecureUrls, expected);
    });
  }

  const invalid: Array<[Record<string, string | undefined>, RegExp]> = [
    [{ ADMIN_API_KEY: undefined }, /ADMIN_API_KEY is required/],
    [{ ADMIN_API_KEY: 'short' }, /ADMIN_API_KEY must be at least 16 characters/],
    [{ ADMIN_API_KEY: 'k'.repeat(257) }, /ADMIN_API_KEY/],
    [{ DATABASE_URL: 'mysql://db/x' }, /DATABASE_URL must be a postgresql:\/\/ URL/],
    [{ DATABASE_URL: 'localhost:5432' }, /DATABASE_URL must be a postgresql:\/\/ URL .* not a host and port \(localhost:5432\)/],
    [{ DATABASE_POOL_SIZE: 'ten' }, /DATABASE_POOL_SIZE must be a whole number/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE/],
    [{ REDIS_URL: 'http://cache' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' }, /REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set/],
    [{ REDIS_CLUSTER_NODES: 'redis-1' }, /REDIS_CLUSTER_NODES: "redis-1" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'redis-1:70000' }, /REDIS_CLUSTER_NODES: "redis-1:70000" is not host:port/],
    [{ REDIS_CLUSTER_NODES: ' , ' }, /REDIS_CLUSTER_NODES must list at least one host:port/],
    [{ REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/],
    [{ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS: "s1" is not host:port/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, /REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/],
    [{ REDIS_SENTINELS: 's1:1', REDIS_SENTINEL_NAME: 'my master' }, /REDIS_SENTINEL_NAME must be the master group name/],
    [{ REDIS_PASSWORD: 'secret' }, /REDIS_PASSWORD is for REDIS_CLUSTER_NODES or REDIS_SENTINELS/],
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '3000.5' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT/],
    [{ WORKER_PORT: '-1' }, /WORKER_PORT/],
    [{ ALLOW_INSECURE_URLS: 'maybe' }, /ALLOW_INSECURE_URLS must be true or false/],
    [{ RETRY_SCHEDULE: '5,,60' }, /RETRY_SCHEDULE must be comma-separated seconds/],
    [{ RETRY_SCHEDULE: '5m,1h' }, /RETRY_SCHEDULE/],
    [{ RETRY_SCHEDULE: '-5' }, /RETRY_SCHEDULE/],
    [{ DELIVERY_TIMEOUT_MS: '10s' }, /DELIVERY_TIMEOUT_MS must be a whole number of milliseconds/],
    [{ DELIVERY_TIMEOUT_MS: '50' }, /DELIVERY_TIMEOUT_MS/],
    [{ QUEUE_PREFIX: 'has space' }, /QUEUE_PREFIX must be 1-64 letters/],
    [{ QUEUE_PREFIX: 'a:b' }, /QUEUE_PREFIX/],
    [{ WORKER_CONCURRENCY: '0' }, /WORKER_CONCURRENCY/],
    [{ RECONCILE_INTERVAL_MS: 'soon' }, /RECONCILE_INTERVAL_MS must be a whole number/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    [{ LOG_FORMAT: 'text' }, /LOG_FORMAT must be json or pretty/],
    [{ HOST: 'http://0.0.0.0' }, /HOST must be an address or host name/],
    [{ HOST: '' }, /HOST/],
    [{ ENDPOINT_DISABLE_AFTER_HOURS: 'soon' }, /ENDPOINT_DISABLE_AFTER_HOURS must be a number of hours/],
    [{ ENDPOINT_DISABLE_AFTER_HOURS: '-1' }, /ENDPOINT_DISABLE_AFTER_HOURS/],
    [{ ENDPOINT_DISABLE_MIN_FAILURES: '0' }, /ENDPOINT_DISABLE_MIN_FAILURES/],
    [{ ENDPOINT_FAILING_ALERT_AFTER: '2.5' }, /ENDPOINT_FAILING_ALERT_AFTER must be a whole number/],
    [{ ALERT_DEDUPE_SECONDS: 'hour' }, /ALERT_DEDUPE_SECONDS must be a number of seconds/],
    [{ SMTP_URL: 'http://mail.example.com' }, /SMTP_URL must be smtp:\/\//],
    [{ SMTP_URL: 'smtp://' }, /SMTP_URL/],
    [{ SMTP_URL: 'smtp://mail.example.com/path' }, /SMTP_URL/],
    [{ ALERT_EMAIL_FROM: 'not an address' }, /ALERT_EMAIL_FROM must be an email address/],
    [{ ALERT_OUTBOX_POLL_MS: '10' }, /ALERT_OUTBOX_POLL_MS/],
    [{ RECOVERY_PAGE_SIZE: 'all' }, /RECOVERY_PAGE_SIZE must be a whole number of events/],
    [{ RECOVERY_PAGE_SIZE: '0' }, /RECOVERY_PAGE_SIZE/],
    [{ RECOVERY_PAGE_SIZE: '10001' }, /RECOVERY_PAGE_SIZE/],
    [{ ENDPOINT_STATS_FLUSH_MS: '1s' }, /ENDPOINT_STATS_FLUSH_MS must be a whole number of milliseconds/],
    [{ ENDPOINT_STATS_FLUSH_MS: '10' }, /ENDPOINT_STATS_FLUSH_MS/],
  ];
  for (const [env, message] of invalid) {
    it(`rejects ${JSON.stringify(env).slice(0, 60)} with one clear problem`, () => {
      const found = problems({ ...ADMIN, ...env });
      assert.equal(found.length, 1, found.join(' | '));
      assert.match(found[0]!, message);
      assert.ok(!found[0]!.includes('\n'));
    });
  }

  it('reports every problem at once, one line each, naming no secret', () => {
    let err: unknown;
    try {
      loadConfig({ SECRETS_KEY: ADMIN.SECRETS_KEY, ADMIN_API_KEY: 'tiny-secret', PORT: 'abc', REDIS_URL: 'nope' });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3);
    const lines = err.message.split('\n');
    assert.equal(lines[0], 'Invalid configuration:');
    assert.equal(lines.length, 4);
    assert.ok(!err.message.includes('tiny-secret'));
  });
});

const base = { ADMIN_API_KEY: 'admin-key-0123456789', SECRETS_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}` };

describe('security configuration', () => {
  it('is safe by default: loopback and metadata refused, a generous tenant rate limit', () => {
    const c = loadConfig(base);
    assert.equal(c.targetPolicy.checkText('127.0.0.1')?.allowed, false);
    assert.equal(c.targetPolicy.checkText('169.254.169.254')?.allowed, false);
    assert.equal(c.allowInsecureUrls, false);
    assert.equal(c.rateLimitPerSecond, 5000);
    assert.equal(c.secretKeys[0]!.id, 'k1');
  });

  it('ALLOWED_TARGET_CIDRS and ALLOW_PRIVATE_TARGETS open what they name', () => {
    assert.equal(loadConfig({ ...base, ALLOWED_TARGET_CIDRS: '127.0.0.0/8, ::1/128' }).targetPolicy.checkText('::1')?.allowed, true);
    assert.equal(loadConfig({ ...base, ALLOW_PRIVATE_TARGETS: 'true' }).targetPolicy.checkText('10.0.0.1')?.allowed, true);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a missing SECRETS_KEY', { ADMIN_API_KEY: base.ADMIN_API_KEY }, /SECRETS_KEY is required/],
    ['a SECRETS_KEY without an id', { ...base, SECRETS_KEY: Buffer.alloc(32).toString('base64') }, /<key id>:<base64 key>/],
    ['a short SECRETS_KEY', { ...base, SECRETS_KEY: 'k1:c2hvcnQ=' }, /exactly 32 bytes/],
    ['a bad CIDR', { ...base, ALLOWED_TARGET_CIDRS: '127.0.0.0/8,10.0.0.0/40' }, /10\.0\.0\.0\/40 is not a CIDR/],
    ['a negative rate limit', { ...base, RATE_LIMIT_PER_SECOND: '-1' }, /RATE_LIMIT_PER_SECOND/],
  ];
  for (const [what, env, message] of bad) {
    it(`refuses ${what} with a clear message`, () => {
      assert.throws(() => loadConfig(env), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }
});

describe('console configuration: PUBLIC_URL, PORTAL_FRAME_ANCESTORS, CONSOLE_DIR', () => {
  it('defaults: PUBLIC_URL from HOST and PORT (loopback for a wildcard HOST), no frame ancestors, the built console', () => {
    const c = loadConfig(base);
    assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
    assert.deepEqual(c.portalFrameAncestors, []);
    assert.equal(c.consoleDir, '');
    assert.equal(loadConfig({ ...base, HOST: 'api.internal', PORT: '8080' }).publicUrl, 'http://api.internal:8080');
    assert.equal(loadConfig({ ...base, HOST: '::1', PORT: '8080' }).publicUrl, 'http://[::1]:8080');
  });

  const good: Array<[string, string]> = [
    ['https://hooks.example.com', 'https://hooks.example.com'],
    ['https://hooks.example.com/', 'https://hooks.example.com'],
    ['https://example.com:8443/hookrelay/', 'https://example.com:8443/hookrelay'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000'],
  ];
  for (const [raw, want] of good) {
    it(`PUBLIC_URL ${raw} -> ${want}`, () => assert.equal(loadConfig({ ...base, PUBLIC_URL: raw }).publicUrl, want));
  }

  it('PORTAL_FRAME_ANCESTORS: https origins and self, each once', () => {
    assert.deepEqual(loadConfig({ ...base, PORTAL_FRAME_ANCESTORS: " 'self'  https://app.example.com https://a.example.com:8443 https://app.example.com/ " }).portalFrameAncestors, [
      "'self'",
      'https://app.example.com',
      'https://a.example.com:8443',
    ]);
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    ['a PUBLIC_URL that is not a URL', { PUBLIC_URL: 'hooks.example.com' }, /PUBLIC_URL must be where people reach the API/],
    ['a PUBLIC_URL on ftp', { PUBLIC_URL: 'ftp://example.com' }, /PUBLIC_URL must be .* \(not ftp:\)/],
    ['a PUBLIC_URL with a query', { PUBLIC_URL: 'https://example.com/?a=1' }, /no credentials, query or fragment/],
    ['a PUBLIC_URL with credentials', { PUBLIC_URL: 'https://u:p@example.com' }, /no credentials, query or fragment/],
    ['an http frame ancestor', { PORTAL_FRAME_ANCESTORS: 'http://app.example.com' }, /http:\/\/app\.example\.com is not an https origin/],
    ['a frame ancestor with a path', { PORTAL_FRAME_ANCESTORS: 'https://app.example.com/embed' }, /is not an https origin/],
    ['a wildcard frame ancestor', { PORTAL_FRAME_ANCESTORS: 'https://*.example.com' }, /is not an https origin/],
    ["'none' among frame ancestors", { PORTAL_FRAME_ANCESTORS: "'none'" }, /'none' is not an https origin .* or 'self'/],
    ['a bare host as frame ancestor', { PORTAL_FRAME_ANCESTORS: 'app.example.com' }, /is not an https origin/],
  ];
  for (const [what, env, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => loadConfig({ ...base, ...env }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }
});
