import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Clock } from '#libs/common';
import { WebhookSender } from '#libs/delivery';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { testConfig, waitUntil } from '../support/test-env.js';

// Every spelling a URL can use to reach somewhere inside the network.
const BLOCKED_URLS: Array<[string, string]> = [
  ['http://127.0.0.1/hook', 'loopback'],
  ['http://0x7f000001/hook', 'loopback'],
  ['http://2130706433/hook', 'loopback'],
  ['http://017700000001/hook', 'loopback'],
  ['http://127.1/hook', 'loopback'],
  ['http://[::1]/hook', 'loopback'],
  ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
  ['http://[::ffff:7f00:1]/hook', 'loopback'],
  ['http://localhost:8080/hook', 'loopback'],
  ['http://api.localhost/hook', 'loopback'],
  ['http://169.254.169.254/latest/meta-data/', 'link-local'],
  ['http://[::ffff:169.254.169.254]/', 'link-local'],
  ['http://0xa9fea9fe/', 'link-local'],
  ['http://[fe80::1]/', 'link-local'],
  ['http://10.0.0.1/', 'private'],
  ['http://172.16.5.4/', 'private'],
  ['http://192.168.0.10/', 'private'],
  ['https://192.168.0.10:8443/x', 'private'],
  ['http://100.64.0.1/', 'cgnat'],
  ['http://224.0.0.251/', 'multicast'],
  ['http://[ff02::1]/', 'multicast'],
  ['http://240.0.0.1/', 'reserved'],
  ['http://0.0.0.0/', 'unspecified'],
  ['http://0/', 'unspecified'],
  ['http://[::]/', 'unspecified'],
  ['http://[fd00::1]/', 'unique-local'],
];

describe('SSRF: registration refuses internal destinations (no allow-list)', () => {
  let platform: TestPlatform;
  let tenant: Tenant;

  before(async () => {
    platform = await TestPlatform.start({ env: { ALLOWED_TARGET_CIDRS: '' }, worker: false });
    tenant = await platform.createTenant();
  });
  after(async () => platform?.stop());

  for (const [url, kind] of BLOCKED_URLS) {
    it(`refuses ${url} (${kind})`, async () => {
      const res = await tenant.client.post('/v1/endpoints', { url, eventTypes: ['a.b'] });
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.message, new RegExp(`must point at a public address: .* is a ${kind} address`));
    });
  }

  it('stored nothing, and refuses a PATCH to an internal URL without changing the endpoint', async () => {
    assert.equal((await platform.query('SELECT count(*)::int AS n FROM endpoints'))[0].n, 0);
    const ok = await tenant.client.post('/v1/endpoints', { url: 'https://hooks.example.com/in', eventTypes: ['a.b'] });
    assert.equal(ok.status, 201, ok.text);
    const res = await tenant.client.patch(`/v1/endpoints/${ok.body.id}`, { url: 'http://169.254.169.254/' });
    assert.equal(res.status, 400);
    assert.equal((await tenant.client.get(`/v1/endpoints/${ok.body.id}`)).body.url, 'https://hooks.example.com/in');
  });

  it('accepts public addresses and names', async () => {
    for (const url of ['https://8.8.8.8/hook', 'https://[2606:4700:4700::1111]/hook', 'https://example.com/hook']) {
      const res = await tenant.client.post('/v1/endpoints', { url, eventTypes: ['a.b'] });
      assert.equal(res.status, 201, `${url}: ${res.text}`);
    }
  });
});

describe('SSRF: the worker checks again when it connects', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { ALLOWED_TARGET_CIDRS: '', RETRY_SCHEDULE: '60' } });
    tenant = await platform.createTenant();
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  // The endpoint was registered under a public name; its URL now points inside (a DNS change, or a
  // row written before the policy existed). `localhost` resolves to 127.0.0.1 through /etc/hosts.
  for (const host of ['localhost', '127.0.0.1']) {
    it(`refuses to connect to ${host} and records a blocked attempt`, async () => {
      const path = `/inside-${host}`;
      const ep = await tenant.client.post('/v1/endpoints', { url: `https://hooks.example.com${path}`, eventTypes: ['x.y'] });
      assert.equal(ep.status, 201, ep.text);
      const port = new URL(receiver.url('/')).port;
      await platform.query('UPDATE endpoints SET url = $1 WHERE id = $2', [`http://${host}:${port}${path}`, ep.body.id]);
      const ev = await tenant.client.post('/v1/events', { type: 'x.y', data: {} });
      const attempt = await waitUntil(async () => (await platform.query('SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1 AND d.endpoint_id = $2', [ev.body.id, ep.body.id]))[0], 15_000, 'the blocked attempt');
      assert.equal(attempt.error_kind, 'blocked');
      assert.match(attempt.error_message, /loopback address/);
      assert.equal(receiver.received(path).length, 0);
    });
  }
});

describe('SSRF: connect to the address that was checked (injected DNS)', () => {
  let receiver: TestReceiver;
  let port: string;
  const config = testConfig({ ALLOWED_TARGET_CIDRS: '127.0.0.1/32', DELIVERY_TIMEOUT_MS: '3000' });

  before(async () => {
    receiver = await TestReceiver.start();
    port = new URL(receiver.url('/')).port;
  });
  after(async () => receiver?.close());

  function senderWith(resolve: (host: string, n: number) => LookupAddress[]) {
    const calls: string[] = [];
    const sender = new WebhookSender(config, new Clock(), async (host) => {
      calls.push(host);
      return resolve(host, calls.length);
    });
    return { sender, calls };
  }
  const send = (s: WebhookSender, path: string) => s.send({ url: `http://rebind.test:${port}${path}`, body: '{}', headers: { 'content-type': 'application/json' }, timeoutMs: config.deliveryTimeoutMs });

  it('refuses a name when any one of its addresses is internal', async () => {
    const { sender, calls } = senderWith(() => [{ address: '127.0.0.1', family: 4 }, { address: '10.0.0.7', family: 4 }]);
    try {
      const r = await send(sender, '/mixed');
      assert.equal(r.kind, 'error');
      assert.equal(r.kind === 'error' && r.errorKind, 'blocked');
      assert.deepEqual(calls, ['rebind.test']);
      assert.equal(receiver.received('/mixed').length, 0);
    } finally {
      await sender.onApplicationShutdown();
    }
  });

  it('a rebinding answer cannot get through: each connection uses the one answer it checked', async () => {
    // First answer: the allowed address. Every later one: the metadata service.
    const { sender, calls } = senderWith((_h, n) => [{ address: n === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }]);
    receiver.on('/rebind', { status: 200, headers: { connection: 'close' } });
    try {
      const first = await send(sender, '/rebind');
      assert.equal(first.kind === 'response' && first.status, 200);
      assert.equal(calls.length, 1, 'one resolution for the connection, none between check and connect');
      const second = await send(sender, '/rebind');
      assert.equal(second.kind === 'error' && second.errorKind, 'blocked');
      assert.equal(calls.length, 2);
      assert.equal(receiver.received('/rebind').length, 1);
      assert.equal(receiver.received('/rebind')[0]!.headers.host, `rebind.test:${port}`, 'the Host header keeps the name');
    } finally {
      await sender.onApplicationShutdown();
    }
  });

  it("the attempt's budget covers resolving and connecting: a name that answers late times out at the endpoint's timeoutMs, and nothing is sent", async () => {
    let answer!: () => void;
    const late = new Promise<void>((r) => (answer = r));
    const sender = new WebhookSender(config, new Clock(), async () => {
      await late;
      return [{ address: '127.0.0.1', family: 4 }];
    });
    try {
      const t0 = performance.now();
      const r = await sender.send({ url: `http://rebind.test:${port}/late-dns`, body: '{}', headers: { 'content-type': 'application/json' }, timeoutMs: 300 });
      const took = performance.now() - t0;
      assert.equal(r.kind === 'error' && r.errorKind, 'timeout', JSON.stringify(r));
      assert.ok(took < 2_000, `timed out after ${Math.round(took)} ms, not within the endpoint's 300 ms (the pool's own limit is 3,000)`);
      // The name answers after the attempt ended: the connection may open, but no request goes out.
      answer();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(receiver.received('/late-dns').length, 0);
    } finally {
      await sender.onApplicationShutdown();
    }
  });

  it('an address beside the allow-listed one is still refused', async () => {
    const { sender } = senderWith(() => [{ address: '127.0.0.2', family: 4 }]);
    try {
      const r = await send(sender, '/beside');
      assert.equal(r.kind === 'error' && r.errorKind, 'blocked');
    } finally {
      await sender.onApplicationShutdown();
    }
  });

  it('TLS still uses the name: SNI carries it and the certificate is verified against it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hr-tls-'));
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=rebind.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1'], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    const names: Array<string | false | null> = [];
    server.on('secureConnection', (s: TLSSocket) => names.push(s.servername));
    server.on('tlsClientError', (_err, s: TLSSocket) => names.push(s.servername));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { sender, calls } = senderWith(() => [{ address: '127.0.0.1', family: 4 }]);
    try {
      const r = await sender.send({ url: `https://rebind.test:${(server.address() as AddressInfo).port}/tls`, body: '{}', headers: {}, timeoutMs: config.deliveryTimeoutMs });
      // Self-signed: verification is on, so the attempt fails as a TLS error after the handshake began.
      assert.equal(r.kind === 'error' && r.errorKind, 'tls', JSON.stringify(r));
      assert.deepEqual(calls, ['rebind.test']);
      // The server's handshake event may land just after the client gave up.
      await waitUntil(() => names.includes('rebind.test'), 5_000, `SNI rebind.test at the server (saw ${JSON.stringify(names)})`);
    } finally {
      await sender.onApplicationShutdown();
      server.closeAllConnections();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never follows a redirect', async () => {
    const { sender } = senderWith(() => [{ address: '127.0.0.1', family: 4 }]);
    receiver.on('/moved', { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    try {
      const r = await send(sender, '/moved');
      assert.equal(r.kind === 'response' && r.status, 307);
      assert.equal(receiver.received('/moved').length, 1);
    } finally {
      await sender.onApplicationShutdown();
    }
  });
});
