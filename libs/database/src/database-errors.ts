import { Prisma } from './generated/client.js';

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const PRISMA_UNREACHABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** True when an error means Postgres could not be reached or dropped the connection,
 * as opposed to a query the database refused. Classified by error class and code. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (PRISMA_UNREACHABLE.has(err.code)) return true;
    // A raw query (P2010) whose connection Postgres ended carries the server's code here.
    const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
    if (typeof cause?.originalCode === 'string' && UNREACHABLE_CODES.has(cause.originalCode)) return true;
  }
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    const kind = (e as { cause?: { kind?: unknown; originalCode?: unknown } }).cause;
    if (kind && typeof kind.originalCode === 'string' && UNREACHABLE_CODES.has(kind.originalCode)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The Postgres SQLSTATE behind an error from the pg pool or from Prisma, if there is one. */
export function postgresCode(err: unknown): string | undefined {
  if (err instanceof Prisma.PrismaClientKnownRequestError) {
    if (err.code === 'P2002') return '23505';
    if (err.code === 'P2003') return '23503';
    const cause = (err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined)?.driverAdapterError?.cause;
    return typeof cause?.originalCode === 'string' ? cause.originalCode : undefined;
  }
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A unique index refused the row (23505). */
export function isUniqueViolation(err: unknown): boolean {
  return postgresCode(err) === '23505';
}

/** A row refers to one that is gone (23503): in practice a tenant deleted while its request ran. */
export function isForeignKeyViolation(err: unknown): boolean {
  return postgresCode(err) === '23503';
}
