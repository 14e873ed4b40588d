import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type pg from 'pg';
import { ApiClient } from './http-client.js';
import type { TestReceiver } from './receiver.js';
import { waitUntil } from './test-env.js';

// The fault suites' accounting: a burst of events fanned out to several endpoints on a real
// loopback receiver, with one fault injected while it runs. Once the system is quiet: every
// accepted (event, endpoint) pair was received at least once, each delivery has exactly one
// success in its attempt log, and nothing was delivered for an event the API refused.

export const EVENTS = Number(process.env.FAULT_EVENTS ?? 2000);
export const ENDPOINTS = Number(process.env.FAULT_ENDPOINTS ?? 2);
/** Dispatch pace, so a fault lands while the burst is still being accepted. */
const EVENTS_PER_SECOND = Number(process.env.FAULT_RATE ?? 250);
const IN_FLIGHT = 24;
export const QUIET_TIMEOUT_MS = 240_000;
/** How long the receiver holds each batch request, so that a kill lands while batches are in flight. */
const BATCH_ANSWER_MS = 300;
/** Most events per POST /v1/events/batch (the API's limit). */
const EVENTS_PER_BATCH_MAX = 1000;
/** Runs only the scenarios whose name contains this (for working on one). */
const ONLY = process.env.FAULT_SCENARIO ?? '';
export const scenario = (name: string) => ({ skip: ONLY !== '' && !name.includes(ONLY) });

export interface Figures {
  scenario: string;
  events: number;
  accepted: number;
  refused: number;
  faults: string;
  pairs: number;
  lost: number;
  duplicates: number;
  seconds: number;
}

export interface Burst {
  accepted: Map<number, string>;
  refused: Set<number>;
  dispatched: number;
}

/** Where the burst goes: the API, its admin client, the platform's database and the receiver. */
export interface FaultTarget {
  apiUrl: string;
  admin: ApiClient;
  db: pg.Pool;
  receiver: TestReceiver;
}

/** Batch settings for the burst's endpoints (scenarios with batching endpoints). */
export interface BatchSettings {
  maxEvents: number;
  maxWaitMs: number;
}

/** How the burst is sent and answered, besides batching endpoints: `eventsPerRequest` > 1 sends
 * the events through POST /v1/events/batch, that many per request (one insert statement each, so
 * their deliveries share group jobs); `answerMs` makes the receiver hold every request that long. */
export interface BurstShape {
  eventsPerRequest?: number;
  answerMs?: number;
}

export interface InjectContext {
  tenantId: string;
  paths: string[];
  state: Burst;
  expectedPairs: () => number;
  failing: { on: boolean };
}

export class FaultBurst {
  readonly figures: Figures[] = [];
  /** Every answer the receiver gave, per path. */
  readonly answered: Array<{ path: string; body: string; status: number }> = [];
  /** Batch requests the receiver is answering right now (it holds each for BATCH_ANSWER_MS). */
  batchesInFlight = 0;
  /** Single-delivery requests the receiver is holding right now (it holds each for `answerMs`), by
   * `<eventId> <path>`. */
  readonly held = new Set<string>();

  /** `target` is read when a scenario starts (the suite's `before` fills it in). */
  constructor(private readonly target: () => FaultTarget) {}

  /** A tenant with ENDPOINTS endpoints on paths of its own; `failing()` makes them answer 500;
   * `batch`: the endpoints batch, and the receiver takes BATCH_ANSWER_MS to answer each batch;
   * otherwise `answerMs`: the receiver takes that long to answer each request. */
  private async setUp(name: string, failing: () => boolean, batch?: BatchSettings, answerMs = 0) {
    const { admin, apiUrl, receiver } = this.target();
    const t = await admin.post('/v1/admin/tenants', { name });
    assert.equal(t.status, 201, t.text);
    const client = new ApiClient(apiUrl, t.body.apiKey);
    const paths: string[] = [];
    for (let i = 0; i < ENDPOINTS; i++) {
      const path = `/${name}/ep${i}`;
      receiver.on(path, (req) => {
        const status = failing() ? 500 : 200;
        this.answered.push({ path: req.path, body: req.body, status });
        if (!batch && answerMs > 0) {
          const key = `${(JSON.parse(req.body) as { id: string }).id} ${req.path}`;
          this.held.add(key);
          setTimeout(() => this.held.delete(key), answerMs);
          return { status, delayMs: answerMs };
        }
        if (!batch) return { status };
        this.batchesInFlight++;
        setTimeout(() => this.batchesInFlight--, BATCH_ANSWER_MS);
        return { status, delayMs: BATCH_ANSWER_MS };
      });
      const ep = await client.post('/v1/endpoints', { url: receiver.url(path), eventTypes: ['burst.*'], ...(batch ? { batch } : {}) });
      assert.equal(ep.status, 201, ep.text);
      paths.push(path);
    }
    return { tenantId: t.body.id as string, client, paths };
  }

  /** Sends EVENTS events at EVENTS_PER_SECOND, one per request or `perRequest` per batch request;
   * 503s are recorded as refused (and not retried). */
  private async burst(client: ApiClient, state: Burst, perRequest = 1): Promise<void> {
    assert.ok(perRequest >= 1 && perRequest <= EVENTS_PER_BATCH_MAX, `events per request: ${perRequest}`);
    const start = Date.now();
    let next = 0;
    const refused = (res: { status: number; text: string; body?: { statusCode?: unknown; message?: unknown } }, seqs: number[]) => {
      assert.equal(res.body?.statusCode, 503, `a 503 carries the JSON error body: ${res.text}`);
      assert.equal(typeof res.body?.message, 'string');
      for (const seq of seqs) state.refused.add(seq);
    };
    const sendOne = async (seq: number) => {
      const res = await client.post('/v1/events', { type: 'burst.event', data: { seq } }, { headers: { 'idempotency-key': `seq-${seq}` } });
      state.dispatched++;
      if (res.status === 202) state.accepted.set(seq, res.body.id);
      else if (res.status === 503) refused(res, [seq]);
      else assert.fail(`dispatch ${seq} answered ${res.status}: ${res.text}`);
    };
    const sendBatch = async (seqs: number[]) => {
      const res = await client.post('/v1/events/batch', { events: seqs.map((seq) => ({ type: 'burst.event', data: { seq }, idempotencyKey: `seq-${seq}` })) });
      state.dispatched += seqs.length;
      if (res.status === 503) return refused(res, seqs);
      assert.equal(res.status, 200, `batch dispatch from ${seqs[0]} answered ${res.status}: ${res.text}`);
      (res.body.results as Array<{ status: number; id?: string; error?: { statusCode?: unknown; message?: unknown } }>).forEach((r, i) => {
        if (r.status === 202) state.accepted.set(seqs[i]!, r.id!);
        else if (r.status === 503) refused({ status: r.status, text: JSON.stringify(r), body: r.error }, [seqs[i]!]);
        else assert.fail(`dispatch ${seqs[i]} answered ${r.status}: ${JSON.stringify(r)}`);
      });
    };
    const sendFrom = async (first: number) => {
      const wait = start + (first * 1000) / EVENTS_PER_SECOND - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (perRequest === 1) return sendOne(first);
      await sendBatch(Array.from({ length: Math.min(perRequest, EVENTS - first) }, (_, i) => first + i));
    };
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < EVENTS) {
          const first = next;
          next += perRequest;
          await sendFrom(first);
        }
      }),
    );
  }

  /** 2xx answers the receiver gave on these paths, one per event (a batch carries several). */
  successes(paths: string[]): Array<{ eventId: string; path: string; seq: number }> {
    const set = new Set(paths);
    type Envelope = { id: string; data: { seq: number } };
    return this.answered
      .filter((r) => set.has(r.path) && r.status < 300)
      .flatMap((r) => {
        const body = JSON.parse(r.body) as Envelope | { events: Envelope[] };
        return ('events' in body ? body.events : [body]).map((e) => ({ eventId: e.id, path: r.path, seq: e.data.seq }));
      });
  }

  waitForReceived(paths: string[], count: number): Promise<void> {
    return waitUntil(() => this.successes(paths).length >= count, QUIET_TIMEOUT_MS, `${count} webhooks received`).then(() => undefined);
  }

  /** Runs the burst with `inject` alongside it (it returns a description of the faults), waits for
   * quiet and checks the accounting above. `batch`: the endpoints batch (see setUp); `shape`: see BurstShape. */
  async run(t: TestContext, name: string, inject: (ctx: InjectContext) => Promise<string>, batch?: BatchSettings, shape: BurstShape = {}): Promise<Figures> {
    const started = Date.now();
    const failing = { on: false };
    const { db } = this.target();
    const { tenantId, client, paths } = await this.setUp(name, () => failing.on, batch, shape.answerMs);
    const state: Burst = { accepted: new Map(), refused: new Set(), dispatched: 0 };
    const sending = this.burst(client, state, shape.eventsPerRequest);
    const [faults] = await Promise.all([inject({ tenantId, paths, state, expectedPairs: () => state.accepted.size * ENDPOINTS, failing }), sending]);

    const expected = state.accepted.size * ENDPOINTS;
    await waitUntil(
      async () => {
        const { rows } = await db
          .query(
            `SELECT (SELECT count(*)::int FROM events WHERE tenant_id = $1 AND fanned_out_at IS NULL) AS unfanned,
                  (SELECT count(*)::int FROM deliveries WHERE tenant_id = $1) AS deliveries,
                  (SELECT count(*)::int FROM deliveries WHERE tenant_id = $1 AND status = 'pending') AS pending`,
            [tenantId],
          )
          .catch(() => ({ rows: [] as Array<{ unfanned: number; deliveries: number; pending: number }> }));
        const r = rows[0];
        return r !== undefined && r.unfanned === 0 && r.pending === 0 && r.deliveries === expected;
      },
      QUIET_TIMEOUT_MS,
      `${name}: every accepted event fanned out and every delivery finished`,
    );

    const got = this.successes(paths);
    const pairs = new Map<string, number>();
    for (const g of got) pairs.set(`${g.eventId} ${g.path}`, (pairs.get(`${g.eventId} ${g.path}`) ?? 0) + 1);
    const acceptedIds = new Set(state.accepted.values());
    let lost = 0;
    for (const id of acceptedIds) for (const p of paths) if (!pairs.has(`${id} ${p}`)) lost++;
    const duplicates = got.length - pairs.size;
    const f: Figures = {
      scenario: name,
      events: EVENTS,
      accepted: state.accepted.size,
      refused: state.refused.size,
      faults,
      pairs: expected,
      lost,
      duplicates,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    this.figures.push(f);
    t.diagnostic(JSON.stringify(f));

    assert.equal(state.accepted.size + state.refused.size, EVENTS);
    assert.equal(lost, 0, `${lost} accepted (event, endpoint) pairs were never received`);
    const strangers = got.filter((g) => !acceptedIds.has(g.eventId) || state.refused.has(g.seq));
    assert.equal(strangers.length, 0, 'nothing is delivered for an event that was not accepted');
    const { rows: succeededOnce } = await db.query(
      `SELECT d.status::text AS status, count(a.id) FILTER (WHERE a.response_status BETWEEN 200 AND 299)::int AS successes, count(*)::int AS n
       FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
       WHERE d.tenant_id = $1 GROUP BY d.id, d.status`,
      [tenantId],
    );
    assert.equal(succeededOnce.length, expected);
    assert.deepEqual(
      succeededOnce.filter((r) => r.status !== 'succeeded' || r.successes !== 1),
      [],
      'every delivery succeeded, with exactly one success in its attempt log',
    );
    return f;
  }

  printFigures(title: string): void {
    if (this.figures.length === 0) return;
    console.log(`\n${title}: ${EVENTS} events x ${ENDPOINTS} endpoints per scenario`);
    console.table(this.figures);
  }
}
