#!/usr/bin/env node
// `npm start`: the platform on one machine. Checks that Postgres and Redis answer (one line saying how
// to start whichever does not), fills development defaults, migrates the database, builds dist/, then
// runs the API and the worker as child processes with prefixed output until both have exited.
// Production runs each process on its own: `npm run start:api`, `npm run start:worker`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEV_ADMIN_API_KEY = 'dev-admin-key-change-me';
// A fixed development key, so secrets sealed by one local run open in the next. Never use it elsewhere.
const DEV_SECRETS_KEY = 'dev1:aG9va3JlbGF5LWxvY2FsLWRldmVsb3BtZW50LWtleSE=';
const DEV_ALLOWED_TARGET_CIDRS = '127.0.0.0/8,::1/128';
const CHECK_TIMEOUT_MS = 3000;

const env = { ...process.env };
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/webhooks';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';

const PREFIX_WIDTH = 7;
const prefixFor = (name) => `${name.padEnd(PREFIX_WIDTH)} | `;
const say = (line) => console.log(`${prefixFor('start')}${line}`);

function address(url, defaultPort) {
  try {
    const u = new URL(url);
    return { host: u.hostname, port: Number(u.port || defaultPort), text: `${u.hostname}:${u.port || defaultPort}` };
  } catch {
    return { host: '', port: defaultPort, text: url };
  }
}

function isLoopback(host) {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host);
}

/** How to start a local Postgres: the Debian/Ubuntu cluster tool when one is installed. */
function localPostgresCommand() {
  try {
    const versions = readdirSync('/etc/postgresql');
    if (versions.length > 0) return `pg_ctlcluster ${versions.sort().at(-1)} main start`;
  } catch {
    // no Debian-style cluster: fall through to the generic hint
  }
  return 'pg_ctl -D <data dir> start';
}

async function checkPostgres() {
  // The `postgres` database always exists; the target database may not yet (db:migrate creates it).
  const admin = new URL(env.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: CHECK_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return err.code ?? err.message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis() {
  const redis = new Redis(env.REDIS_URL, {
    lazyConnect: true,
    connectTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket error (ECONNREFUSED, ...) says more than the rejection ("Connection is closed.").
  let socketError;
  redis.on('error', (err) => (socketError ??= err));
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG' ? null : 'no PONG';
  } catch (err) {
    const cause = socketError ?? err;
    return cause.code ?? cause.message;
  } finally {
    redis.disconnect();
  }
}

/** One line naming each dependency that is down, its address and the command that starts it. */
async function preflight() {
  const pgAddr = address(env.DATABASE_URL, 5432);
  const redisAddr = address(env.REDIS_URL, 6379);
  const [pgError, redisError] = await Promise.all([checkPostgres(), checkRedis()]);
  const down = [];
  const local = [];
  if (pgError) {
    down.push(`Postgres at ${pgAddr.text} (${pgError})`);
    local.push(isLoopback(pgAddr.host) ? localPostgresCommand() : 'check DATABASE_URL');
  }
  if (redisError) {
    down.push(`Redis at ${redisAddr.text} (${redisError})`);
    local.push(isLoopback(redisAddr.host) ? 'redis-server --daemonize yes' : 'check REDIS_URL');
  }
  if (down.length === 0) return;
  console.error(
    `start: cannot reach ${down.join(' and ')}: start ${down.length > 1 ? 'them' : 'it'} with \`docker compose up -d postgres redis\` (or a local install: \`${local.join('` and `')}\`), then run npm start again`,
  );
  process.exit(1);
}

function fillDevelopmentDefaults() {
  if (!env.ADMIN_API_KEY) {
    env.ADMIN_API_KEY = DEV_ADMIN_API_KEY;
    say(`ADMIN_API_KEY is not set: using the development key ${DEV_ADMIN_API_KEY} (set your own for anything but a local setup)`);
  }
  if (env.ALLOW_INSECURE_URLS === undefined) {
    env.ALLOW_INSECURE_URLS = 'true';
    say('ALLOW_INSECURE_URLS is not set: using true, so endpoints may be plain http:// receivers on this machine');
  }
  if (!env.SECRETS_KEY) {
    env.SECRETS_KEY = DEV_SECRETS_KEY;
    say('SECRETS_KEY is not set: using a fixed development key to seal signing secrets (set your own: id:$(openssl rand -base64 32))');
  }
  if (env.ALLOWED_TARGET_CIDRS === undefined) {
    env.ALLOWED_TARGET_CIDRS = DEV_ALLOWED_TARGET_CIDRS;
    say(`ALLOWED_TARGET_CIDRS is not set: using ${DEV_ALLOWED_TARGET_CIDRS}, so webhooks may go to receivers on this machine`);
  }
}

/** Copies a stream to stdout line by line, each line prefixed. */
function pipeLines(stream, prefix, out) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => out.write(`${prefix}${line}\n`));
}

/** Runs a step to completion with prefixed output; exits on failure. `quiet` shows only the lines
 * `keep` selects, unless the step fails, when everything it printed is shown. */
function runStep(name, args, what, { quiet = false, keep = () => true } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = prefixFor(name);
    const held = [];
    for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        if (!quiet) out.write(`${prefix}${line}\n`);
        else held.push({ line, out });
      });
    }
    child.on('close', (code, signal) => {
      for (const { line, out } of held) if (code !== 0 || keep(line)) out.write(`${prefix}${line}\n`);
      if (code === 0) return resolve();
      console.error(`start: ${what} failed (${signal ?? `exit code ${code}`}); see the lines above`);
      process.exit(code || 1);
    });
  });
}

async function build() {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  if (existsSync(tsc)) {
    say('building dist/ (tsc, incremental)');
    await runStep('build', [tsc, '-p', 'tsconfig.build.json'], 'the build');
    return;
  }
  // A production install (--omit=dev) has no TypeScript: run what was built.
  if (!existsSync(`${root}dist/apps/api/src/main.js`) || !existsSync(`${root}dist/apps/worker/src/main.js`)) {
    console.error('start: dist/ is not built and TypeScript is not installed: run `npm ci && npm run build` first');
    process.exit(1);
  }
}

/** Runs the API and the worker until both have exited. A failure of either stops the other. */
function runPlatform() {
  const processes = [
    // The same heap caps as `npm run start:api` / `start:worker` (bench/README.md: they bound the RSS).
    { name: 'api', main: 'dist/apps/api/src/main.js', nodeArgs: ['--max-old-space-size=192'] },
    { name: 'worker', main: 'dist/apps/worker/src/main.js', nodeArgs: ['--max-old-space-size=192'] },
  ];
  let stopping = null;
  let failed = false;
  let running = processes.length;

  const stopAll = (signal) => {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  };

  for (const p of processes) {
    // Own process group: a terminal's Ctrl-C reaches only this script, which forwards it once.
    p.child = spawn(process.execPath, ['--enable-source-maps', ...p.nodeArgs, p.main], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const prefix = prefixFor(p.name);
    pipeLines(p.child.stdout, prefix, process.stdout);
    pipeLines(p.child.stderr, prefix, process.stderr);
    p.child.on('exit', (code, signal) => {
      running -= 1;
      const clean = code === 0 || (stopping !== null && signal !== null);
      if (!clean) failed = true;
      say(`${p.name} exited (${signal ?? `code ${code}`})`);
      if (stopping === null) {
        stopping = 'SIGTERM';
        say(`${p.name} stopped on its own: stopping the rest`);
        stopAll('SIGTERM');
      }
      if (running === 0) process.exit(failed ? 1 : 0);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (stopping === null) {
        stopping = signal;
        say(`${signal}: stopping the API and the worker (again to force)`);
        stopAll(signal);
      } else {
        say(`${signal} again: killing the API and the worker`);
        stopAll('SIGKILL');
      }
    });
  }
  // If this script dies some other way, do not leave the children running.
  process.on('exit', () => stopAll('SIGKILL'));
}

async function answers(url) {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** One line once the API (its OpenAPI document, which only the API serves) and the worker answer. */
async function announceWhenReady() {
  const api = `http://127.0.0.1:${env.PORT ?? '3000'}`;
  const worker = `http://127.0.0.1:${env.WORKER_PORT ?? '3001'}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await answers(`${api}/docs-json`)) && (await answers(`${worker}/health/live`))) {
      say(`ready: API ${api} (OpenAPI docs ${api}/docs), worker health ${worker}/health; Ctrl-C stops both`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

for (const [name, url] of [['DATABASE_URL', env.DATABASE_URL], ['REDIS_URL', env.REDIS_URL]]) {
  if (!URL.canParse(url)) {
    console.error(`start: ${name} is not a URL: ${url}`);
    process.exit(1);
  }
}
await preflight();
fillDevelopmentDefaults();
say(`database ${address(env.DATABASE_URL, 5432).text}${new URL(env.DATABASE_URL).pathname}: creating if missing and applying migrations`);
await runStep('migrate', ['scripts/db-migrate.mjs'], 'db:migrate', {
  quiet: true,
  keep: (line) => /^db:migrate:|migrations? found|have been applied|No pending migrations|successfully applied/i.test(line),
});
await build();
runPlatform();
void announceWhenReady();
