import { Injectable } from '@nestjs/common';
import { lengthHidden, PrismaService } from '#libs/database';
import { patternsMatching } from '#libs/endpoints';
import { uuidv7 } from '#libs/common';
import { DELIVERY_GROUP_MAX } from '#libs/queue';
import type { ExpungedEvent } from './expunge.js';

export interface StoredEvent {
  id: string;
  type: string;
  createdAt: Date;
  /** The payload exactly as stored (JSON text). */
  dataJson: string;
}

/** A delivery fan-out created (or found pending), with what its job needs to know. */
export interface NewDelivery {
  deliveryId: string;
  endpointId: string;
  /** Set when the delivery was sent again (its job id names the series). */
  series?: number;
  /** The group job of its first attempt (deliveries.job_group); null for one created otherwise. */
  jobGroup?: string | null;
}

/** An event just stored; `fannedOut`: its deliveries were created with it (listed, maybe none). */
export interface AcceptedEvent {
  event: StoredEvent;
  fannedOut: boolean;
  deliveries: NewDelivery[];
}

/** An endpoint `e` that takes deliveries: active and not deleted. */
export const endpointLive = `e.status = 'active' AND e.deleted_at IS NULL`;

/** The one rule for which endpoints `e` receive an event, given its matching patterns (a text[]),
 * shared by the API's inline fan-out, the worker's fan-out job and replay (libs/redelivery). */
export const subscribed = (patterns: string) => `${endpointLive} AND e.event_types && ${patterns}`;

export interface NewEvent {
  id: string;
  type: string;
  dataJson: string;
  idempotencyKey: string | null;
}

/** acceptMany's statement, built once: the same string object on every call, so naming its prepared statement is a lookup of a string already hashed. */
const ACCEPT_MANY_SQL = `WITH t AS (
         SELECT * FROM unnest(${lengthHidden('$1::uuid[]')}, $2::uuid[], $3::text[], $4::text[], $5::text[], $7::text[]) AS t(id, tenant_id, type, data, idempotency_key, patterns)
       ),
       m AS (
         SELECT t.id AS event_id, x.endpoint_id, count(*) OVER (PARTITION BY t.id) AS n
         FROM t CROSS JOIN LATERAL (
           -- One more than the limit is enough to know the event is too large: a tenant with 10,000
           -- subscribed endpoints costs this statement inlineMax + 1 rows, not 10,000.
           SELECT e.id AS endpoint_id FROM endpoints e
           WHERE e.tenant_id = t.tenant_id AND ${subscribed("string_to_array(t.patterns, ' ')")}
           LIMIT $6 + 1
         ) AS x
       ),
       ev AS (
         INSERT INTO events (id, tenant_id, type, data, idempotency_key, fanned_out_at)
         SELECT t.id, t.tenant_id, t.type, t.data::json, t.idempotency_key,
                CASE WHEN EXISTS (SELECT 1 FROM m WHERE m.event_id = t.id AND m.n > $6) THEN NULL ELSE now() END
         FROM t
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
         RETURNING id, tenant_id, type, created_at, fanned_out_at IS NOT NULL AS fanned_out
       ),
       d AS (
         -- Groups of up to $9 deliveries of one tenant, named from this statement's $8: each is one job.
         INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at, job_group)
         SELECT uuid_generate_v7(), ev.tenant_id, ev.id, m.endpoint_id, ev.type, now(),
                md5($8::text || ev.tenant_id::text || ((row_number() OVER (PARTITION BY ev.tenant_id ORDER BY ev.id, m.endpoint_id) - 1) / $9)::text)::uuid
         FROM ev JOIN m ON m.event_id = ev.id
         WHERE ev.fanned_out
         RETURNING id, event_id, endpoint_id, job_group
       )
       SELECT 'e' AS kind, id, type, created_at, fanned_out, NULL::uuid AS event_id, NULL::uuid AS endpoint_id, NULL::uuid AS job_group FROM ev
       UNION ALL
       SELECT 'd', id, NULL, NULL, NULL, event_id, endpoint_id, job_group FROM d`;

@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts events in one statement and, for each new event with at most `inlineMax` subscribed
   * endpoints, its deliveries too (the event is then stored already fanned out); a larger fan-out is
   * left to a worker job (`fannedOut: false`). Endpoints are matched as they are when the statement
   * runs: one committed before it is subscribed, one committed after is not. Event types have no
   * spaces (EVENT_TYPE_RE), so each event's matching patterns travel as one space-separated string.
   * Returns, per input, what was stored, or null where the idempotency key was taken. */
  async acceptMany(batch: ReadonlyArray<{ tenantId: string; event: NewEvent }>, inlineMax: number): Promise<Array<AcceptedEvent | null>> {
    const rows = await this.prisma.rows<{ kind: 'e' | 'd'; id: string; type: string | null; created_at: Date | null; fanned_out: boolean | null; event_id: string | null; endpoint_id: string | null; job_group: string | null }>(
      ACCEPT_MANY_SQL,
      [batch.map((b) => b.event.id), batch.map((b) => b.tenantId), batch.map((b) => b.event.type), batch.map((b) => b.event.dataJson), batch.map((b) => b.event.idempotencyKey), inlineMax, batch.map((b) => patternsMatching(b.event.type).join(' ')), uuidv7(), DELIVERY_GROUP_MAX],
    );
    const accepted = new Map<string, AcceptedEvent>();
    for (const r of rows) {
      if (r.kind === 'e') accepted.set(r.id, { event: { id: r.id, type: r.type!, createdAt: r.created_at!, dataJson: '' }, fannedOut: r.fanned_out!, deliveries: [] });
    }
    for (const r of rows) {
      if (r.kind === 'd') accepted.get(r.event_id!)!.deliveries.push({ deliveryId: r.id, endpointId: r.endpoint_id!, jobGroup: r.job_group });
    }
    return batch.map((b) => {
      const a = accepted.get(b.event.id);
      return a ? { ...a, event: { ...a.event, dataJson: b.event.dataJson } } : null;
    });
  }

  /** The event stored under an idempotency key (the key's first request won). */
  async findByIdempotencyKey(tenantId: string, idempotencyKey: string): Promise<StoredEvent | null> {
    const rows = await this.prisma.rows<{ id: string; type: string; created_at: Date; data: string }>(
      `SELECT id, type, created_at, data::text AS data FROM events WHERE tenant_id = $1::uuid AND idempotency_key = $2`,
      [tenantId, idempotencyKey],
    );
    const row = rows[0];
    return row ? { id: row.id, type: row.type, createdAt: row.created_at, dataJson: row.data } : null;
  }

  /** The events stored under these idempotency keys, by key. */
  async findByIdempotencyKeys(tenantId: string, idempotencyKeys: readonly string[]): Promise<Map<string, StoredEvent>> {
    const rows = await this.prisma.rows<{ id: string; type: string; created_at: Date; data: string; idempotency_key: string }>(
      `SELECT id, type, created_at, data::text AS data, idempotency_key FROM events WHERE tenant_id = $1::uuid AND idempotency_key = ANY($2::text[])`,
      [tenantId, idempotencyKeys],
    );
    return new Map(rows.map((r) => [r.idempotency_key, { id: r.id, type: r.type, createdAt: r.created_at, dataJson: r.data }]));
  }

  /** Creates one pending delivery per endpoint subscribed when the event was accepted, and marks the
   * event fanned out, in one statement. Returns the new deliveries (none if already fanned out). */
  async fanOut(tenantId: string, eventId: string, matchingPatterns: string[]): Promise<NewDelivery[]> {
    return this.prisma.rows<NewDelivery>(
      `WITH ev AS (
         UPDATE events SET fanned_out_at = now()
         WHERE id = $1::uuid AND tenant_id = $2::uuid AND fanned_out_at IS NULL
         RETURNING id, tenant_id, type, created_at
       )
       -- Chunks of up to $4 deliveries, named from the event: each is one group job.
       INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at, job_group)
       SELECT uuid_generate_v7(), ev.tenant_id, ev.id, e.id, ev.type, now(),
              md5(ev.id::text || ((row_number() OVER (ORDER BY e.id) - 1) / $4)::text)::uuid
       FROM ev JOIN endpoints e ON e.tenant_id = ev.tenant_id
       WHERE ${subscribed('$3::text[]')} AND e.created_at <= ev.created_at
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
       RETURNING id AS "deliveryId", endpoint_id AS "endpointId", job_group AS "jobGroup"`,
      [eventId, tenantId, matchingPatterns, DELIVERY_GROUP_MAX],
    );
  }

  /** The event's type, and whether its fan-out has already happened. */
  async findForFanOut(tenantId: string, eventId: string): Promise<{ type: string; fannedOut: boolean } | null> {
    const rows = await this.prisma.rows<{ type: string; fanned_out: boolean }>(
      `SELECT type, fanned_out_at IS NOT NULL AS fanned_out FROM events WHERE id = $1::uuid AND tenant_id = $2::uuid`,
      [eventId, tenantId],
    );
    return rows[0] ? { type: rows[0].type, fannedOut: rows[0].fanned_out } : null;
  }

  /** Pending deliveries of an event, for a fan-out job that runs again after its commit. */
  async pendingDeliveries(tenantId: string, eventId: string): Promise<NewDelivery[]> {
    return this.prisma.rows<NewDelivery>(
      `SELECT id AS "deliveryId", endpoint_id AS "endpointId", series, job_group AS "jobGroup" FROM deliveries WHERE tenant_id = $1::uuid AND event_id = $2::uuid AND status = 'pending'`,
      [tenantId, eventId],
    );
  }

  /** Removes an event's data and its attempts' response bodies, keeps the metadata, marks it
   * expunged (the first time only) and fails its pending deliveries, which leave any batch they were
   * in (their data is no longer sent), in one statement. Marking it
   * fanned out stops a fan-out job that has not run yet from creating deliveries of nothing. */
  async expunge(tenantId: string, eventId: string): Promise<{ event: ExpungedEvent; failed: Array<{ deliveryId: string; endpointId: string }> } | null> {
    const rows = await this.prisma.rows<{ kind: 'e' | 'f'; id: string; type: string | null; created_at: Date | null; expunged_at: Date | null; endpoint_id: string | null }>(
      `WITH ev AS (
         UPDATE events SET data = 'null'::json, expunged_at = coalesce(expunged_at, now()), fanned_out_at = coalesce(fanned_out_at, now())
         WHERE id = $1::uuid AND tenant_id = $2::uuid
         RETURNING id, type, created_at, expunged_at
       ),
       bodies AS (
         UPDATE delivery_attempts a SET response_body = NULL
         FROM deliveries d
         WHERE d.event_id IN (SELECT id FROM ev) AND d.tenant_id = $2::uuid AND a.delivery_id = d.id AND a.response_body IS NOT NULL
         RETURNING 1
       ),
       failed AS (
         UPDATE deliveries SET status = 'failed', last_error = 'event expunged', next_attempt_at = NULL, completed_at = now(), updated_at = now(), batch_id = NULL, batch_position = NULL
         WHERE event_id IN (SELECT id FROM ev) AND tenant_id = $2::uuid AND status = 'pending'
         RETURNING id, endpoint_id
       )
       SELECT 'e' AS kind, id, type, created_at, expunged_at, NULL::uuid AS endpoint_id FROM ev
       UNION ALL
       SELECT 'f', id, NULL, NULL, NULL, endpoint_id FROM failed`,
      [eventId, tenantId],
    );
    const e = rows.find((r) => r.kind === 'e');
    if (!e) return null;
    return {
      event: { id: e.id, type: e.type!, createdAt: e.created_at!, expungedAt: e.expunged_at! },
      failed: rows.filter((r) => r.kind === 'f').map((r) => ({ deliveryId: r.id, endpointId: r.endpoint_id! })),
    };
  }

  /** Whether (and when) an event was expunged; null when the tenant has no such event. */
  async findExpungedAt(tenantId: string, eventId: string): Promise<{ id: string; expungedAt: Date | null } | null> {
    const rows = await this.prisma.rows<{ id: string; expunged_at: Date | null }>(`SELECT id, expunged_at FROM events WHERE id = $1::uuid AND tenant_id = $2::uuid`, [eventId, tenantId]);
    return rows[0] ? { id: rows[0].id, expungedAt: rows[0].expunged_at } : null;
  }
}
