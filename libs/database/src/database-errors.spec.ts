import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable, isForeignKeyViolation, isUniqueViolation } from './database-errors.js';
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

describe('isUniqueViolation and isForeignKeyViolation', () => {
  const cases: Array<[string, unknown, boolean, boolean]> = [
    ['pg error 23505', Object.assign(new Error('duplicate key'), { code: '23505' }), true, false],
    ['pg error 23503', Object.assign(new Error('violates foreign key'), { code: '23503' }), false, true],
    ['Prisma P2002', new Prisma.PrismaClientKnownRequestError('Unique constraint', { code: 'P2002', clientVersion: '6.19.3' }), true, false],
    ['Prisma P2003', new Prisma.PrismaClientKnownRequestError('Foreign key', { code: 'P2003', clientVersion: '6.19.3' }), false, true],
    ['raw query 23505', rawQueryFailed('23505'), true, false],
    ['a system error code is not a SQLSTATE', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), false, false],
    ['a plain error', new Error('boom'), false, false],
  ];
  for (const [name, err, unique, foreignKey] of cases) {
    it(name, () => assert.deepEqual([isUniqueViolation(err), isForeignKeyViolation(err)], [unique, foreignKey]));
  }
});
