import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionAddress, databaseUrlProblem, redisUrlProblem } from './connection-urls.js';

describe('connection URLs', () => {
  const databaseUrls: Array<[string, RegExp | null]> = [
    ['postgresql://postgres@127.0.0.1:5432/webhooks', null],
    ['postgres://u:p@db/x', null],
    ['postgresql://u@[::1]:5433/x?sslmode=require', null],
    ['localhost:5432', /^DATABASE_URL must be a postgresql:\/\/ URL such as postgresql:\/\/postgres@127\.0\.0\.1:5432\/webhooks, not a host and port \(localhost:5432\)$/],
    ['127.0.0.1:5432/webhooks', /not a host and port \(127\.0\.0\.1:5432\/webhooks\)/],
    ['mysql://db/x', /^DATABASE_URL must be a postgresql:\/\/ URL .*, not mysql:\/\/\.\.\.$/],
    ['webhooks', /webhooks is not a URL/],
    ['postgresql://', /DATABASE_URL must name a host/],
    ['postgresql://u:s3cret@db:99999/x', /DATABASE_URL .*postgresql:\/\/u:\*\*\*@db:99999\/x is not a URL/],
  ];
  for (const [value, expected] of databaseUrls) {
    it(`DATABASE_URL=${value}: ${expected ?? 'usable'}`, () => {
      const problem = databaseUrlProblem(value);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', expected);
      assert.ok(!problem?.includes('s3cret'), 'a password is never echoed');
    });
  }

  const redisUrls: Array<[string, RegExp | null]> = [
    ['redis://127.0.0.1:6379', null],
    ['rediss://:pw@cache:6380/2', null],
    ['redis://cache/', null],
    ['localhost:6379', /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL such as redis:\/\/127\.0\.0\.1:6379, not a host and port \(localhost:6379\)$/],
    ['http://cache', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['redis://cache:6379/queues', /REDIS_URL may end only in a database number/],
  ];
  for (const [value, expected] of redisUrls) {
    it(`REDIS_URL=${value}: ${expected ?? 'usable'}`, () => {
      const problem = redisUrlProblem(value);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', expected);
    });
  }

  it('gives the address to connect to, with the default port', () => {
    assert.deepEqual(connectionAddress('redis://cache', 6379), { host: 'cache', port: 6379, text: 'cache:6379' });
    assert.deepEqual(connectionAddress('postgresql://u:p@db:5433/x', 5432), { host: 'db', port: 5433, text: 'db:5433' });
  });
});
