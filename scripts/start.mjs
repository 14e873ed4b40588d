#!/usr/bin/env node
// `npm start`: the platform on one machine. Checks DATABASE_URL and REDIS_URL as the apps do, that the
// ports are free and that Postgres and Redis answer (one line saying what to do about whichever is
// not), fills development defaults, migrates the database, builds dist/, then runs the API and the
// worker as child processes with prefixed output until both have exited.
// Production runs each process on its own: `npm run start:api`, `npm run start:worker`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { DEV_DEFAULTS } from './dev-defaults.mjs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`start: this is Node ${process.version}; Hookrelay runs on Node 24 LTS (or 22.19 and later): install it and run npm start again`);
  process.exit(1);
}
// The apps' own checks, imported as TypeScript (Node 22.18+ strips the types): no build needed yet.
const { connectionAddress, databaseUrlProblem, redisUrlProblem } = await import('../libs/config/src/connection-urls.ts');

const root = fileURLToPath(new URL('..', import.meta.url));
const CHECK_TIMEOUT_MS = 3000;

const env = { ...process.env };
env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/webhooks';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';

const PREFIX_WIDTH = 7;
const prefixFor = (name) => `${name.padEnd(PREFIX_WIDTH)} | `;
const say = (line) => console.log(`${prefixFor('start')}${line}`);

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
  const pgAddr = connectionAddress(env.DATABASE_URL, 5432);
  const redisAddr = connectionAddress(env.REDIS_URL, 6379);
  const [pgError, redisError] = await Promise.all([checkPostgres(), checkRedis()]);
  const down = [];
  const local = [];
  if (pgError) {
    down.push(`Postgres at ${pgAddr.text} (${pgError})`);
    local.push(isLoopback(pgAddr.host) ? localPostgresCommand() : 'check DATABASE_URL');
  }
  if (redisError) {
    down.push(`Redis at ${redisAddr.text} (${redisError})`);
    local.push(isLoopback(redisAddr.host) ? `redis-server --port ${redisAddr.port} --daemonize yes` : 'check REDIS_URL');
  }
  if (down.length === 0) return;
  // docker-compose.yml publishes the ports it is given (POSTGRES_PORT, REDIS_PORT).
  const composePorts = [pgAddr.port !== 5432 ? `POSTGRES_PORT=${pgAddr.port} ` : '', redisAddr.port !== 6379 ? `REDIS_PORT=${redisAddr.port} ` : ''].join('');
  console.error(
    `start: cannot reach ${down.join(' and ')}: start ${down.length > 1 ? 'them' : 'it'} with \`${composePorts}docker compose up -d postgres redis\` (or a local install: \`${local.join('` and `')}\`), then run npm start again`,
  );
  process.exit(1);
}

/** Sets each development default whose variable is unset; returns the lines saying so. */
function fillDevelopmentDefaults() {
  const said = [];
  for (const d of DEV_DEFAULTS) {
    if (env[d.name] === undefined || (d.whenEmpty && env[d.name] === '')) {
      env[d.name] = d.value;
      said.push(`${d.name} is not set: ${d.why}`);
    }
  }
  return said;
}

/** The apps' own check of the connection URLs, before anything connects. */
function validateUrls() {
  const problems = [databaseUrlProblem(env.DATABASE_URL), redisUrlProblem(env.REDIS_URL)].filter(Boolean);
  if (problems.length === 0) return;
  for (const p of problems) console.error(`start: ${p}`);
  process.exit(1);
}

/** Whether this process could listen on host:port now (so the apps can): null, or the error code. */
function portTaken(host, port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Before anything starts: the API's and the worker's ports must be free, or the probe below would
 * find another instance there and call this one ready. */
async function checkPorts() {
  const wanted = [
    ['PORT', env.PORT ?? '3000', 'the API'],
    ['WORKER_PORT', env.WORKER_PORT ?? '3001', "the worker's health server"],
  ];
  // A value that is not a port is the apps' to refuse, with their own message.
  const ports = wanted.filter(([, value]) => /^\d+$/.test(value) && Number(value) > 0 && Number(value) < 65536);
  if (ports.length === 2 && ports[0][1] === ports[1][1]) {
    console.error(`start: PORT and WORKER_PORT are both ${ports[0][1]}: set one of them to another port`);
    process.exit(1);
  }
  const problems = [];
  for (const [name, value, what] of ports) {
    const code = await portTaken(env.HOST, Number(value));
    if (code === 'EADDRINUSE') {
      problems.push(`port ${value} (${name}, ${what}) is in use, perhaps by another npm start: stop that, or set ${name} to a free port, e.g. ${name}=${Number(value) + 100} npm start`);
    } else if (code) {
      problems.push(`cannot listen on ${env.HOST}:${value} (${name}, ${what}): ${code}; check HOST and ${name}`);
    }
  }
  if (problems.length === 0) return;
  for (const p of problems) console.error(`start: ${p}`);
  process.exit(1);
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
    { name: 'api', main: 'dist/apps/api/src/main.js', nodeArgs: ['--max-old-space-size=192', '--max-semi-space-size=16'] },
    { name: 'worker', main: 'dist/apps/worker/src/main.js', nodeArgs: ['--max-old-space-size=192', '--max-semi-space-size=16'] },
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

/** The host to reach the apps at: a wildcard address answers on loopback. */
function probeHost() {
  const host = env.HOST;
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** One line once the API (its OpenAPI document, which only the API serves) and the worker answer. */
async function announceWhenReady() {
  const api = `http://${probeHost()}:${env.PORT ?? '3000'}`;
  const worker = `http://${probeHost()}:${env.WORKER_PORT ?? '3001'}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await answers(`${api}/docs-json`)) && (await answers(`${worker}/health/live`))) {
      say(`ready: API ${api} (OpenAPI docs ${api}/docs), worker health ${worker}/health; Ctrl-C stops both`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

validateUrls();
const filled = fillDevelopmentDefaults();
await checkPorts();
await preflight();
for (const line of filled) say(line);
const database = connectionAddress(env.DATABASE_URL, 5432);
say(`database ${database.text}${new URL(env.DATABASE_URL).pathname}: creating if missing and applying migrations`);
await runStep('migrate', ['scripts/db-migrate.mjs'], 'db:migrate', {
  quiet: true,
  keep: (line) => /^db:migrate:|migrations? found|have been applied|No pending migrations|successfully applied/i.test(line),
});
await build();
runPlatform();
void announceWhenReady();
