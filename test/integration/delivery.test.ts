import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

describe('delivery: signing, fan-out, retries', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { RETRY_SCHEDULE: '0.3,0.9,2.7' } });
    tenant = await platform.createTenant('acme');
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, eventTypes: string[]) {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; secret: string };
  }

  async function dispatch(type: string, data: object) {
    const res = await tenant.client.post('/v1/events', { type, data });
    assert.equal(res.status, 202, res.text);
    return res.body as { id: string };
  }

  async function deliveryOf(eventId: string, endpointId: string, status?: string) {
    return waitUntil(async () => {
      const list = await tenant.client.get(`/v1/deliveries?eventId=${eventId}&endpointId=${endpointId}`);
      const d = list.body.data[0];
      return d && (!status || d.status === status) ? d : undefined;
    }, 20_000, `delivery ${status ?? ''}`);
  }

  it('signs every webhook so that the standardwebhooks package verifies it unchanged', async () => {
    const ep = await endpoint('/signed', ['invoice.paid']);
    const event = await dispatch('invoice.paid', { amount: 4200, currency: 'EUR', nested: { z: 1, a: [true, null] } });
    const [req] = await receiver.waitFor(1, '/signed');
    assert.ok(req);
    const verified = new Webhook(ep.secret).verify(req.body, req.headers as Record<string, string>) as any;
    assert.equal(verified.id, event.id);
    assert.equal(verified.type, 'invoice.paid');
    assert.deepEqual(verified.data, { amount: 4200, currency: 'EUR', nested: { z: 1, a: [true, null] } });
    assert.equal(req.body, `{"id":"${event.id}","type":"invoice.paid","timestamp":${JSON.stringify(verified.timestamp)},"data":{"amount":4200,"currency":"EUR","nested":{"z":1,"a":[true,null]}}}`);
    assert.equal(req.headers['webhook-id'], event.id);
    assert.equal(req.headers['x-webhook-event'], 'invoice.paid');
    assert.match(String(req.headers['user-agent']), /Hookrelay/);
    assert.equal(req.headers['content-type'], 'application/json');
    const d = await deliveryOf(event.id, ep.id, 'succeeded');
    assert.equal(req.headers['x-webhook-delivery'], d.id);
    // A wrong secret must fail verification: the check above can fail.
    assert.throws(() => new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(req.body, req.headers as Record<string, string>));
  });

  it('fans one event out to every subscribed endpoint, wildcards included, and to no other', async () => {
    const exact = await endpoint('/fan/exact', ['user.created']);
    const prefix = await endpoint('/fan/prefix', ['user.*']);
    const all = await endpoint('/fan/all', ['*']);
    const other = await endpoint('/fan/other', ['order.*', 'user.deleted']);
    const event = await dispatch('user.created', { id: 1 });
    await receiver.waitFor(1, '/fan/exact');
    await receiver.waitFor(1, '/fan/prefix');
    await receiver.waitFor(1, '/fan/all');
    for (const ep of [exact, prefix, all]) await deliveryOf(event.id, ep.id, 'succeeded');
    const rows = await platform.query('SELECT endpoint_id FROM deliveries WHERE event_id = $1', [event.id]);
    assert.deepEqual(new Set(rows.map((r) => r.endpoint_id)), new Set([exact.id, prefix.id, all.id, ...(rows.some((r) => r.endpoint_id !== exact.id && r.endpoint_id !== prefix.id && r.endpoint_id !== all.id) ? ['unexpected'] : [])]));
    assert.equal(receiver.received('/fan/other').length, 0);
    assert.ok(!rows.some((r) => r.endpoint_id === other.id));
  });

  it('retries 5xx with growing gaps, the same webhook-id each time, until it succeeds', async () => {
    receiver.on('/flaky', (_req, n) => (n < 4 ? { status: 503 } : { status: 200 }));
    const ep = await endpoint('/flaky', ['flaky.event']);
    const event = await dispatch('flaky.event', { n: 1 });
    const reqs = await receiver.waitFor(4, '/flaky');
    const gaps = reqs.slice(1).map((r, i) => r.at - reqs[i]!.at);
    assert.ok(gaps[0]! >= 250 && gaps[1]! > gaps[0]! && gaps[2]! > gaps[1]!, `gaps should grow: ${gaps.join(', ')}`);
    assert.deepEqual(new Set(reqs.map((r) => r.headers['webhook-id'])), new Set([event.id]));
    const d = await deliveryOf(event.id, ep.id, 'succeeded');
    const detail = await tenant.client.get(`/v1/deliveries/${d.id}`);
    assert.deepEqual(detail.body.attempts.map((a: any) => a.responseStatus), [503, 503, 503, 200]);
    assert.deepEqual(detail.body.attempts.map((a: any) => a.attemptNumber), [1, 2, 3, 4]);
    assert.equal(detail.body.attemptCount, 4);
  });

  it('gives up after the last scheduled retry', async () => {
    receiver.on('/down', { status: 500, body: 'boom' });
    const ep = await endpoint('/down', ['down.event']);
    const event = await dispatch('down.event', {});
    const d = await deliveryOf(event.id, ep.id, 'failed');
    assert.equal(d.attemptCount, 4);
    assert.equal(d.lastStatusCode, 500);
    const detail = await tenant.client.get(`/v1/deliveries/${d.id}`);
    assert.equal(detail.body.attempts[0].responseBody, 'boom');
    assert.equal(receiver.received('/down').length, 4);
  });

  it('never retries a 400, nor a redirect', async () => {
    receiver.on('/bad', { status: 400, body: '{"error":"nope"}' });
    receiver.on('/moved', { status: 301, headers: { location: '/elsewhere' } });
    const bad = await endpoint('/bad', ['strict.event']);
    const moved = await endpoint('/moved', ['strict.event']);
    const event = await dispatch('strict.event', {});
    const d1 = await deliveryOf(event.id, bad.id, 'failed');
    const d2 = await deliveryOf(event.id, moved.id, 'failed');
    assert.equal(d1.attemptCount, 1);
    assert.equal(d2.attemptCount, 1);
    assert.match(d2.lastError, /redirect/);
    // Give a wrongly scheduled retry time to show up (the first retry would come after 0.3 s).
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(receiver.received('/bad').length, 1);
    assert.equal(receiver.received('/moved').length, 1);
    assert.equal(receiver.received('/elsewhere').length, 0);
  });

  it('honours Retry-After on a 429', async () => {
    receiver.on('/throttled', (_req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    const ep = await endpoint('/throttled', ['rate.event']);
    const event = await dispatch('rate.event', {});
    const reqs = await receiver.waitFor(2, '/throttled');
    assert.ok(reqs[1]!.at - reqs[0]!.at >= 1900, `second attempt came after ${reqs[1]!.at - reqs[0]!.at} ms`);
    await deliveryOf(event.id, ep.id, 'succeeded');
  });

  it('records connection refused as an error kind and retries it', async () => {
    const res = await tenant.client.post('/v1/endpoints', { url: 'http://127.0.0.1:1/closed', eventTypes: ['refused.event'] });
    const event = await dispatch('refused.event', {});
    const d = await deliveryOf(event.id, res.body.id, 'failed');
    const detail = await tenant.client.get(`/v1/deliveries/${d.id}`);
    assert.equal(detail.body.attempts.length, 4);
    assert.ok(detail.body.attempts.every((a: any) => a.errorKind === 'connection_refused' && a.responseStatus === null));
  });
});
