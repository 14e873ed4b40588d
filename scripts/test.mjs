#!/usr/bin/env node
// The test command: compiles everything (tests included), migrates a template database once, runs
// every suite with node's test runner, then removes every database and Redis key the run made.
//   npm test                      all suites
//   npm test -- unit|integration|e2e|fault|browser [more...]   only those suites
//   npm test -- integration rate-limit                 only files whose path contains rate-limit
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

const root = fileURLToPath(new URL('..', import.meta.url));
const pgBase = process.env.TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = `hrt_${randomBytes(4).toString('hex')}`;
const template = `${runId}_tmpl`;

const SUITES = {
  unit: (f) => f.endsWith('.spec.js') && (f.startsWith('dist/libs/') || f.startsWith('dist/packages/')),
  integration: (f) => f.startsWith('dist/test/integration/') && f.endsWith('.test.js'),
  e2e: (f) => f.startsWith('dist/test/e2e/') && f.endsWith('.test.js'),
  fault: (f) => f.startsWith('dist/test/fault/') && f.endsWith('.test.js'),
  browser: (f) => f.startsWith('dist/test/browser/') && f.endsWith('.test.js'),
};
const wanted = process.argv.slice(2).filter((a) => a in SUITES);
const suites = wanted.length > 0 ? wanted : Object.keys(SUITES);
const fileFilters = process.argv.slice(2).filter((a) => !(a in SUITES));

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else out.push(relative(root, p));
  }
  return out;
}

async function preflight() {
  const c = new pg.Client({ connectionString: `${pgBase}/postgres`, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
  } catch (err) {
    console.error(`Postgres is not reachable at ${pgBase} (${err.message}). Start it (see README) and run again.`);
    process.exit(1);
  }
  await c.end();
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
  } catch (err) {
    console.error(`Redis is not reachable at ${redisUrl} (${err.message}). Start it (see README) and run again.`);
    process.exit(1);
  }
  r.disconnect();
}

async function cleanup() {
  const c = new pg.Client({ connectionString: `${pgBase}/postgres` });
  await c.connect();
  const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${runId}%`]);
  for (const { datname } of rows) {
    await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch((e) => console.error(`could not drop ${datname}: ${e.message}`));
  }
  await c.end();
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let removed = 0;
  // Keys start with the hash-tagged prefix `{<prefix>}:` (older ones with `<prefix>:`).
  for (const pattern of [`${runId}*`, `{${runId}*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) removed += await r.unlink(...keys);
    } while (cursor !== '0');
  }
  r.disconnect();
  return { databases: rows.length, redisKeys: removed };
}

await preflight();
// The client package first: the tests import it as @hookrelay/client, through its built dist/.
const client = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/client/tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (client.status !== 0) process.exit(client.status ?? 1);
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The console (apps/console) is a browser app with its own compiler settings.
for (const project of ['apps/console/tsconfig.json', 'apps/console/tsconfig.node.json']) {
  const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// Browser tests drive the built console: build it (with its size check) before they run.
if (suites.includes('browser')) {
  const r = spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const files = walk(join(root, 'dist'))
  .filter((f) => suites.some((s) => SUITES[s](f)) && (fileFilters.length === 0 || fileFilters.some((x) => f.includes(x))))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

let code = 1;
try {
  const migrate = spawnSync(process.execPath, ['scripts/db-migrate.mjs'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `${pgBase}/${template}` },
    encoding: 'utf8',
  });
  if (migrate.status !== 0) {
    console.error(migrate.stdout, migrate.stderr);
    throw new Error('migrating the template database failed');
  }
  const child = spawn(
    process.execPath,
    ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, '--test-timeout=600000', ...files],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TEST_RUN_ID: runId, TEST_TEMPLATE_DB: template, TEST_PG_URL: pgBase, TEST_REDIS_URL: redisUrl, NODE_ENV: 'test' },
    },
  );
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0))));
} finally {
  const left = await cleanup();
  console.log(`test run ${runId}: removed ${left.databases} databases and ${left.redisKeys} Redis keys`);
}
process.exit(code);
