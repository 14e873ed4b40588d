#!/usr/bin/env node
// Applies prisma/migrations to DATABASE_URL, creating the database first if it does not exist.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/webhooks';
const target = new URL(url);
const dbName = decodeURIComponent(target.pathname.slice(1));
if (!/^[A-Za-z0-9_-]{1,63}$/.test(dbName)) {
  console.error(`db:migrate: unsupported database name in DATABASE_URL: ${dbName}`);
  process.exit(1);
}
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
try {
  await client.connect();
} catch (err) {
  console.error(`db:migrate: Postgres is not reachable at ${target.hostname}:${target.port || 5432} (${err.message}). Start it: docker compose up -d postgres redis`);
  process.exit(1);
}
const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
if (rowCount === 0) {
  await client.query(`CREATE DATABASE "${dbName}"`);
  console.log(`db:migrate: created database ${dbName}`);
}
await client.end();

const root = fileURLToPath(new URL('..', import.meta.url));
const res = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'migrate', 'deploy'], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  stdio: 'inherit',
});
if (res.status !== 0) process.exit(res.status ?? 1);

// Statistics at once, not at autovacuum's next visit: the hot paths keep generic plans, which are
// made from them (see prisma/migrations/20261201170000_hot_tables_autovacuum).
const db = new pg.Client({ connectionString: url });
await db.connect();
await db.query('ANALYZE');
await db.end();
process.exit(0);
