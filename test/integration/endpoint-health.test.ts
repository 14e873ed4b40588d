import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usePlatform } from '../support/fixture.js';
import type { Tenant } from '../support/platform.js';
import { waitUntil } from '../support/test-env.js';

describe('endpoint health and operational webhooks', () => {
  // Two attempts per delivery (one retry), so a streak that counted attempts would be off by two.
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.05', ENDPOINT_FAILING_ALERT_AFTER: '3', ALERT_OUTBOX_POLL_MS: '100' } });

  async function deliveryStatus(tenant: Tenant, eventId: string, endpointId: string): Promise<string | undefined> {
    return (await tenant.client.get(`/v1/deliveries?eventId=${eventId}&endpointId=${endpointId}`)).body.data[0]?.status;
  }

  /** Dispatches one event to the flaky endpoint and waits until its delivery has ended as expected and health shows it. */
  async function deliver(tenant: Tenant, endpointId: string, expected: 'failed' | 'succeeded', failures: number) {
    const ev = await tenant.client.post('/v1/events', { type: 'order.paid', data: { n: failures } });
    assert.equal(ev.status, 202, ev.text);
    await waitUntil(async () => (await deliveryStatus(tenant, ev.body.id, endpointId)) === expected, 15_000, `delivery ${expected}`);
    return waitUntil(async () => {
      const ep = (await tenant.client.get(`/v1/endpoints/${endpointId}`)).body;
      return ep.health.consecutiveFailures === failures && (expected === 'failed' ? ep.health.lastFailureAt !== null : ep.health.lastSuccessAt !== null) && ep;
    }, 15_000, `health showing ${failures} failures`);
  }

  const alertRows = (endpointId: string) =>
    f.platform.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM alert_outbox WHERE endpoint_id = $1 AND channel = 'webhook' GROUP BY kind ORDER BY kind`, [endpointId]);

  it('health moves with failed deliveries and a success; operational events reach hookrelay.* subscribers only', async () => {
    const tenant = await f.platform.createTenant();
    let failing = true;
    f.receiver.on('/flaky', () => (failing ? { status: 503, body: 'down for maintenance' } : { status: 200 }));
    const ops = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/ops'), eventTypes: ['hookrelay.*'] })).body;
    const exact = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/exact'), eventTypes: ['hookrelay.endpoint.recovered'] })).body;
    const star = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/star'), eventTypes: ['*'] })).body;
    const flaky = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/flaky'), eventTypes: ['order.*'] })).body;
    for (const e of [ops, exact, star, flaky]) assert.ok(e.id, JSON.stringify(e));
    assert.deepEqual(flaky.health, { lastSuccessAt: null, lastFailureAt: null, failingSince: null, consecutiveFailures: 0 });

    const first = await deliver(tenant, flaky.id, 'failed', 1);
    assert.equal(first.health.lastSuccessAt, null);
    assert.ok(first.health.failingSince);
    assert.equal(f.receiver.received('/flaky').length, 2, 'two attempts, one failed delivery');
    const failingSince = first.health.failingSince;
    await deliver(tenant, flaky.id, 'failed', 2);
    const third = await deliver(tenant, flaky.id, 'failed', 3);
    assert.equal(third.health.failingSince, failingSince, 'the streak keeps its start');
    assert.ok(third.health.lastFailureAt >= failingSince);

    // The failing alert: once the streak reached 3, as an ordinary, signed event of the tenant.
    const [failingHook] = await waitUntil(() => {
      const got = f.receiver.received('/ops').filter((r) => r.headers['x-webhook-event'] === 'hookrelay.endpoint.failing');
      return got.length > 0 && got;
    }, 15_000, 'hookrelay.endpoint.failing');
    assert.ok(String(failingHook!.headers['webhook-signature']).startsWith('v1,'));
    const failingBody = JSON.parse(failingHook!.body);
    assert.equal(failingBody.type, 'hookrelay.endpoint.failing');
    assert.equal(failingBody.data.endpointId, flaky.id);
    assert.equal(failingBody.data.url, flaky.url);
    assert.equal(failingBody.data.consecutiveFailures, 3);
    assert.equal(failingBody.data.lastResponseStatus, 503);
    assert.match(failingBody.data.reason, /503/);
    assert.equal(failingBody.data.failingSince, failingSince);
    const logged = await tenant.client.get(`/v1/deliveries?endpointId=${ops.id}&eventType=hookrelay.endpoint.failing`);
    assert.equal(logged.body.data.length, 1, 'in the delivery log like any other');

    // The first failed delivery raised delivery.failed; the next ones are held back by the dedupe window.
    const failedHooks = await f.receiver.waitFor(1, '/ops').then(() => f.receiver.received('/ops').filter((r) => r.headers['x-webhook-event'] === 'hookrelay.delivery.failed'));
    assert.equal(failedHooks.length, 1);
    const failedData = JSON.parse(failedHooks[0]!.body).data;
    assert.equal(failedData.count, 1);
    assert.equal(failedData.deliveryIds.length, 1);

    await deliver(tenant, flaky.id, 'failed', 4);
    failing = false;
    const healed = await deliver(tenant, flaky.id, 'succeeded', 0);
    assert.equal(healed.health.failingSince, null);
    assert.ok(healed.health.lastSuccessAt);
    assert.ok(healed.health.lastFailureAt, 'the last failure stays on record');

    const [recovered] = await f.receiver.waitFor(1, '/exact');
    assert.equal(JSON.parse(recovered!.body).type, 'hookrelay.endpoint.recovered');
    assert.equal(JSON.parse(recovered!.body).data.endpointId, flaky.id);
    await waitUntil(() => f.receiver.received('/ops').some((r) => r.headers['x-webhook-event'] === 'hookrelay.endpoint.recovered'), 15_000, 'recovered on the hookrelay.* endpoint');
    // Once per streak, deduplicated: exactly these alerts were decided.
    assert.deepEqual(await alertRows(flaky.id), [
      { kind: 'delivery.failed', n: 1 },
      { kind: 'endpoint.failing', n: 1 },
      { kind: 'endpoint.recovered', n: 1 },
    ]);
    // `*` got every order event and none of the platform's.
    const starTypes = f.receiver.received('/star').map((r) => String(r.headers['x-webhook-event']));
    assert.equal(starTypes.length, 5);
    assert.ok(starTypes.every((t) => t === 'order.paid'), starTypes.join());
    assert.ok(f.receiver.received('/exact').every((r) => r.headers['x-webhook-event'] === 'hookrelay.endpoint.recovered'));
  });

  it('a delivery.failed alert after the dedupe window counts the failures held back', async () => {
    const tenant = await f.platform.createTenant();
    f.receiver.on('/gone', { status: 410 });
    const gone = (await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/gone'), eventTypes: ['order.*'] })).body;
    await deliver(tenant, gone.id, 'failed', 1);
    await deliver(tenant, gone.id, 'failed', 2);
    await deliver(tenant, gone.id, 'failed', 3);
    // Move the last alert out of the window, as if an hour had passed.
    await f.platform.query(`UPDATE endpoints SET failed_alert_at = failed_alert_at - interval '2 hours' WHERE id = $1`, [gone.id]);
    await deliver(tenant, gone.id, 'failed', 4);
    const rows = await waitUntil(async () => {
      const r = await f.platform.query<{ data: { count: number; deliveryIds: string[] } }>(`SELECT data FROM alert_outbox WHERE endpoint_id = $1 AND kind = 'delivery.failed' ORDER BY created_at`, [gone.id]);
      return r.length === 2 && r;
    }, 15_000, 'two delivery.failed alerts');
    assert.equal(rows[0]!.data.count, 1);
    assert.equal(rows[1]!.data.count, 3, 'the two held back and the new one');
    assert.equal(rows[1]!.data.deliveryIds.length, 3);
  });

  it('refuses to dispatch a reserved hookrelay. type and stores nothing', async () => {
    const tenant = await f.platform.createTenant();
    const before = await f.platform.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant.id]);
    for (const type of ['hookrelay.x', 'hookrelay.endpoint.failing']) {
      const res = await tenant.client.post('/v1/events', { type, data: {} });
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.message, /reserved/);
    }
    assert.equal((await tenant.client.post('/v1/events', { type: 'hookrelayx.y', data: {} })).status, 202, 'only the prefix with its dot is reserved');
    const after = await f.platform.query('SELECT count(*)::int AS n FROM events WHERE tenant_id = $1', [tenant.id]);
    assert.equal(after[0].n, before[0].n + 1);
  });
});
