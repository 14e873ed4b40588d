import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createLogger } from '#libs/common';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver, type ReceivedRequest } from '../support/receiver.js';
import { TEST_ADMIN_KEY, TEST_SECRETS_KEY, waitUntil } from '../support/test-env.js';

describe('secrets at rest, rotation, API keys, custom headers, and no leaks', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;
  const logLines: string[] = [];
  // Everything that must never be stored or logged, collected as the tests make it.
  const secrets = new Set<string>();
  const apiKeys = new Set<string>();
  const signatures = new Set<string>();

  before(async () => {
    receiver = await TestReceiver.start();
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    });
    platform = await TestPlatform.start({ env: { LOG_LEVEL: 'trace' }, logger: createLogger('trace', 'test', sink) });
    tenant = await platform.createTenant('acme');
    apiKeys.add(tenant.apiKey);
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, extra: object = {}) {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: ['sec.*'], ...extra });
    assert.equal(res.status, 201, res.text);
    secrets.add(res.body.secret);
    return res.body as { id: string; secret: string };
  }

  async function deliverTo(path: string, n: number): Promise<ReceivedRequest> {
    const ev = await tenant.client.post('/v1/events', { type: 'sec.test', data: { n } });
    assert.equal(ev.status, 202, ev.text);
    const reqs = await receiver.waitFor(n, path);
    const req = reqs[n - 1]!;
    for (const entry of String(req.headers['webhook-signature']).split(' ')) signatures.add(entry.slice(3));
    return req;
  }

  it('stores the signing secret only encrypted, under the SECRETS_KEY key id', async () => {
    const ep = await endpoint('/at-rest');
    const rows = await platform.query('SELECT ciphertext, key_id FROM endpoint_secrets WHERE endpoint_id = $1', [ep.id]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].key_id, TEST_SECRETS_KEY.split(':')[0]);
    assert.match(rows[0].ciphertext, /^v1:t1:/);
    assert.ok(!rows[0].ciphertext.includes(ep.secret.slice(6)));
    const view = await tenant.client.get(`/v1/endpoints/${ep.id}`);
    assert.equal(view.body.secret, undefined, 'the secret is shown at creation only');
    const req = await deliverTo('/at-rest', 1);
    new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>);
  });

  it('rotation: during the grace period every webhook carries both signatures, each verifying with its secret', async () => {
    const ep = await endpoint('/rotate');
    const res = await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, {});
    assert.equal(res.status, 200, res.text);
    const next = res.body.secret as string;
    secrets.add(next);
    assert.match(next, /^whsec_/);
    assert.notEqual(next, ep.secret);
    const expires = new Date(res.body.previousSecretsExpireAt).getTime();
    assert.ok(Math.abs(expires - (Date.now() + 24 * 3600_000)) < 60_000, 'default grace period is 24 h');

    const req = await deliverTo('/rotate', 1);
    const entries = String(req.headers['webhook-signature']).split(' ');
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => e.startsWith('v1,')));
    const headers = req.headers as Record<string, string>;
    new Webhook(ep.secret).verify(req.body, headers);
    new Webhook(next).verify(req.body, headers);
    // Each entry verifies with exactly one of the two secrets.
    for (const [i, secret] of [next, ep.secret].entries()) {
      new Webhook(secret).verify(req.body, { ...headers, 'webhook-signature': entries[i]! });
      assert.throws(() => new Webhook(secret).verify(req.body, { ...headers, 'webhook-signature': entries[1 - i]! }));
    }
  });

  it('rotation with a grace period of 0 drops the old secret at once; the grace period is validated', async () => {
    const ep = await endpoint('/rotate0');
    const res = await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, { gracePeriodSeconds: 0 });
    assert.equal(res.status, 200, res.text);
    secrets.add(res.body.secret);
    const req = await deliverTo('/rotate0', 1);
    assert.equal(String(req.headers['webhook-signature']).split(' ').length, 1);
    new Webhook(res.body.secret).verify(req.body, req.headers as Record<string, string>);
    assert.throws(() => new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>));
    for (const bad of [-1, 1.5, 'x', 99_999_999]) {
      const r = await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, { gracePeriodSeconds: bad });
      assert.equal(r.status, 400, `${bad}: ${r.text}`);
    }
    const other = await platform.createTenant('other');
    apiKeys.add(other.apiKey);
    assert.equal((await other.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, {})).status, 404);
    assert.equal((await platform.query('SELECT count(*)::int AS n FROM endpoint_secrets WHERE endpoint_id = $1', [ep.id]))[0].n, 1);
  });

  it('API keys: create, list by prefix only, revoke answers 401 at once', async () => {
    const created = await tenant.client.post('/v1/api-keys', { name: 'ci' });
    assert.equal(created.status, 201, created.text);
    const key = created.body.key as string;
    apiKeys.add(key);
    assert.match(key, /^whk_/);
    assert.ok(key.startsWith(created.body.prefix));
    const other = platform.client(key);
    assert.equal((await other.get('/v1/endpoints')).status, 200);

    const list = await tenant.client.get('/v1/api-keys');
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 2);
    assert.ok(!list.text.includes(key) && !list.text.includes(tenant.apiKey), 'the list never shows a key');
    for (const k of list.body.data) assert.deepEqual(Object.keys(k).sort(), ['createdAt', 'id', 'name', 'prefix', 'revokedAt']);

    assert.equal((await tenant.client.delete(`/v1/api-keys/${created.body.id}`)).status, 204);
    const after = await other.get('/v1/endpoints');
    assert.equal(after.status, 401);
    assert.equal((await tenant.client.delete(`/v1/api-keys/${created.body.id}`)).status, 404, 'revoked already');
    const listed = (await tenant.client.get('/v1/api-keys')).body.data.find((k: { id: string }) => k.id === created.body.id);
    assert.ok(listed.revokedAt);
    const hashes = await platform.query('SELECT key_hash FROM api_keys');
    assert.ok(hashes.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash)));
  });

  it('custom headers are delivered; reserved names and CR/LF are refused', async () => {
    const ep = await endpoint('/custom', { headers: { 'X-Team': 'payments', Authorization: 'Bearer receiver-token-123' } });
    const view = await tenant.client.get(`/v1/endpoints/${ep.id}`);
    assert.deepEqual(view.body.headers, { 'x-team': 'payments', authorization: 'Bearer receiver-token-123' });
    const req = await deliverTo('/custom', 1);
    assert.equal(req.headers['x-team'], 'payments');
    assert.equal(req.headers.authorization, 'Bearer receiver-token-123');
    new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>);

    const refused: Array<Record<string, unknown>> = [
      { Host: 'evil.example' },
      { 'content-type': 'text/plain' },
      { 'Content-Length': '1' },
      { 'user-agent': 'x' },
      { 'webhook-signature': 'v1,forged' },
      { 'Webhook-Id': 'x' },
      { 'x-webhook-event': 'x' },
      { 'X-Webhook-Anything': 'x' },
      { 'x-ok': 'a\r\nInjected: yes' },
      { 'x-ok': 'a\nb' },
      { 'x-ok': 'a\rb' },
      { 'bad name': 'x' },
      { 'x-ok': 5 },
    ];
    for (const headers of refused) {
      const res = await tenant.client.post('/v1/endpoints', { url: receiver.url('/never'), eventTypes: ['sec.*'], headers });
      assert.equal(res.status, 400, `${JSON.stringify(headers)}: ${res.text}`);
      assert.match(res.body.message, /headers/);
      const patch = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { headers });
      assert.equal(patch.status, 400, JSON.stringify(headers));
    }
    assert.deepEqual((await tenant.client.get(`/v1/endpoints/${ep.id}`)).body.headers, view.body.headers, 'refused PATCHes change nothing');
  });

  it('an echoing receiver cannot put signatures or header values into the delivery log', async () => {
    receiver.on('/echo', (r) => ({ status: 200, body: JSON.stringify({ headers: r.headers }) }));
    const ep = await endpoint('/echo', { headers: { 'x-receiver-token': 'tok-0123456789abcdef' } });
    secrets.add('tok-0123456789abcdef');
    await deliverTo('/echo', 1);
    const attempt = await waitUntil(async () => (await platform.query("SELECT a.response_body FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1", [ep.id]))[0], 15_000, 'the echo attempt');
    assert.match(attempt.response_body, /\[redacted\]/);
    assert.match(attempt.response_body, /webhook-id/, 'the rest of the echo is kept');
  });

  it('every scheme: its signature headers stay out of the delivery log (an echoing receiver) and the logs', async () => {
    const schemes: Array<[object, (h: Record<string, string>) => string[]]> = [
      [{ scheme: 'github' }, (h) => [h['x-hub-signature-256']!.slice('sha256='.length)]],
      [{ scheme: 'stripe' }, (h) => h['stripe-signature']!.split(',').filter((p) => p.startsWith('v1=')).map((p) => p.slice(3))],
      [{ scheme: 'line' }, (h) => [h['x-line-signature']!]],
      [{ scheme: 'hmac', header: 'X-Shop-Sig', encoding: 'base64', prefix: 'b64=' }, (h) => [h['x-shop-sig']!.slice('b64='.length)]],
    ];
    for (const [i, [signature, macsOf]] of schemes.entries()) {
      const path = `/echo-scheme-${i}`;
      receiver.on(path, (r) => ({ status: 200, body: JSON.stringify({ headers: r.headers }) }));
      const ep = await endpoint(path, { signature, eventTypes: [`scheme${i}.echo`] });
      const ev = await tenant.client.post('/v1/events', { type: `scheme${i}.echo`, data: { i } });
      assert.equal(ev.status, 202, ev.text);
      const [req] = await receiver.waitFor(1, path);
      const macs = macsOf(req!.headers as Record<string, string>);
      assert.ok(macs.length > 0 && macs.every((m) => m.length >= 20), JSON.stringify(req!.headers));
      for (const m of macs) signatures.add(m);
      const attempt = await waitUntil(async () => (await platform.query('SELECT a.response_body FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1', [ep.id]))[0], 15_000, 'the echo attempt');
      assert.match(attempt.response_body, /\[redacted\]/);
      for (const m of macs) assert.ok(!attempt.response_body.includes(m) && !attempt.response_body.includes(m.replace(/\//g, '\\/')), `${JSON.stringify(signature)}: the echo kept a signature`);
    }
  });

  it('the database dump and the logs hold no secret, API key or signature', async () => {
    // Error bodies: a bad key and a bad request must not echo what was sent.
    const bad = await platform.client(`${tenant.apiKey}x`).get('/v1/endpoints');
    assert.equal(bad.status, 401);
    assert.ok(!bad.text.includes(tenant.apiKey));
    const badBody = await tenant.client.post('/v1/endpoints', { url: receiver.url('/x'), eventTypes: ['sec.*'], headers: { host: [...secrets][0] } });
    assert.equal(badBody.status, 400);
    assert.ok(![...secrets].some((s) => badBody.text.includes(s)));

    // Let every attempt be written before dumping.
    await waitUntil(async () => (await platform.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'"))[0].n === 0, 15_000, 'deliveries to settle');
    const dump = spawnSync('pg_dump', ['--data-only', '--no-owner', platform.db.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /endpoint_secrets/, 'the dump is the real one');
    const logs = logLines.join('');
    assert.ok(logLines.length > 10, `logs were captured (${logLines.length} lines)`);
    const needles = [...secrets, ...[...secrets].map((s) => s.replace(/^whsec_/, '')), ...apiKeys, ...signatures, TEST_ADMIN_KEY, TEST_SECRETS_KEY.split(':')[1]!];
    assert.ok(secrets.size >= 6 && apiKeys.size >= 3 && signatures.size >= 6, 'the search has something to look for');
    for (const n of needles) {
      assert.ok(!dump.stdout.includes(n), `the database dump contains ${n.slice(0, 10)}...`);
      assert.ok(!logs.includes(n), `the logs contain ${n.slice(0, 10)}...`);
    }
  });
});
