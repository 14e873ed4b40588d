import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecoveryRepository } from '#libs/redelivery';
import { TestPlatform } from '../support/platform.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

const EVENTS = 100_000;
/** One event in this many is of the type the endpoint subscribes to. */
const EVERY = 1_000;

// A recovery over 100,000 events walks them in pages of RECOVERY_PAGE_SIZE (the default, 500),
// reading ids and types only: it never has more than a page of events in hand.
describe('recovery over 100,000 events', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start();
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('walks every page and sends each matching event once', async () => {
    const tenant = await platform.createTenant('bulk');
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/bulk'), eventTypes: ['bulk.match'] });
    assert.equal(ep.status, 201, ep.text);
    // As if accepted over the last minutes while the endpoint could not take them.
    await platform.query(
      `INSERT INTO events (id, tenant_id, type, data, fanned_out_at)
       SELECT uuid_generate_v7(), $1, CASE WHEN g % $3 = 0 THEN 'bulk.match' ELSE 'bulk.other' END, json_build_object('g', g), now()
       FROM generate_series(1, $2) g`,
      [tenant.id, EVENTS, EVERY],
    );
    // What autovacuum does after such a burst: without statistics the planner sorts the rest of the range on every page.
    await platform.query('ANALYZE events');
    const pages: number[] = [];
    const repo = platform.workerProvider(RecoveryRepository);
    const eventPage = repo.eventPage.bind(repo);
    repo.eventPage = async (...args) => {
      const page = await eventPage(...args);
      pages.push(page.length);
      return page;
    };
    try {
      const start = await tenant.client.post(`/v1/endpoints/${ep.body.id}/recover`, { since: new Date(Date.now() - 60_000).toISOString() });
      assert.equal(start.status, 202, start.text);
      const done = await waitUntil(async () => {
        const r = (await tenant.client.get(`/v1/recoveries/${start.body.id}`)).body;
        return r.status === 'completed' && r;
      }, 120_000, 'the recovery completed');
      assert.deepEqual([done.total, done.enqueued], [EVENTS / EVERY, EVENTS / EVERY]);
      assert.equal(Math.max(...pages), 500, 'pages of RECOVERY_PAGE_SIZE');
      assert.equal(pages.reduce((a, b) => a + b, 0), EVENTS, 'every event read once');
      const reqs = await receiver.waitFor(EVENTS / EVERY, '/bulk', 60_000);
      assert.equal(new Set(reqs.map((r) => r.headers['webhook-id'])).size, EVENTS / EVERY);
      await waitUntil(async () => (await platform.query(`SELECT count(*)::int AS n FROM deliveries WHERE endpoint_id = $1 AND status = 'succeeded'`, [ep.body.id]))[0].n === EVENTS / EVERY, 30_000, 'every delivery succeeded');
    } finally {
      repo.eventPage = eventPage;
    }
  });
});
