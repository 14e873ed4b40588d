import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pgBase } from '../support/test-env.js';

// `npm start` (scripts/start.mjs) as a newcomer meets it: each check that stops it before anything
// starts says what is wrong and what to set, in one line. (The happy path, migrating a database and
// running the platform, is what the README's tour is checked against by hand.)
const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = (s.address() as AddressInfo);
  await new Promise((r) => s.close(r));
  return port;
}

describe('npm start: the checks before anything starts', () => {
  let occupied: net.Server;
  let occupiedPort: number;
  // A database name that is never created: every case below stops before migrating.
  const databaseUrl = `${pgBase}/never_created_by_start_test`;

  before(async () => {
    occupied = net.createServer();
    await new Promise<void>((r) => occupied.listen(0, '127.0.0.1', r));
    occupiedPort = (occupied.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => occupied.close(r));
  });

  it('names a DATABASE_URL that is a host and port, as the apps would', async () => {
    const run = await start({ DATABASE_URL: 'localhost:5432' });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'start: DATABASE_URL must be a postgresql:// URL such as postgresql://postgres@127.0.0.1:5432/webhooks, not a host and port (localhost:5432)\n');
    assert.doesNotMatch(run.stdout, /ready|migrat/);
  });

  it('refuses a port in use before starting anything, naming the variable to set', async () => {
    const run = await start({ DATABASE_URL: databaseUrl, PORT: String(occupiedPort), WORKER_PORT: String(await freePort()) });
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `start: port ${occupiedPort} (PORT, the API) is in use, perhaps by another npm start: stop that, or set PORT to a free port, e.g. PORT=${occupiedPort + 100} npm start\n`);
    assert.doesNotMatch(run.stdout, /ready/);
    const worker = await start({ DATABASE_URL: databaseUrl, PORT: String(await freePort()), WORKER_PORT: String(occupiedPort) });
    assert.equal(worker.code, 1);
    assert.match(worker.stderr, new RegExp(`^start: port ${occupiedPort} \\(WORKER_PORT, the worker's health server\\) is in use.*set WORKER_PORT to a free port`));
  });

  it('names the port in the hint for a Redis that is not running', async () => {
    const closed = await freePort();
    const run = await start({ DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${closed}`, PORT: String(await freePort()), WORKER_PORT: String(await freePort()) });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      `start: cannot reach Redis at 127.0.0.1:${closed} (ECONNREFUSED): start it with \`REDIS_PORT=${closed} docker compose up -d postgres redis\` (or a local install: \`redis-server --port ${closed} --daemonize yes\`), then run npm start again\n`,
    );
  });
});

describe('the README on npm start', () => {
  it('says how many variables npm start fills, and names each', async () => {
    const { DEV_DEFAULTS } = (await import(new URL('scripts/dev-defaults.mjs', `file://${root}`).href)) as { DEV_DEFAULTS: Array<{ name: string; value: string }> };
    const readme = readFileSync(`${root}README.md`, 'utf8');
    const claim = /For a local setup `npm start` fills (\w+) variables when they are unset[^]*?\n\n/.exec(readme);
    assert.ok(claim, 'the README says how many variables npm start fills');
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    assert.equal(words.indexOf(claim[1]!), DEV_DEFAULTS.length, `the README says ${claim[1]}; npm start fills ${DEV_DEFAULTS.length}`);
    for (const d of DEV_DEFAULTS) assert.ok(claim[0].includes(`\`${d.name}`), `the README names ${d.name}`);
  });
});
