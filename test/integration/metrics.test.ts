import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { parsePrometheusText, sampleSum, type Scrape } from '../support/prometheus.js';
import { TestReceiver } from '../support/receiver.js';
import { waitUntil } from '../support/test-env.js';

const TOKEN = 'metrics-token-0123456789';
const root = fileURLToPath(new URL('../../../', import.meta.url));

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The series names a PromQL expression reads: identifiers that are not functions, keywords,
 * label names (in {} or in by/without/on lists), durations or strings. */
function seriesInPromQL(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/(?<![a-zA-Z0-9_:])\d+(\.\d+)?(e[+-]?\d+)?/gi, ' ');
  const names = new Set<string>();
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    if (/^\d/.test(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** Every series name a scrape offers, a histogram's _bucket, _sum and _count included. */
function exported(scrapes: Scrape[]): Set<string> {
  const out = new Set<string>();
  for (const s of scrapes) {
    for (const x of s.samples) out.add(x.name);
    for (const [family, type] of s.types) {
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) out.add(family + suffix);
      else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) out.add(family + suffix);
      else out.add(family);
    }
  }
  return out;
}

async function scrapeRaw(baseUrl: string, token?: string) {
  const res = await request(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.statusCode, contentType: String(res.headers['content-type']), text: await res.body.text() };
}

async function scrape(baseUrl: string, token?: string): Promise<Scrape> {
  const res = await scrapeRaw(baseUrl, token);
  assert.equal(res.status, 200, res.text);
  return parsePrometheusText(res.text);
}

describe('GET /metrics', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;
  let tenant: Tenant;

  before(async () => {
    receiver = await TestReceiver.start();
    // Two attempts per delivery, a 300 ms attempt budget, gauges read every 100 ms.
    platform = await TestPlatform.start({ env: { METRICS_TOKEN: TOKEN, RETRY_SCHEDULE: '0.2', DELIVERY_TIMEOUT_MS: '300', METRICS_POLL_MS: '100' } });
    tenant = await platform.createTenant();
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('requires the bearer METRICS_TOKEN on the API and on the worker', async () => {
    for (const url of [platform.apiUrl, platform.workerUrl]) {
      const none = await scrapeRaw(url);
      assert.equal(none.status, 401, url);
      assert.deepEqual(JSON.parse(none.text), { statusCode: 401, error: 'Unauthorized', message: 'missing bearer token: send Authorization: Bearer <METRICS_TOKEN>' });
      const wrong = await scrapeRaw(url, `${TOKEN}x`);
      assert.equal(wrong.status, 401);
      assert.equal(JSON.parse(wrong.text).message, 'invalid metrics token');
      const tenantKey = await scrapeRaw(url, tenant.apiKey);
      assert.equal(tenantKey.status, 401, 'a tenant key is not the metrics token');
      const ok = await scrapeRaw(url, TOKEN);
      assert.equal(ok.status, 200);
      assert.match(ok.contentType, /^text\/plain; version=0\.0\.4/);
      const s = parsePrometheusText(ok.text);
      assert.equal(s.types.get('process_cpu_seconds_total'), 'counter', 'process defaults');
      assert.equal(s.types.get('nodejs_heap_size_used_bytes'), 'gauge', 'Node defaults');
      assert.equal(s.types.get('hookrelay_db_pool_connections'), 'gauge');
      assert.ok(sampleSum(s, 'hookrelay_db_pool_connections', { state: 'idle' }) + sampleSum(s, 'hookrelay_db_pool_connections', { state: 'busy' }) >= 1, 'the pool holds a connection');
    }
  });

  it('counts accepted events, attempts by result, completed deliveries, durations and batches as deliveries happen', async () => {
    receiver.on('/ok', { status: 200 });
    receiver.on('/broken', { status: 503 });
    receiver.on('/hang', { hang: true });
    for (const [path, type] of [['/ok', 'm.ok'], ['/broken', 'm.broken'], ['/hang', 'm.hang']] as const) {
      const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: [type] });
      assert.equal(ep.status, 201, ep.text);
    }
    const api0 = await scrape(platform.apiUrl, TOKEN);
    const w0 = await scrape(platform.workerUrl, TOKEN);
    const delta = (now: Scrape, before: Scrape, name: string, labels: Record<string, string> = {}) => sampleSum(now, name, labels) - sampleSum(before, name, labels);

    for (const type of ['m.ok', 'm.broken', 'm.hang']) assert.equal((await tenant.client.post('/v1/events', { type, data: { n: 1 } })).status, 202);
    // An idempotent replay is not a new event.
    assert.equal((await tenant.client.post('/v1/events', { type: 'm.none', data: {}, idempotencyKey: 'k1' })).status, 202);
    assert.equal((await tenant.client.post('/v1/events', { type: 'm.none', data: {}, idempotencyKey: 'k1' })).status, 202);
    // Batch dispatch counts each new event once.
    const batch = await tenant.client.post('/v1/events/batch', { events: [{ type: 'm.none', data: { b: 1 } }, { type: 'm.none', data: { b: 2 } }] });
    assert.equal(batch.status, 200, batch.text);

    const w1 = await waitUntil(
      async () => {
        const s = await scrape(platform.workerUrl, TOKEN);
        return delta(s, w0, 'hookrelay_deliveries_completed_total') >= 3 ? s : undefined;
      },
      20_000,
      'three deliveries completed in the metrics',
    );
    const api1 = await scrape(platform.apiUrl, TOKEN);
    assert.equal(delta(api1, api0, 'hookrelay_events_accepted_total'), 6);
    assert.equal(delta(w1, w0, 'hookrelay_deliveries_completed_total', { outcome: 'succeeded' }), 1);
    assert.equal(delta(w1, w0, 'hookrelay_deliveries_completed_total', { outcome: 'failed' }), 2);
    assert.equal(delta(w1, w0, 'hookrelay_attempts_total', { result: '2xx' }), 1);
    assert.equal(delta(w1, w0, 'hookrelay_attempts_total', { result: '5xx' }), 2);
    assert.equal(delta(w1, w0, 'hookrelay_attempts_total', { result: 'timeout' }), 2);
    assert.equal(delta(w1, w0, 'hookrelay_attempts_total', { result: 'network' }), 0);
    assert.equal(delta(w1, w0, 'hookrelay_attempt_duration_seconds_count'), 5);
    assert.ok(delta(w1, w0, 'hookrelay_attempt_duration_seconds_sum') >= 0.5, 'two timeouts of 300 ms are in the sum');
    assert.equal(delta(w1, w0, 'hookrelay_attempt_duration_seconds_bucket', { le: '+Inf' }), 5);
    // Batches: the API's event inserts, the worker's attempt loads and records and job adds.
    assert.ok(delta(api1, api0, 'hookrelay_batch_size_sum', { batcher: 'event-insert' }) >= 4);
    assert.equal(delta(api1, api0, 'hookrelay_batch_size_sum', { batcher: 'event-batch-dispatch' }), 2);
    assert.ok(delta(w1, w0, 'hookrelay_batch_size_sum', { batcher: 'attempt-record' }) >= 5);
    assert.ok(delta(w1, w0, 'hookrelay_batch_size_count', { batcher: 'attempt-load' }) >= 1);
    // No tenant or endpoint label unless METRICS_PER_TENANT.
    for (const s of [api1, w1]) assert.deepEqual(s.samples.filter((x) => 'tenant_id' in x.labels || 'endpoint_id' in x.labels), []);
  });

  it('reads the backlog gauges periodically on the worker: queue jobs by state and the oldest due delivery', async () => {
    const s = await waitUntil(
      async () => {
        const x = await scrape(platform.workerUrl, TOKEN);
        return x.samples.some((v) => v.name === 'hookrelay_queue_jobs') ? x : undefined;
      },
      5_000,
      'queue gauges',
    );
    for (const queue of ['delivery', 'fanout']) {
      for (const state of ['waiting', 'delayed', 'active', 'failed']) {
        assert.ok(s.samples.some((v) => v.name === 'hookrelay_queue_jobs' && v.labels.queue === queue && v.labels.state === state), `${queue}/${state}`);
      }
    }
    assert.equal(s.types.get('hookrelay_oldest_due_delivery_age_seconds'), 'gauge');
    // A delivery due 90 s ago that nothing runs: the gauge shows it within a poll.
    const [ep] = await platform.query<{ id: string }>(`SELECT id FROM endpoints WHERE tenant_id = $1 LIMIT 1`, [tenant.id]);
    const [ev] = await platform.query<{ id: string }>(`INSERT INTO events (id, tenant_id, type, data, fanned_out_at) VALUES (uuid_generate_v7(), $1, 'm.stuck', '{}', now()) RETURNING id`, [tenant.id]);
    await platform.query(`INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at, updated_at) VALUES (uuid_generate_v7(), $1, $2, $3, 'm.stuck', now() - interval '90 seconds', now())`, [tenant.id, ev!.id, ep!.id]);
    await waitUntil(async () => sampleSum(await scrape(platform.workerUrl, TOKEN), 'hookrelay_oldest_due_delivery_age_seconds') >= 89, 5_000, 'the oldest due age to show the stuck delivery');
    // The API leaves the backlog gauges to the worker.
    const api = await scrape(platform.apiUrl, TOKEN);
    assert.equal(api.types.get('hookrelay_queue_jobs'), undefined);
    await platform.query(`DELETE FROM deliveries WHERE event_type = 'm.stuck'`);
  });
});

describe('the Grafana dashboard and the observability profile', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await TestPlatform.start({ env: { METRICS_TOKEN: TOKEN, METRICS_POLL_MS: '100' } });
  });
  after(async () => {
    await platform?.stop();
  });

  it('reads the series names out of PromQL', () => {
    assert.deepEqual(seriesInPromQL('histogram_quantile(0.99, sum by (le) (rate(a_bucket{job=~"x|y"}[$__rate_interval])))'), ['a_bucket']);
    assert.deepEqual(seriesInPromQL('sum(rate(b_total{outcome="ok"}[5m])) / sum without (x) (rate(c_total[5m])) > bool 0'), ['b_total', 'c_total']);
    assert.deepEqual(seriesInPromQL('sum(d_bytes) / 1e9 + 2.5'), ['d_bytes']);
  });

  it('names in its queries only series that the API and the worker export', async () => {
    const dashboard = JSON.parse(readFileSync(`${root}deploy/grafana/hookrelay.json`, 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
    assert.ok(exprs.length >= 15, `${exprs.length} queries`);
    await waitUntil(async () => (await scrape(platform.workerUrl, TOKEN)).samples.some((x) => x.name === 'hookrelay_queue_jobs'), 5_000, 'the backlog gauges');
    const names = exported([await scrape(platform.apiUrl, TOKEN), await scrape(platform.workerUrl, TOKEN)]);
    const unknown = exprs.flatMap((e) => seriesInPromQL(e).filter((n) => !names.has(n)).map((n) => `${n} in ${e}`));
    assert.deepEqual(unknown, []);
    // Everything the issue lists is on the dashboard.
    const used = new Set(exprs.flatMap(seriesInPromQL).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    for (const family of ['hookrelay_events_accepted_total', 'hookrelay_deliveries_completed_total', 'hookrelay_attempts_total', 'hookrelay_attempt_duration_seconds', 'hookrelay_queue_jobs', 'hookrelay_oldest_due_delivery_age_seconds', 'hookrelay_reconciler_reenqueued_total', 'hookrelay_endpoints_disabled_total', 'hookrelay_alert_emails_total', 'hookrelay_db_pool_connections', 'hookrelay_batch_size']) {
      assert.ok(used.has(family), `${family} is on the dashboard`);
    }
    // Its panels read the datasource the provisioning defines.
    const datasource = readFileSync(`${root}deploy/grafana/provisioning/datasources/prometheus.yml`, 'utf8');
    const uids = new Set(dashboard.panels.filter((p: { type: string }) => p.type !== 'row').map((p: { datasource: { uid: string } }) => p.datasource.uid));
    assert.deepEqual([...uids], ['hookrelay-prometheus']);
    assert.match(datasource, /uid: hookrelay-prometheus/);
  });

  it('mounts files that exist, and scrapes both processes with the token compose hands Prometheus', () => {
    const compose = readFileSync(`${root}docker-compose.yml`, 'utf8');
    for (const m of compose.matchAll(/- \.\/(deploy\/[^:]+):/g)) assert.ok(existsSync(`${root}${m[1]}`), `${m[1]} exists`);
    assert.match(compose, /profiles: \[observability\]/);
    const prometheus = readFileSync(`${root}deploy/prometheus/prometheus.yml`, 'utf8');
    assert.match(prometheus, /targets: \["api:3000"\]/);
    assert.match(prometheus, /targets: \["worker:3001"\]/);
    assert.equal([...prometheus.matchAll(/credentials_file: \/etc\/prometheus\/metrics-token/g)].length, 2);
    assert.match(compose, /target: \/etc\/prometheus\/metrics-token/);
  });
});

describe('GET /metrics with METRICS_PER_TENANT=true', () => {
  let platform: TestPlatform;
  let receiver: TestReceiver;

  before(async () => {
    receiver = await TestReceiver.start();
    platform = await TestPlatform.start({ env: { METRICS_PER_TENANT: 'true' } });
  });
  after(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it('labels the per-tenant series with tenant_id (and endpoint_id), and needs no token when METRICS_TOKEN is unset', async () => {
    const tenant = await platform.createTenant();
    const ep = await tenant.client.post('/v1/endpoints', { url: receiver.url('/t'), eventTypes: ['t.one'] });
    assert.equal((await tenant.client.post('/v1/events', { type: 't.one', data: {} })).status, 202);
    await receiver.waitFor(1, '/t');
    const w = await waitUntil(
      async () => {
        const s = await scrape(platform.workerUrl);
        return sampleSum(s, 'hookrelay_deliveries_completed_total') === 1 ? s : undefined;
      },
      10_000,
      'the delivery in the metrics',
    );
    const api = await scrape(platform.apiUrl);
    assert.equal(sampleSum(api, 'hookrelay_events_accepted_total', { tenant_id: tenant.id }), 1);
    assert.equal(sampleSum(w, 'hookrelay_attempts_total', { result: '2xx', tenant_id: tenant.id, endpoint_id: ep.body.id }), 1);
    assert.equal(sampleSum(w, 'hookrelay_deliveries_completed_total', { outcome: 'succeeded', tenant_id: tenant.id, endpoint_id: ep.body.id }), 1);
    assert.equal(sampleSum(w, 'hookrelay_attempt_duration_seconds_count', { tenant_id: tenant.id }), 1);
  });
});

describe('METRICS_ENABLED=false', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await TestPlatform.start({ env: { METRICS_ENABLED: 'false' } });
  });
  after(async () => {
    await platform?.stop();
  });

  it('answers 404 on both processes', async () => {
    for (const url of [platform.apiUrl, platform.workerUrl]) {
      const res = await scrapeRaw(url);
      assert.equal(res.status, 404);
      assert.equal(JSON.parse(res.text).message, 'metrics are turned off (METRICS_ENABLED=false)');
    }
  });
});
