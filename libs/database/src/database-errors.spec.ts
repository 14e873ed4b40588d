import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from './database-errors.js';
import { Prisma } from './generated/client.js';

function rawQueryFailed(originalCode: string) {
  return new Prisma.PrismaClientKnownRequestError('Raw query failed', {
    code: 'P2010',
    clientVersion: '6.19.3',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { originalCode, kind: 'postgres', code: originalCode } } },
  });
}

describe('isDatabaseUnavailable', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    ['raw query cut by a server shutdown (57P01)', rawQueryFailed('57P01'), true],
    ['raw query while the server starts (57P03)', rawQueryFailed('57P03'), true],
    ['raw query refused for a unique violation', rawQueryFailed('23505'), false],
    ['a plain error', new Error('boom'), false],
  ];
  for (const [name, err, expected] of cases) {
    it(name, () => assert.equal(isDatabaseUnavailable(err), expected));
  }
});
