import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { validateSignature } from '@line/bot-sdk';
import { verify as verifyGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { parseSignatureOptions, schemeOf, signatureHeaderNames, signWebhook, type SignatureOptions } from './schemes.js';

const body = '{"id":"01a2","type":"order.completed","timestamp":"2026-12-01T13:00:00.000Z","data":{"emoji":"🎉","quote":"\\""}}';
const now = () => Math.floor(Date.now() / 1000);
const whsec = (fill: number, bytes = 32) => 'whsec_' + Buffer.alloc(bytes, fill).toString('base64');

describe('standard-webhooks', () => {
  const options: SignatureOptions = { scheme: 'standard-webhooks' };

  // Test vector from the Standard Webhooks specification's reference libraries.
  it('matches the reference vector', () => {
    const signed = signWebhook(options, { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' });
    assert.deepEqual(signed.headers, { 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' });
  });

  it('verifies with the standardwebhooks package, with either secret during a rotation', () => {
    const [a, b] = [whsec(1), whsec(2)];
    const ts = now();
    const signed = signWebhook(options, { secrets: [b, a], webhookId: 'evt_1', timestamp: ts, body });
    assert.equal(signed.headers['webhook-signature']!.split(' ').length, 2);
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), ...signed.headers };
    for (const secret of [a, b]) assert.ok(new Webhook(secret).verify(body, headers));
    assert.throws(() => new Webhook(whsec(3)).verify(body, headers));
  });
});

describe('github', () => {
  it('verifies with @octokit/webhooks-methods, and signs with the newest secret only', async () => {
    const signed = signWebhook({ scheme: 'github' }, { secrets: ['new-secret-0123456789', 'old-secret-0123456789'], webhookId: 'x', timestamp: now(), body });
    const header = signed.headers['x-hub-signature-256']!;
    assert.match(header, /^sha256=[0-9a-f]{64}$/);
    assert.equal(await verifyGithub('new-secret-0123456789', body, header), true);
    assert.equal(await verifyGithub('old-secret-0123456789', body, header), false);
  });
});

describe('stripe', () => {
  const stripe = new Stripe('sk_test_unused');
  it('verifies with stripe.webhooks.constructEvent, with either secret during a rotation', () => {
    const [a, b] = ['whsec_old_0123456789abcdef', 'whsec_new_0123456789abcdef'];
    const ts = now();
    const signed = signWebhook({ scheme: 'stripe' }, { secrets: [b, a], webhookId: 'x', timestamp: ts, body });
    const header = signed.headers['stripe-signature']!;
    assert.match(header, new RegExp(`^t=${ts},v1=[0-9a-f]{64},v1=[0-9a-f]{64}$`));
    for (const secret of [a, b]) assert.equal(stripe.webhooks.constructEvent(body, header, secret).type, 'order.completed');
    assert.throws(() => stripe.webhooks.constructEvent(body, header, 'whsec_other_0123456789'));
  });
});

describe('line', () => {
  it("verifies with @line/bot-sdk's validateSignature, newest secret only", () => {
    const signed = signWebhook({ scheme: 'line' }, { secrets: ['0123456789abcdef0123456789abcdef', 'ffffffffffffffffffffffffffffffff'], webhookId: 'x', timestamp: now(), body });
    const sig = signed.headers['x-line-signature']!;
    assert.equal(validateSignature(body, '0123456789abcdef0123456789abcdef', sig), true);
    assert.equal(validateSignature(body, 'ffffffffffffffffffffffffffffffff', sig), false);
  });
});

describe('hmac', () => {
  const secret = 'a tenant secret, 32 characters!!';
  const ts = 1_795_459_781;
  const cases: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['the seed-002 receiver', { header: 'X-Webhook-Signature', prefix: 'sha256=', encoding: 'hex', content: 'body' }, { 'x-webhook-signature': 'sha256=' + createHmac('sha256', secret).update(body).digest('hex') }],
    [
      'FastComments',
      { header: 'X-FastComments-Signature', prefix: 'sha256=', content: 'timestamp.body', timestampHeader: 'X-FastComments-Timestamp' },
      { 'x-fastcomments-signature': 'sha256=' + createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex'), 'x-fastcomments-timestamp': String(ts) },
    ],
    ['Shopify', { header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' }, { 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') }],
    [
      'sha512 over id.timestamp.body',
      { header: 'x-sig', algorithm: 'sha512', content: 'id.timestamp.body', timestampHeader: 'x-ts', prefix: 'v1=' },
      { 'x-sig': 'v1=' + createHmac('sha512', secret).update(`evt_9.${ts}.${body}`).digest('hex'), 'x-ts': String(ts) },
    ],
  ];
  for (const [what, raw, headers] of cases) {
    it(`signs as ${what} expects`, () => {
      const options = parseSignatureOptions({ scheme: 'hmac', ...raw });
      assert.deepEqual(signWebhook(options, { secrets: [secret, 'an older secret 0123456789'], webhookId: 'evt_9', timestamp: ts, body }).headers, headers);
    });
  }

  it('fills in the defaults and lower-cases header names', () => {
    assert.deepEqual(parseSignatureOptions({ scheme: 'hmac', header: 'X-Sig' }), { scheme: 'hmac', header: 'x-sig', prefix: '', encoding: 'hex', algorithm: 'sha256', content: 'body', timestampHeader: null });
  });
});

describe('options and secrets that are refused', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['an unknown scheme', { scheme: 'soap' }, /signature.scheme must be one of standard-webhooks, github, stripe, line, hmac/],
    ['no scheme', {}, /signature.scheme must be one of/],
    ['not an object', 'github', /signature must be an object/],
    ['hmac without a header', { scheme: 'hmac', prefix: 'sha256=' }, /signature.header is required for the hmac scheme/],
    ['an invalid header name', { scheme: 'hmac', header: 'x sig' }, /signature.header must be a valid header name/],
    ['a header the platform sets', { scheme: 'hmac', header: 'Webhook-Id' }, /signature.header: Webhook-Id is set by the platform/],
    ['content-type as the timestamp header', { scheme: 'hmac', header: 'x-sig', content: 'timestamp.body', timestampHeader: 'content-type' }, /signature.timestampHeader: content-type is set by the platform/],
    ['a timestamp content without its header', { scheme: 'hmac', header: 'x-sig', content: 'timestamp.body' }, /signature.timestampHeader is required when signature.content is timestamp.body/],
    ['the same header twice', { scheme: 'hmac', header: 'x-sig', timestampHeader: 'X-Sig', content: 'timestamp.body' }, /must differ/],
    ['an unknown encoding', { scheme: 'hmac', header: 'x-sig', encoding: 'base32' }, /signature.encoding must be one of hex, base64/],
    ['an unknown algorithm', { scheme: 'hmac', header: 'x-sig', algorithm: 'sha1' }, /signature.algorithm must be one of sha256, sha512/],
    ['an unknown content', { scheme: 'hmac', header: 'x-sig', content: 'headers' }, /signature.content must be one of body, timestamp.body, id.timestamp.body/],
    ['a prefix with a space', { scheme: 'hmac', header: 'x-sig', prefix: 'sha 256=' }, /signature.prefix must be at most 64 visible ASCII characters/],
    ['an option hmac does not have', { scheme: 'hmac', header: 'x-sig', tolerance: 5 }, /signature.tolerance is not an option of the hmac scheme/],
    ['an option on a scheme with none', { scheme: 'github', header: 'x-sig' }, /signature.header is not an option of the github scheme/],
  ];
  for (const [what, raw, message] of bad) it(`refuses ${what}`, () => assert.throws(() => parseSignatureOptions(raw), message));

  const secrets: Array<[string, string, string, RegExp | null]> = [
    ['a short secret', 'github', 'too-short', /secret must be 16 to 256 printable ASCII characters/],
    ['a long secret', 'line', 'x'.repeat(257), /16 to 256 printable ASCII/],
    ['a non-ASCII secret', 'hmac', 'geheimnis-schlüssel-123', /printable ASCII/],
    ['a control character', 'stripe', 'whsec_0123456789\n0123', /printable ASCII/],
    ['a LINE channel secret', 'line', '8d3e5f1a2b7c4d6e9f0a1b2c3d4e5f60', null],
    ['a FastComments API secret', 'hmac', 'FC-API-SECRET-0123456789', null],
    ['a non-whsec secret for standard-webhooks', 'standard-webhooks', '0123456789abcdef0123456789abcdef', /whsec_ followed by the base64 of 24 to 64 random bytes/],
    ['16 bytes for standard-webhooks', 'standard-webhooks', whsec(1, 16), /24 to 64/],
    ['65 bytes for standard-webhooks', 'standard-webhooks', whsec(1, 65), /24 to 64/],
    ['bad base64 for standard-webhooks', 'standard-webhooks', 'whsec_' + '!'.repeat(32), /base64/],
    ['24 bytes for standard-webhooks', 'standard-webhooks', whsec(1, 24), null],
    ['64 bytes for standard-webhooks', 'standard-webhooks', whsec(1, 64), null],
  ];
  for (const [what, scheme, secret, message] of secrets) {
    it(`${message ? 'refuses' : 'takes'} ${what}`, () => {
      const check = () => schemeOf({ scheme } as SignatureOptions).checkSecret(secret);
      if (message) assert.throws(check, message);
      else assert.doesNotThrow(check);
    });
  }

  it('generates secrets that suit their scheme', () => {
    for (const scheme of ['standard-webhooks', 'github', 'stripe', 'line', 'hmac'] as const) {
      const s = schemeOf({ scheme } as SignatureOptions);
      const a = s.generateSecret();
      assert.doesNotThrow(() => s.checkSecret(a), scheme);
      assert.notEqual(a, s.generateSecret());
    }
  });

  it("reserves every scheme's headers, and an hmac endpoint's own", () => {
    const names = signatureHeaderNames(parseSignatureOptions({ scheme: 'hmac', header: 'X-Sig', content: 'timestamp.body', timestampHeader: 'X-Ts' }));
    for (const n of ['webhook-signature', 'x-hub-signature-256', 'stripe-signature', 'x-line-signature', 'x-sig', 'x-ts']) assert.ok(names.has(n), n);
  });
});
