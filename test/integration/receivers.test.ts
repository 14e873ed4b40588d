import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { validateSignature } from '@line/bot-sdk';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { assertErrorBody } from '../support/assertions.js';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import type { ReceivedRequest } from '../support/receiver.js';
import { fastCommentsVerify, seed002Verify } from '../support/seed-receivers.js';
import { waitUntil } from '../support/test-env.js';

const stripe = new Stripe('sk_test_unused');
const headersOf = (r: ReceivedRequest) => r.headers as Record<string, string>;

/** Each scheme: how its receivers verify a webhook, with their own library or code. */
const VERIFIERS: Record<string, { signature: object; verify: (r: ReceivedRequest, secret: string) => boolean | Promise<boolean> }> = {
  'standard-webhooks': {
    signature: { scheme: 'standard-webhooks' },
    verify: (r, secret) => {
      try {
        return new Webhook(secret).verify(r.body, headersOf(r)) !== undefined;
      } catch {
        return false;
      }
    },
  },
  github: { signature: { scheme: 'github' }, verify: (r, secret) => verifyGithub(secret, r.body, String(r.headers['x-hub-signature-256'])) },
  stripe: {
    signature: { scheme: 'stripe' },
    verify: (r, secret) => {
      try {
        return stripe.webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), secret) !== undefined;
      } catch {
        return false;
      }
    },
  },
  line: { signature: { scheme: 'line' }, verify: (r, secret) => validateSignature(r.body, secret, String(r.headers['x-line-signature'])) },
  'seed-002 (hmac)': {
    signature: { scheme: 'hmac', header: 'X-Webhook-Signature', prefix: 'sha256=', encoding: 'hex', content: 'body' },
    verify: (r, secret) => seed002Verify(Buffer.from(r.body, 'utf8'), String(r.headers['x-webhook-signature']), secret),
  },
  'FastComments (hmac)': {
    signature: { scheme: 'hmac', header: 'X-FastComments-Signature', prefix: 'sha256=', encoding: 'hex', content: 'timestamp.body', timestampHeader: 'X-FastComments-Timestamp' },
    verify: (r, secret) => fastCommentsVerify(r.headers, r.body, secret),
  },
  'Shopify (hmac)': {
    signature: { scheme: 'hmac', header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' },
    verify: (r, secret) => r.headers['x-shopify-hmac-sha256'] === createHmac('sha256', secret).update(r.body, 'utf8').digest('base64'),
  },
};

describe('receivers: signature schemes, their own secrets, raw payloads, timeouts', () => {
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.3,0.3' } });
  let tenant: Tenant;
  let n = 0;

  before(async () => {
    tenant = await f.platform.createTenant('receivers');
  });

  async function endpoint(path: string, extra: object = {}) {
    const res = await tenant.client.post('/v1/endpoints', { url: f.receiver.url(path), eventTypes: [`rcv.${path.slice(1).replace(/\W/g, '_')}`], ...extra });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; secret: string; signature: Record<string, unknown> };
  }

  /** What a refused endpoint request could have changed (deliveries in flight and endpoint health
   * change on their own, so they are left out). */
  async function endpointConfig(): Promise<unknown> {
    return f.platform.query(
      `SELECT e.id, e.url, e.event_types, e.headers, e.signature, e.payload_format, e.batch_max_events, e.batch_max_wait_ms, e.timeout_ms, e.status,
              (SELECT array_agg(s.ciphertext ORDER BY s.id) FROM endpoint_secrets s WHERE s.endpoint_id = e.id) AS secrets
       FROM endpoints e ORDER BY e.id`,
    );
  }

  /** Dispatches one event to the endpoint at `path` and waits for the webhook. */
  async function deliver(path: string, data: object = { n: ++n }): Promise<{ req: ReceivedRequest; eventId: string }> {
    const before = f.receiver.received(path).length;
    const ev = await tenant.client.post('/v1/events', { type: `rcv.${path.slice(1).replace(/\W/g, '_')}`, data });
    assert.equal(ev.status, 202, ev.text);
    const reqs = await f.receiver.waitFor(before + 1, path);
    return { req: reqs[before]!, eventId: ev.body.id };
  }

  for (const [name, v] of Object.entries(VERIFIERS)) {
    it(`${name}: the receivers' own verification accepts it, and a wrong secret fails`, async () => {
      const path = `/scheme-${name.replace(/\W/g, '')}`;
      const ep = await endpoint(path, { signature: v.signature });
      const { req, eventId } = await deliver(path);
      assert.equal(await v.verify(req, ep.secret), true, `${name} verifies: ${JSON.stringify(req.headers)}`);
      const other = name === 'standard-webhooks' ? 'whsec_' + Buffer.alloc(32, 9).toString('base64') : 'another-secret-0123456789';
      assert.equal(await v.verify(req, other), false, 'the check can fail');
      // De-duplication works whatever the scheme.
      assert.equal(req.headers['webhook-id'], eventId);
      assert.match(String(req.headers['webhook-timestamp']), /^\d{10}$/);
      assert.equal(req.headers['x-webhook-event'], `rcv.${path.slice(1).replace(/\W/g, '_')}`);
      assert.match(String(req.headers['x-webhook-delivery']), /^[0-9a-f-]{36}$/);
      assert.match(String(req.headers['user-agent']), /^Hookrelay-Webhooks\//);
      assert.equal(req.headers['content-type'], 'application/json');
      if (name !== 'standard-webhooks') assert.equal(req.headers['webhook-signature'], undefined, 'one signature format per endpoint');
      const got = await tenant.client.get(`/v1/endpoints/${ep.id}`);
      assert.equal(got.body.signature.scheme, (v.signature as { scheme: string }).scheme);
      assert.ok(!got.text.includes(ep.secret), 'the secret is never shown again');
    });
  }

  it('takes the tenant’s own secret on create and on rotate-secret, and signs with it', async () => {
    const channelSecret = '8d3e5f1a2b7c4d6e9f0a1b2c3d4e5f60';
    const ep = await endpoint('/own-line', { signature: { scheme: 'line' }, secret: channelSecret });
    assert.equal(ep.secret, channelSecret);
    const first = await deliver('/own-line');
    assert.equal(validateSignature(first.req.body, channelSecret, String(first.req.headers['x-line-signature'])), true);

    const fcSecret = 'FC-API-SECRET-aaaabbbbccccdddd';
    const fc = await endpoint('/own-fc', { signature: VERIFIERS['FastComments (hmac)']!.signature, secret: fcSecret });
    const before = (await deliver('/own-fc')).req;
    assert.equal(fastCommentsVerify(before.headers, before.body, fcSecret), true);
    const rotated = await tenant.client.post(`/v1/endpoints/${fc.id}/rotate-secret`, { secret: 'FC-API-SECRET-eeeeffff00001111' });
    assert.equal(rotated.status, 200, rotated.text);
    assert.equal(rotated.body.secret, 'FC-API-SECRET-eeeeffff00001111');
    const second = await deliver('/own-fc');
    assert.equal(fastCommentsVerify(second.req.headers, second.req.body, 'FC-API-SECRET-eeeeffff00001111'), true);

    const whsec = 'whsec_' + Buffer.alloc(48, 5).toString('base64');
    await endpoint('/own-sw', { secret: whsec });
    const sw = await deliver('/own-sw');
    assert.ok(new Webhook(whsec).verify(sw.req.body, headersOf(sw.req)));
  });

  const rotations: Array<[string, boolean]> = [
    ['standard-webhooks', true],
    ['stripe', true],
    ['github', false],
    ['line', false],
    ['seed-002 (hmac)', false],
  ];
  for (const [name, both] of rotations) {
    it(`${name}: after a rotation, ${both ? 'the old and the new secret both verify' : 'only the new secret verifies'}`, async () => {
      const v = VERIFIERS[name]!;
      const path = `/rotate-${name.replace(/\W/g, '')}`;
      const ep = await endpoint(path, { signature: v.signature });
      const rotated = await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, { gracePeriodSeconds: 3600 });
      assert.equal(rotated.status, 200, rotated.text);
      const { req } = await deliver(path);
      assert.equal(await v.verify(req, rotated.body.secret), true, 'the new secret verifies');
      assert.equal(await v.verify(req, ep.secret), both, both ? 'the old secret still verifies during the grace period' : 'a one-signature scheme signs with the new secret only');
    });
  }

  it('payload "data": the body is the dispatched data byte for byte, spacing, key order and number spelling included', async () => {
    await endpoint('/raw-data', { payload: 'data' });
    await endpoint('/raw-envelope');
    const data = '{ "z" : 1.50 ,\n  "a" : [ 12345678901234567890, 1E+2, "caf\\u00e9 \\/ \\"q\\"" ],  "emoji" : "🎉" }';
    const raw = `{"type":"rcv.raw_data","data":${data}}`;
    const ev = await tenant.client.call('POST', '/v1/events', { rawBody: raw, headers: { 'content-type': 'application/json' } });
    assert.equal(ev.status, 202, ev.text);
    const [req] = await f.receiver.waitFor(1, '/raw-data');
    assert.equal(Buffer.from(req!.body, 'utf8').equals(Buffer.from(data, 'utf8')), true, `received ${req!.body}`);

    const ev2 = await tenant.client.call('POST', '/v1/events', { rawBody: `{"data":${data},"type":"rcv.raw_envelope"}`, headers: { 'content-type': 'application/json' } });
    assert.equal(ev2.status, 202, ev2.text);
    const [env] = await f.receiver.waitFor(1, '/raw-envelope');
    assert.ok(env!.body.endsWith(`,"data":${data}}`), `the envelope embeds the same bytes: ${env!.body}`);
    // The same data with other spacing is a replay of the same event, not a conflict.
    const key = { 'content-type': 'application/json', 'idempotency-key': 'raw-1' };
    const a = await tenant.client.call('POST', '/v1/events', { rawBody: `{"type":"rcv.none","data":{"a": 1}}`, headers: key });
    const b = await tenant.client.call('POST', '/v1/events', { rawBody: `{"type":"rcv.none","data":{ "a":1 }}`, headers: key });
    assert.equal(a.status, 202);
    assert.equal(b.status, 202, b.text);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.equal(b.body.id, a.body.id);
  });

  it('timeoutMs: a hanging receiver is cut off at the endpoint’s own timeout and the attempt is a timeout', async () => {
    f.receiver.on('/hang-short', { hang: true });
    const ep = await endpoint('/hang-short', { timeoutMs: 300 });
    assert.equal((await tenant.client.get(`/v1/endpoints/${ep.id}`)).body.timeoutMs, 300);
    const { eventId } = await deliver('/hang-short');
    const attempt = await waitUntil(
      async () => (await f.platform.query('SELECT a.* FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1 AND d.endpoint_id = $2', [eventId, ep.id]))[0],
      10_000,
      'the timed-out attempt',
    );
    assert.equal(attempt.error_kind, 'timeout');
    assert.ok(attempt.duration_ms >= 290 && attempt.duration_ms < f.platform.config.deliveryTimeoutMs, `duration ${attempt.duration_ms} ms`);
    assert.match(attempt.error_message, /300 ms/);
  });

  it('PATCH changes the scheme and options; a secret that does not suit the new scheme is refused until rotated', async () => {
    const ep = await endpoint('/switch', { signature: { scheme: 'github' } });
    const state = await endpointConfig();
    const refused = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { signature: { scheme: 'standard-webhooks' } });
    assertErrorBody(refused, 400, /does not suit the standard-webhooks scheme.*rotate/);
    assert.deepEqual(await endpointConfig(), state, 'nothing changed');
    const whsec = 'whsec_' + Buffer.alloc(32, 4).toString('base64');
    assert.equal((await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, { secret: whsec, gracePeriodSeconds: 0 })).status, 200);
    const patched = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { signature: { scheme: 'standard-webhooks' }, payload: 'data', batch: null, timeoutMs: 5000 });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual([patched.body.signature, patched.body.payload, patched.body.batch, patched.body.timeoutMs], [{ scheme: 'standard-webhooks' }, 'data', null, 5000]);
    const { req } = await deliver('/switch', { after: 'switch' });
    assert.equal(req.body, '{"after":"switch"}');
    assert.ok(new Webhook(whsec).verify(req.body, headersOf(req)));
    const hmac = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { signature: { scheme: 'hmac', header: 'X-Sig', content: 'id.timestamp.body', timestampHeader: 'X-Ts', algorithm: 'sha512' } });
    assert.equal(hmac.status, 200, hmac.text);
    assert.deepEqual(hmac.body.signature, { scheme: 'hmac', header: 'x-sig', prefix: '', encoding: 'hex', algorithm: 'sha512', content: 'id.timestamp.body', timestampHeader: 'x-ts' });
    const h = await deliver('/switch', { after: 'hmac' });
    const expected = createHmac('sha512', whsec).update(`${h.req.headers['webhook-id']}.${h.req.headers['x-ts']}.${h.req.body}`).digest('hex');
    assert.equal(h.req.headers['x-sig'], expected);
  });

  it('bad input is a 400 that says what is wrong, and changes nothing', async () => {
    const ep = await endpoint('/bad-input', { signature: { scheme: 'hmac', header: 'X-Sig' } });
    const url = f.receiver.url('/never');
    const create = (extra: object) => tenant.client.post('/v1/endpoints', { url, eventTypes: ['a.b'], ...extra });
    const cases: Array<[string, () => ReturnType<typeof create>, RegExp]> = [
      ['an unknown scheme', () => create({ signature: { scheme: 'soap' } }), /signature.scheme must be one of standard-webhooks, github, stripe, line, hmac/],
      ['hmac without a header', () => create({ signature: { scheme: 'hmac', prefix: 'sha256=' } }), /signature.header is required for the hmac scheme/],
      ['an invalid header name', () => create({ signature: { scheme: 'hmac', header: 'x sig' } }), /signature.header must be a valid header name/],
      ['a header the platform sets as the signature header', () => create({ signature: { scheme: 'hmac', header: 'Content-Type' } }), /signature.header: Content-Type is set by the platform/],
      ['a scheme header as a custom header', () => create({ headers: { 'X-Line-Signature': 'x' } }), /headers: X-Line-Signature is reserved for signatures/],
      ['the hmac header as a custom header', () => create({ signature: { scheme: 'hmac', header: 'X-Mine' }, headers: { 'x-mine': 'v' } }), /headers: x-mine is reserved for signatures/],
      ['a short secret', () => create({ signature: { scheme: 'line' }, secret: 'short' }), /secret must be 16 to 256 printable ASCII characters/],
      ['a non-whsec secret for standard-webhooks', () => create({ secret: '0123456789abcdef0123456789abcdef' }), /secret for the standard-webhooks scheme must be whsec_ followed by the base64 of 24 to 64 random bytes/],
      ['a batch of one', () => create({ batch: { maxEvents: 1 } }), /batch.maxEvents must be a whole number from 2 to 500/],
      ['a batch of 501', () => create({ batch: { maxEvents: 501, maxWaitMs: 10 } }), /batch.maxEvents must be a whole number from 2 to 500/],
      ['a batch wait over a minute', () => create({ batch: { maxEvents: 10, maxWaitMs: 60001 } }), /batch.maxWaitMs must be a whole number from 0 to 60000/],
      ['timeoutMs over the maximum', () => create({ timeoutMs: 10001 }), /timeoutMs must be a whole number from 100 to 10000 \(DELIVERY_TIMEOUT_MS\)/],
      ['timeoutMs under 100', () => create({ timeoutMs: 50 }), /timeoutMs must be a whole number from 100/],
      ['an unknown payload', () => create({ payload: 'xml' }), /payload must be one of envelope, data/],
      ['PATCH: an unknown scheme', () => tenant.client.patch(`/v1/endpoints/${ep.id}`, { signature: { scheme: 'soap' } }), /signature.scheme must be one of/],
      ['PATCH: a custom header that is the hmac header', () => tenant.client.patch(`/v1/endpoints/${ep.id}`, { headers: { 'X-Sig': 'v' } }), /headers: X-Sig is reserved for signatures/],
      ['PATCH: a batch out of range', () => tenant.client.patch(`/v1/endpoints/${ep.id}`, { batch: { maxEvents: 0 } }), /batch.maxEvents must be a whole number from 2 to 500/],
      ['PATCH: timeoutMs over the maximum', () => tenant.client.patch(`/v1/endpoints/${ep.id}`, { timeoutMs: 99999 }), /timeoutMs must be a whole number from 100 to 10000/],
      ['rotate-secret: a short secret', () => tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, { secret: 'tiny' }), /secret must be 16 to 256 printable ASCII characters/],
    ];
    for (const [what, call, message] of cases) {
      const state = await endpointConfig();
      assertErrorBody(await call(), 400, message);
      assert.deepEqual(await endpointConfig(), state, `${what}: nothing changed`);
    }
  });
});
