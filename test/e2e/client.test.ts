import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  Hookrelay,
  HookrelayAuthenticationError,
  HookrelayConflictError,
  HookrelayError,
  HookrelayNotFoundError,
  HookrelayPermissionError,
  HookrelayRateLimitError,
  HookrelayValidationError,
  type Delivery,
} from '@hookrelay/client';
import { usePlatform } from '../support/fixture.js';
import { TestPlatform } from '../support/platform.js';
import { TEST_ADMIN_KEY, waitUntil } from '../support/test-env.js';

// The platform (API, worker, a receiver on loopback) driven only through @hookrelay/client, as an
// internal service would: an operator provisions, a service key acts for a tenant by external id.
describe('the typed client drives the platform', () => {
  const f = usePlatform();
  let admin: Hookrelay;
  let svc: Hookrelay;
  let tenantId: string;
  let endpointId: string;
  let expungedEventId: string;

  before(async () => {
    admin = new Hookrelay({ baseUrl: f.platform.apiUrl, apiKey: TEST_ADMIN_KEY });
    const first = await admin.tenants.getOrCreate('cus_client_e2e', { name: 'Client e2e' });
    const again = await admin.tenants.getOrCreate('cus_client_e2e', { name: 'ignored when it exists' });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.tenant.id, first.tenant.id);
    tenantId = first.tenant.id;
    const key = await admin.admin.serviceKeys.create({ name: 'orders service', scopes: ['endpoints:read', 'endpoints:write', 'events:write', 'deliveries:read', 'deliveries:write'] });
    assert.match(key.key, /^hrs_/);
    svc = new Hookrelay({ baseUrl: f.platform.apiUrl, apiKey: key.key }).forTenant({ externalId: 'cus_client_e2e' });
    const endpoint = await svc.endpoints.create({ url: f.receiver.url('/client-hook'), eventTypes: ['order.*'] });
    assert.match(endpoint.secret, /^whsec_/);
    endpointId = endpoint.id;
  });

  it('dispatches events that are delivered, and reads them back page by page', async () => {
    const accepted = [];
    for (let n = 0; n < 3; n++) accepted.push(await svc.events.dispatch({ type: 'order.completed', data: { n }, idempotencyKey: `order-${n}` }));
    const replayed = await svc.events.dispatch({ type: 'order.completed', data: { n: 0 }, idempotencyKey: 'order-0' });
    assert.equal(replayed.replayed, true);
    assert.equal(replayed.id, accepted[0]!.id);
    const batch = await svc.events.dispatchBatch([{ type: 'order.refunded', data: { n: 3 } }, { type: 'Not A Type!', data: {} }]);
    assert.deepEqual(batch.map((r) => r.status), [202, 400]);
    assert.match(batch[1]!.error!.message, /type/);

    const received = await f.receiver.waitFor(4, '/client-hook');
    assert.deepEqual(received.map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n).sort(), [0, 1, 2, 3]);

    // Two per page: iterating the first page walks all four deliveries.
    const succeeded = await waitUntil(async () => {
      const all = await (await svc.deliveries.list({ status: 'succeeded', limit: 2 })).toArray();
      return all.length === 4 && all;
    }, 20_000, 'four succeeded deliveries');
    const first = await svc.deliveries.list({ endpointId, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.ok(first.hasMore);
    const ids: string[] = [];
    for await (const d of first) ids.push(d.id);
    assert.deepEqual(ids.sort(), succeeded.map((d: Delivery) => d.id).sort());

    const events = await (await svc.events.list({ type: 'order.completed', limit: 1 })).toArray();
    assert.deepEqual(events.map((e) => e.id).sort(), accepted.map((e) => e.id).sort());
    const event = await svc.events.get(accepted[1]!.id);
    assert.deepEqual(event.data, { n: 1 });
    assert.equal(event.deliveries[0]!.status, 'succeeded');

    const attempts = await svc.deliveries.attempts(ids[0]!);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]!.responseStatus, 200);
  });

  it('resends a delivery and replays an event', async () => {
    const [delivery] = (await svc.deliveries.list({ endpointId, limit: 1 })).data;
    const before = f.receiver.received('/client-hook').length;
    const resent = await svc.deliveries.resend(delivery!.id);
    assert.equal(resent.status, 'pending');
    await f.receiver.waitFor(before + 1, '/client-hook');
    await waitUntil(async () => (await svc.deliveries.get(delivery!.id)).status === 'succeeded', 20_000, 'the resend to succeed');
    const replay = await svc.events.replay(delivery!.eventId, { force: true });
    assert.equal(replay.deliveries, 1);
    await f.receiver.waitFor(before + 2, '/client-hook');
    // Expunged: the data is gone and a replay is refused.
    const expunged = await svc.events.expunge(delivery!.eventId);
    expungedEventId = expunged.id;
    assert.equal(expunged.id, delivery!.eventId);
    assert.equal((await svc.events.get(delivery!.eventId)).data, null);
    await assert.rejects(svc.events.replay(delivery!.eventId, { force: true }), HookrelayConflictError);
  });

  it('covers the console routes: endpoint update, stats, recoveries, secret rotation, settings, API keys', async () => {
    const updated = await svc.endpoints.update(endpointId, { description: 'orders', headers: { 'x-team': 'payments' } });
    assert.equal(updated.description, 'orders');
    assert.deepEqual(updated.headers, { 'x-team': 'payments' });
    assert.deepEqual((await svc.endpoints.list()).data.map((e) => e.id), [endpointId]);
    const stats = await svc.endpoints.stats(endpointId, { window: '1h' });
    assert.equal(stats.series.length, 60);
    const rotated = await svc.endpoints.rotateSecret(endpointId, { gracePeriodSeconds: 60 });
    assert.match(rotated.secret, /^whsec_/);
    const recovery = await svc.endpoints.recover(endpointId, { since: new Date(Date.now() - 3_600_000).toISOString() });
    assert.equal((await svc.recoveries.get(recovery.id)).id, recovery.id);
    assert.deepEqual((await svc.endpoints.recoveries(endpointId)).data.map((r) => r.id), [recovery.id]);

    // Settings and API keys with the tenant's own key (a tenant key needs no Hookrelay-Tenant).
    const created = await admin.tenants.create({ name: 'with a key' });
    const own = new Hookrelay({ baseUrl: f.platform.apiUrl, apiKey: created.apiKey });
    assert.deepEqual(await own.settings.update({ alertEmails: ['ops@example.com'] }), { alertEmails: ['ops@example.com'] });
    const key = await own.apiKeys.create({ name: 'second' });
    assert.ok((await (await own.apiKeys.list()).toArray()).some((k) => k.id === key.id));
    await own.apiKeys.revoke(key.id);
    await assert.rejects(new Hookrelay({ baseUrl: f.platform.apiUrl, apiKey: key.key }).endpoints.list(), HookrelayAuthenticationError);
    // The admin key acts for a tenant by id.
    assert.deepEqual((await admin.forTenant(tenantId).endpoints.get(endpointId)).id, endpointId);
    await admin.tenants.delete(created.id);
    await assert.rejects(admin.tenants.get(created.id), HookrelayNotFoundError);
  });

  it('throws typed errors with the status and the message the API sent', async () => {
    const cases: [string, () => Promise<unknown>, typeof HookrelayError, number, RegExp][] = [
      ['an unknown endpoint', () => svc.endpoints.get(randomUUID()), HookrelayNotFoundError, 404, /endpoint not found/],
      ['a bad URL', () => svc.endpoints.create({ url: 'not a url', eventTypes: ['a.b'] }), HookrelayValidationError, 400, /url/],
      ['a scope the service key lacks', () => svc.apiKeys.list(), HookrelayPermissionError, 403, /scope/],
      ['an unknown external id', () => svc.forTenant({ externalId: 'nobody' }).endpoints.list(), HookrelayNotFoundError, 404, /tenant/],
    ];
    for (const [what, call, ErrorClass, status, message] of cases) {
      const err = await call().then(() => assert.fail(`${what}: expected an error`), (e: unknown) => e);
      assert.ok(err instanceof ErrorClass, `${what}: ${String(err)}`);
      assert.equal(err.status, status, what);
      assert.match(err.message, message, what);
    }
    // 409: a delivery of a disabled endpoint is not resent.
    const delivery = (await (await svc.deliveries.list({ endpointId, status: 'succeeded' })).toArray()).find((d) => d.eventId !== expungedEventId);
    await svc.endpoints.update(endpointId, { status: 'disabled' });
    const conflict = await svc.deliveries.resend(delivery!.id).then(() => assert.fail('expected a 409'), (e: unknown) => e);
    assert.ok(conflict instanceof HookrelayConflictError, String(conflict));
    assert.equal(conflict.status, 409);
    assert.match(conflict.message, /disabled/);
    await svc.endpoints.update(endpointId, { status: 'active' });
  });
});

describe('the client honours 429 Retry-After from the API', () => {
  let platform: TestPlatform;
  let apiKey: string;

  before(async () => {
    // Two requests a second per tenant.
    platform = await TestPlatform.start({ env: { RATE_LIMIT_PER_SECOND: '2', RATE_LIMIT_WINDOW_MS: '1000' }, worker: false });
    apiKey = (await platform.createTenant()).apiKey;
  });
  after(async () => {
    await platform?.stop();
  });

  it('waits as told and then succeeds; with retries off the 429 reaches the caller', async () => {
    const statuses: number[] = [];
    const recording = async (request: Request) => {
      const response = await fetch(request);
      statuses.push(response.status);
      return response;
    };
    const hr = new Hookrelay({ baseUrl: platform.apiUrl, apiKey, fetch: recording, retry: { retries: 5 } });
    // Until one call met the limit (calls can straddle the limiter's window); each call succeeds.
    let calls = 0;
    while (!statuses.includes(429) && calls < 50) {
      await hr.endpoints.list();
      calls++;
    }
    assert.ok(statuses.includes(429), `the limit was reached: ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 200);
    assert.equal(statuses.filter((s) => s === 200).length, calls);

    const once = new Hookrelay({ baseUrl: platform.apiUrl, apiKey, retry: false });
    let limited: unknown;
    for (let i = 0; i < 50 && !limited; i++) limited = await once.endpoints.list().then(() => undefined, (e: unknown) => e);
    assert.ok(limited instanceof HookrelayRateLimitError, String(limited));
    assert.equal(limited.status, 429);
    assert.match(limited.message, /rate limit/);
    assert.ok(limited.retryAfterMs !== undefined && limited.retryAfterMs >= 1000);
  });
});
