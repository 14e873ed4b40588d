import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './app-config.js';

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
