import { createHash } from 'node:crypto';
import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { AppConfig } from '#libs/config';
import { PrismaClient } from './generated/client.js';
import { createPgPool } from './pg-pool.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  readonly pool: pg.Pool;

  constructor(config: AppConfig) {
    const pool = createPgPool({ connectionString: config.databaseUrl, max: config.databasePoolSize, applicationName: 'hookrelay' });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    // An idle client losing its connection (Postgres restart) must not crash the process.
    pool.on('error', () => undefined);
  }

  /** Fails start-up at once when Postgres cannot be reached, with the address in the message. */
  async onModuleInit(): Promise<void> {
    try {
      await this.$queryRaw`SELECT 1`;
    } catch (err) {
      const where = safeAddress(this.pool.options.connectionString);
      throw new Error(`Postgres is not reachable at ${where}: ${lastLine((err as Error).message)}`);
    }
  }

  /** Hot paths only: a parameterised statement straight on the pg pool. Prisma's raw queries cost
   * about five times the CPU per statement (measured: 0.35 ms against 0.07 ms), which on the
   * dispatch and delivery paths is most of the process's work. The statement is prepared once per
   * connection under a name derived from its text, so Postgres no longer parses it on every call,
   * and after five calls usually keeps its generic plan; the plan is made again whenever autovacuum
   * analyses a table it reads (prisma/migrations/20261201170000_hot_tables_autovacuum;
   * test/integration/query-plans.test.ts). */
  async rows<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return poolRows<T>(this.pool, text, values);
  }

  async isUp(): Promise<boolean> {
    try {
      await this.$queryRaw`SELECT 1`;
      return true;
    } catch {
      return false;
    }
  }

  /** After workers and the HTTP server have stopped (Nest runs onModuleDestroy before those). */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    await this.pool.end().catch(() => undefined);
  }
}

/** Prisma's messages span several lines with the cause last; a start-up failure is one line. */
function lastLine(message: string): string {
  return message.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'unknown error';
}

function safeAddress(url: string | undefined): string {
  try {
    const u = new URL(url ?? '');
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** `PrismaService.rows` on any pg pool (the bench's Postgres floor uses it too). */
export async function poolRows<T>(pool: pg.Pool, text: string, values: unknown[] = []): Promise<T[]> {
  return (await pool.query({ name: statementName(text), text, values })).rows as T[];
}

const statementNames = new Map<string, string>();

/** A prepared statement's name: the same for the same text, in every process and connection. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `hr_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}
