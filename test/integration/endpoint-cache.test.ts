import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';

// The worker keeps each endpoint's options and opened secrets between attempts, by the endpoint row's
// version. Each case warms that cache with a first delivery, changes the endpoint, and checks that
// the very next delivery uses the change.
describe("worker's endpoint cache: a change to the endpoint is seen by the next attempt", () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start();
    tenant = await platform.createTenant('cache');
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  async function endpoint(path: string, type: string) {
    const res = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: [type] });
    assert.equal(res.status, 201, res.text);
    return res.body as { id: string; secret: string };
  }

  async function dispatch(type: string, n: number) {
    const ev = await tenant.client.post('/v1/events', { type, data: { n } });
    assert.equal(ev.status, 202, ev.text);
  }

  it('a secret rotation: the next webhook carries both signatures', async () => {
    const ep = await endpoint('/rot', 'cache.rot');
    await dispatch('cache.rot', 1);
    const [first] = await receiver.waitFor(1, '/rot');
    assert.equal(String(first!.headers['webhook-signature']).split(' ').length, 1);
    const rotated = await tenant.client.post(`/v1/endpoints/${ep.id}/rotate-secret`, {});
    assert.equal(rotated.status, 200, rotated.text);
    await dispatch('cache.rot', 2);
    const second = (await receiver.waitFor(2, '/rot'))[1]!;
    const entries = String(second.headers['webhook-signature']).split(' ');
    assert.equal(entries.length, 2);
    for (const secret of [ep.secret, rotated.body.secret as string]) {
      new Webhook(secret).verify(second.body, { 'webhook-id': String(second.headers['webhook-id']), 'webhook-timestamp': String(second.headers['webhook-timestamp']), 'webhook-signature': String(second.headers['webhook-signature']) });
    }
  });

  it('a row written outside the API (a URL changed in SQL): the next webhook goes to the new URL', async () => {
    const ep = await endpoint('/old', 'cache.url');
    await dispatch('cache.url', 1);
    await receiver.waitFor(1, '/old');
    await platform.query('UPDATE endpoints SET url = $1 WHERE id = $2', [receiver.url('/new'), ep.id]);
    await dispatch('cache.url', 2);
    await receiver.waitFor(1, '/new');
    assert.equal(receiver.received('/old').length, 1);
  });

  it('custom headers changed through the API: the next webhook carries them', async () => {
    const ep = await endpoint('/hdr', 'cache.hdr');
    await dispatch('cache.hdr', 1);
    await receiver.waitFor(1, '/hdr');
    const patched = await tenant.client.patch(`/v1/endpoints/${ep.id}`, { headers: { 'x-team': 'payments' } });
    assert.equal(patched.status, 200, patched.text);
    await dispatch('cache.hdr', 2);
    const second = (await receiver.waitFor(2, '/hdr'))[1]!;
    assert.equal(second.headers['x-team'], 'payments');
  });
});
