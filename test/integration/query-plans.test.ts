import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { PrismaService } from '#libs/database';
import { DeliveryRepository } from '#libs/delivery';
import { EventRepository } from '#libs/events';
import { ApiKeyRepository } from '../../libs/tenants/src/api-key.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/test-env.js';

// The hot-path statements are prepared once per connection and, without plan_cache_mode =
// force_custom_plan, Postgres may keep a generic plan for good. These are the statements as the
// repositories send them; each is EXPLAINed with its generic plan on empty tables, and again on the
// same connection after the tables grew and were analysed (what autovacuum does with the migration's
// per-table settings): a plan cached while the tables were empty must not survive as a sequential
// scan of a large table.

interface Captured {
  name: string;
  text: string;
  values: unknown[];
}

/** The statements the repositories send, with example parameters, captured without a database. */
async function hotStatements(ids: { tenantId: string; endpointId: string; deliveryId: string; eventId: string }): Promise<Captured[]> {
  const captured: Captured[] = [];
  let name = '';
  // Rows like those of a claim that formed nothing: enough for every caller to finish.
  const prisma = { rows: async (text: string, values: unknown[] = []) => (captured.push({ name, text, values }), name.startsWith('batch claim') ? [{ pending: 0, wait_ms: 0, claimed: null }] : []) } as unknown as PrismaService;
  const deliveries = new DeliveryRepository(prisma);
  const events = new EventRepository(prisma);
  const keys = new ApiKeyRepository(prisma);
  const attempt = { startedAt: new Date(), durationMs: 5, responseStatus: 200, errorKind: null, errorMessage: null, responseBody: 'ok', status: 'succeeded' as const, nextAttemptAt: null, lastError: null, attemptNumber: 1 };
  name = 'api key lookup';
  await keys.findByHash('0'.repeat(64));
  name = 'event and delivery insert (acceptMany)';
  await events.acceptMany([{ tenantId: ids.tenantId, event: { id: '01939e3c-0000-7000-8000-00000000e001', type: 'order.created', dataJson: '{}', idempotencyKey: null } }], 100);
  name = 'attempt load (loadManyForAttempt)';
  await deliveries.loadManyForAttempt([{ tenantId: ids.tenantId, deliveryId: ids.deliveryId }]);
  name = 'attempt record (recordAttempts)';
  await deliveries.recordAttempts([{ rows: [{ tenantId: ids.tenantId, deliveryId: ids.deliveryId, attempt }], batch: null }]);
  name = 'batch claim (claimBatch)';
  await deliveries.claimBatch({ tenantId: ids.tenantId, endpointId: ids.endpointId, batchId: '01939e3c-0000-7000-8000-00000000b001', maxEvents: 100, maxWaitMs: 1000, payloadFormat: 'envelope' });
  name = 'fan-out (fanOut)';
  await events.fanOut(ids.tenantId, ids.eventId, ['order.created', 'order.*', '*']);
  return captured;
}

/** A parameter as an SQL literal (the statements cast every parameter themselves). */
function literal(client: pg.Client, v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Array.isArray(v)) {
    const items = v.map((x) => (x === null || x === undefined ? 'NULL' : `"${String(x instanceof Date ? x.toISOString() : x).replace(/["\\]/g, '\\$&')}"`));
    return client.escapeLiteral(`{${items.join(',')}}`);
  }
  if (v instanceof Date) return client.escapeLiteral(v.toISOString());
  return client.escapeLiteral(String(v));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) out.push(node['Relation Name']);
  for (const p of node.Plans ?? []) seqScans(p, out);
  return out;
}

// Tables that grow with traffic: a sequential scan of one of them on the hot path is the bug.
const LARGE = new Set(['events', 'deliveries', 'delivery_attempts', 'api_keys', 'endpoints', 'endpoint_secrets', 'delivery_batches']);

describe('hot-path statements keep index plans as the tables grow (generic plans, no forced re-planning)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let statements: Captured[];
  const ids = { tenantId: '', endpointId: '', deliveryId: '', eventId: '' };

  before(async () => {
    db = await createTestDatabase();
    const [t] = (await db.pool.query<{ id: string }>(`INSERT INTO tenants (id, name) VALUES (uuid_generate_v7(), 'plans') RETURNING id`)).rows;
    ids.tenantId = t!.id;
    const [e] = (await db.pool.query<{ id: string }>(
      `INSERT INTO endpoints (id, tenant_id, url, event_types, updated_at) VALUES (uuid_generate_v7(), $1, 'https://example.com/h', '{order.created}', now()) RETURNING id`,
      [ids.tenantId],
    )).rows;
    ids.endpointId = e!.id;
    ids.deliveryId = '01939e3c-0000-7000-8000-00000000d001';
    ids.eventId = '01939e3c-0000-7000-8000-00000000e002';
    statements = await hotStatements(ids);
    // The migrations end with ANALYZE (scripts/db-migrate.mjs): the empty tables are analysed.
    await db.pool.query('ANALYZE');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('SET plan_cache_mode = force_generic_plan');
    for (const [i, s] of statements.entries()) await client.query(`PREPARE s${i} AS ${s.text}`);
  });
  after(async () => {
    await client?.end().catch(() => undefined);
    await db?.drop();
  });

  async function generic(i: number): Promise<PlanNode> {
    const s = statements[i]!;
    // EXPLAIN without ANALYZE: nothing is written.
    const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) EXECUTE s${i}(${s.values.map((v) => literal(client, v)).join(', ')})`);
    return rows[0]!['QUERY PLAN'][0]!.Plan;
  }

  it('on grown and analysed tables, the plan cached on empty ones is replaced and reads by index', async () => {
    // Plans made while the tables are empty, cached on this connection.
    for (let i = 0; i < statements.length; i++) await generic(i);
    await db.pool.query(`
      INSERT INTO tenants (id, name) SELECT uuid_generate_v7(), 't' || g FROM generate_series(1, 500) g;
      INSERT INTO endpoints (id, tenant_id, url, event_types, updated_at)
        SELECT uuid_generate_v7(), t.id, 'https://example.com/' || g, '{order.created}', now() FROM tenants t, generate_series(1, 10) g;
      INSERT INTO endpoint_secrets (id, endpoint_id, tenant_id, ciphertext, key_id) SELECT uuid_generate_v7(), e.id, e.tenant_id, 'x', 'k' FROM endpoints e;
      INSERT INTO api_keys (id, tenant_id, prefix, key_hash) SELECT uuid_generate_v7(), $1, 'hr_' || g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, 5000) g;
      INSERT INTO events (id, tenant_id, type, data, fanned_out_at) SELECT uuid_generate_v7(), $1, 'order.created', '{}', now() FROM generate_series(1, 40000) g;
      INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, status, attempt_count, next_attempt_at, completed_at)
        SELECT uuid_generate_v7(), $1, ev.id, $2, 'order.created', 'succeeded', 1, NULL, now() FROM events ev;
      INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status)
        SELECT uuid_generate_v7(), d.id, d.tenant_id, 1, now(), 5, 200 FROM deliveries d;
      INSERT INTO delivery_batches (id, tenant_id, endpoint_id, payload_format, size, status, next_attempt_at)
        SELECT uuid_generate_v7(), $1, $2, 'envelope', 1, 'succeeded', NULL FROM generate_series(1, 5000);
      ANALYZE;`.replaceAll('$1', `'${ids.tenantId}'`).replaceAll('$2', `'${ids.endpointId}'`));
    const problems: string[] = [];
    for (const [i, s] of statements.entries()) {
      const scans = seqScans(await generic(i)).filter((r) => LARGE.has(r));
      if (scans.length > 0) problems.push(`${s.name}: sequential scan of ${scans.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });

  it('at low load, each statement that runs once or more per delivery keeps its generic plan instead of being planned on every call', async () => {
    // As the repositories send them (named, extended protocol), one row each time, as at a few events
    // a second: Postgres makes custom plans for the first five executions, then keeps the generic plan
    // only when it is estimated no dearer than theirs.
    const perDelivery = new Set(['api key lookup', 'event and delivery insert (acceptMany)', 'attempt load (loadManyForAttempt)', 'attempt record (recordAttempts)']);
    const own = new pg.Client({ connectionString: db.url });
    await own.connect();
    try {
      for (const [i, s] of statements.entries()) {
        if (!perDelivery.has(s.name)) continue;
        for (let n = 0; n < 12; n++) {
          await own.query('BEGIN');
          await own.query({ name: `hot${i}`, text: s.text, values: s.values });
          await own.query('ROLLBACK');
        }
      }
      const { rows } = await own.query<{ name: string; generic_plans: string; custom_plans: string }>(`SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'hot%'`);
      assert.equal(rows.length, perDelivery.size);
      const replanned = rows.filter((r) => Number(r.custom_plans) > 5).map((r) => `${statements[Number(r.name.slice(3))]!.name}: ${r.custom_plans} custom plans in 12 calls`);
      assert.deepEqual(replanned, []);
    } finally {
      await own.end();
    }
  });

  it('the migration sets autovacuum so that the growing tables are analysed as they grow', async () => {
    const { rows } = await db.pool.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT relname, reloptions FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
      [['events', 'deliveries', 'delivery_attempts', 'delivery_batches']],
    );
    assert.equal(rows.length, 4);
    for (const r of rows) assert.ok((r.reloptions ?? []).some((o) => o.startsWith('autovacuum_analyze_scale_factor=')), `${r.relname}: ${r.reloptions}`);
  });
});
