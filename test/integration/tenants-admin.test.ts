import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '#libs/queue';
import { uuidv7 } from '#libs/common';
import { usePlatform } from '../support/fixture.js';
import { queueOptions, waitUntil } from '../support/test-env.js';

describe('tenants by external id, and deleting a tenant', () => {
  const f = usePlatform({ env: { RETRY_SCHEDULE: '0.2,0.2,0.2' } });
  let delivery: Queue;

  before(() => {
    delivery = new Queue(QueueName.Delivery, queueOptions(f.platform.config));
  });
  after(async () => {
    await delivery?.close();
  });

  it('null for name or alertEmails is a 400 naming the field, not a 500 (PATCH tenant and settings)', async () => {
    const t = await f.platform.createTenant('nulls');
    for (const body of [{ name: null }, { alertEmails: null }]) {
      const res = await f.platform.admin.patch(`/v1/admin/tenants/${t.id}`, body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.message, new RegExp(Object.keys(body)[0]!));
    }
    const settings = await t.client.patch('/v1/settings', { alertEmails: null });
    assert.equal(settings.status, 400, settings.text);
    assert.match(settings.body.message, /alertEmails/);
  });

  it('externalId on create is unique; GET, PATCH (set, change, clear) and ?externalId= find the tenant', async () => {
    const created = await f.platform.admin.post('/v1/admin/tenants', { name: 'Ext', externalId: 'org_1' });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.externalId, 'org_1');
    const dup = await f.platform.admin.post('/v1/admin/tenants', { name: 'Ext again', externalId: 'org_1' });
    assert.equal(dup.status, 409, dup.text);
    assert.match(dup.body.message, /externalId is already used by another tenant/);
    const other = await f.platform.admin.post('/v1/admin/tenants', { name: 'Other', externalId: 'org_2' });

    const got = await f.platform.admin.get(`/v1/admin/tenants/${created.body.id}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(Object.keys(got.body).sort(), ['alertEmails', 'createdAt', 'externalId', 'id', 'name']);
    const byExt = await f.platform.admin.get('/v1/admin/tenants?externalId=org_1');
    assert.deepEqual(byExt.body.data.map((t: { id: string }) => t.id), [created.body.id]);

    const clash = await f.platform.admin.patch(`/v1/admin/tenants/${other.body.id}`, { externalId: 'org_1' });
    assert.equal(clash.status, 409, clash.text);
    const moved = await f.platform.admin.patch(`/v1/admin/tenants/${created.body.id}`, { externalId: 'org_1b', name: 'Renamed' });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual([moved.body.externalId, moved.body.name], ['org_1b', 'Renamed']);
    const cleared = await f.platform.admin.patch(`/v1/admin/tenants/${created.body.id}`, { externalId: null });
    assert.equal(cleared.body.externalId, null);
    assert.deepEqual((await f.platform.admin.get('/v1/admin/tenants?externalId=org_1b')).body.data, []);
  });

  it('lists tenants newest first in cursor pages', async () => {
    for (let i = 0; i < 3; i++) await f.platform.admin.post('/v1/admin/tenants', { name: `page ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; text: string; body: { data: Array<{ id: string }>; nextCursor: string | null } } = await f.platform.admin.get(`/v1/admin/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, page.text);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((t) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await f.platform.query<{ id: string }>('SELECT id FROM tenants ORDER BY id DESC');
    assert.deepEqual(seen, all.map((t) => t.id));
  });

  it('get-or-create: 20 concurrent PUTs make one tenant (one 201, nineteen 200), and later ones return it unchanged', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => f.platform.admin.call('PUT', '/v1/admin/tenants/by-external-id/cus_race', { body: { name: `racer ${i}` } })));
    assert.deepEqual(responses.map((r) => r.status).sort((a, b) => a - b), [...Array<number>(19).fill(200), 201]);
    const ids = new Set(responses.map((r) => r.body.id));
    assert.equal(ids.size, 1, 'every call answered with the same tenant');
    const rows = await f.platform.query<{ id: string; name: string }>(`SELECT id, name FROM tenants WHERE external_id = 'cus_race'`);
    assert.equal(rows.length, 1);
    const winner = responses.find((r) => r.status === 201)!;
    assert.equal(rows[0]!.name, winner.body.name, "the creating call's name is kept");
    assert.equal(winner.body.apiKey, undefined, 'get-or-create makes no API key');
    const again = await f.platform.admin.call('PUT', '/v1/admin/tenants/by-external-id/cus_race', { body: { name: 'another name' } });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { ...winner.body });
    // The longest external id, with characters that must be escaped in a path.
    const longest = `${'x'.repeat(250)}/%?#~`;
    const long = await f.platform.admin.call('PUT', `/v1/admin/tenants/by-external-id/${encodeURIComponent(longest)}`, { body: { name: 'long' } });
    assert.equal(long.status, 201, long.text);
    assert.equal(long.body.externalId, longest);
  });

  it('deleting a tenant removes every row it owns and stops its pending deliveries; other tenants carry on', async () => {
    const { platform, receiver } = f;
    // The first attempt fails and asks for 3 s: the retries are delayed jobs when the tenant goes.
    receiver.on('/doomed', { status: 503, headers: { 'retry-after': '3' } });
    let control = 0;
    receiver.on('/control', () => (++control === 1 ? { status: 503, headers: { 'retry-after': '4' } } : { status: 200 }));

    const doomed = await platform.createTenant('doomed');
    const ep = await doomed.client.post('/v1/endpoints', { url: receiver.url('/doomed'), eventTypes: ['doom.*'], headers: { 'x-doom': 'yes' } });
    assert.equal(ep.status, 201, ep.text);
    await doomed.client.post('/v1/api-keys', { name: 'second' });
    await doomed.client.patch('/v1/settings', { alertEmails: ['doomed@example.com'] });
    const batch = await doomed.client.post('/v1/events/batch', { events: [1, 2, 3].map((n) => ({ type: 'doom.go', data: { n } })) });
    assert.equal(batch.status, 200, batch.text);
    await receiver.waitFor(3, '/doomed');
    // An alert waiting in the outbox, so the cascade is shown on that table too.
    await platform.query(`INSERT INTO alert_outbox (id, tenant_id, endpoint_id, channel, kind, data, next_attempt_at) VALUES ($1, $2, $3, 'webhook', 'endpoint.failing', '{}', now() + interval '1 hour')`, [uuidv7(), doomed.id, ep.body.id]);
    const tenantTables = (await platform.query<{ table_name: string }>(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`)).map((r) => r.table_name);
    assert.ok(tenantTables.length >= 6, tenantTables.join(','));
    const owned = async () => {
      const counts: Record<string, number> = {};
      for (const t of tenantTables) counts[t] = Number((await platform.query(`SELECT count(*) AS n FROM ${t} WHERE tenant_id = $1`, [doomed.id]))[0].n);
      return counts;
    };
    const beforeDelete = await owned();
    for (const t of ['api_keys', 'endpoints', 'endpoint_secrets', 'events', 'deliveries', 'delivery_attempts', 'alert_outbox']) assert.ok(beforeDelete[t]! > 0, `${t} has rows of the tenant before: ${JSON.stringify(beforeDelete)}`);
    const doomedJobs = async () => (await delivery.getJobs(['delayed', 'waiting', 'prioritized'])).filter((j) => j?.data.tenantId === doomed.id);
    const pendingJobs = async () => (await doomedJobs()).length;
    await waitUntil(async () => (await pendingJobs()) === 3, 10_000, 'three delayed retries of the doomed tenant');
    // And first attempts still waiting in one group job (events created together): the queue is
    // paused so that no worker takes it before the tenant goes.
    await delivery.pause();
    let deletedAt = 0;
    try {
      const waiting = await doomed.client.post('/v1/events/batch', { events: [4, 5, 6].map((n) => ({ type: 'doom.go', data: { n } })) });
      assert.equal(waiting.status, 200, waiting.text);
      await waitUntil(async () => (await pendingJobs()) === 4, 10_000, 'the delayed retries and one group job');
      const group = (await doomedJobs()).find((j) => j.name === JobName.DeliverGroup);
      assert.equal(group?.data.deliveryIds.length, 3, 'the three new deliveries share one group job');
      const deleted = await platform.admin.delete(`/v1/admin/tenants/${doomed.id}`);
      deletedAt = Date.now();
      assert.equal(deleted.status, 204, deleted.text);
      // Checked before the queue resumes: a worker would take the group job and end it quietly.
      assert.equal(await pendingJobs(), 0, 'its queued retries and its group job were removed');
    } finally {
      await delivery.resume();
    }
    assert.deepEqual(Object.values(await owned()).filter((n) => n > 0), [], 'no row of the tenant is left');
    assert.equal((await platform.query('SELECT count(*) AS n FROM tenants WHERE id = $1', [doomed.id]))[0].n, '0');
    assert.equal((await doomed.client.get('/v1/endpoints')).status, 401, 'its keys are refused at once');
    assert.equal((await platform.admin.get(`/v1/admin/tenants/${doomed.id}`)).status, 404);
    assert.equal((await platform.admin.delete(`/v1/admin/tenants/${doomed.id}`)).status, 404);

    // Another tenant's delivery retried after 4 s: by the time its retry arrives, the doomed retries (due 3 s after their first attempts) would have come.
    const other = await platform.createTenant('survivor');
    await other.client.post('/v1/endpoints', { url: receiver.url('/control'), eventTypes: ['*'] });
    assert.equal((await other.client.post('/v1/events', { type: 'life.goes.on', data: {} })).status, 202);
    await receiver.waitFor(2, '/control', 20_000);
    assert.deepEqual(receiver.received('/doomed').filter((r) => r.at > deletedAt), [], 'nothing was sent for the deleted tenant');
    assert.equal(receiver.received('/doomed').length, 3);
  });
});

