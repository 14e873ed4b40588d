import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { REOPEN_DELIVERY, type SentAgain } from './redelivery.repository.js';

export type RecoveryStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** A recovery as the API shows it. */
export interface RecoveryView {
  id: string;
  endpointId: string;
  since: Date;
  until: Date;
  status: RecoveryStatus;
  /** Events to send, counted when the job starts; null until then. */
  total: number | null;
  /** Deliveries created or reopened so far. */
  enqueued: number;
  /** Why it failed; null otherwise. */
  reason: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

/** A recovery with the walk's state, for the job. */
export interface RecoveryRow extends RecoveryView {
  tenantId: string;
  cursor: string | null;
  pageStart: string | null;
}

export interface RecoveryEndpoint {
  eventTypes: string[];
  status: 'active' | 'disabled';
  deleted: boolean;
}

/** Where a walk over a tenant's events by id runs: ids in (afterId, beforeId), created in [since, until). */
export interface EventRange {
  afterId: string;
  beforeId: string;
  since: Date;
  until: Date;
}

export interface PageWrite {
  recoveryId: string;
  endpointId: string;
  /** The cursor the page was read from (null: the first page) and the id of its last event. */
  fromCursor: string | null;
  toCursor: string;
  /** Where the page began, for the backlog check of the next one. */
  pageStart: string;
  /** Events of the page that match the endpoint's subscriptions. */
  eventIds: string[];
  last: boolean;
}

const VIEW = `id, endpoint_id AS "endpointId", since, until, status::text AS status, total, enqueued, reason,
              created_at AS "createdAt", completed_at AS "completedAt"`;

/** Recoveries of a tenant's endpoints, and the statements their job walks events with. Every
 * statement is scoped by tenant. */
@Injectable()
export class RecoveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Null when the endpoint has one running already (recoveries_one_running_idx decides). */
  async create(tenantId: string, id: string, endpointId: string, since: Date, until: Date): Promise<RecoveryView | null> {
    const rows = await this.prisma.rows<RecoveryView>(
      `INSERT INTO recoveries (id, tenant_id, endpoint_id, since, until)
       SELECT $1::uuid, $2::uuid, $3::uuid, $4, $5
       ON CONFLICT (endpoint_id) WHERE status = 'running' DO NOTHING
       RETURNING ${VIEW}`,
      [id, tenantId, endpointId, since, until],
    );
    return rows[0] ?? null;
  }

  async runningFor(tenantId: string, endpointId: string): Promise<string | null> {
    const rows = await this.prisma.rows<{ id: string }>(`SELECT id FROM recoveries WHERE endpoint_id = $1::uuid AND tenant_id = $2::uuid AND status = 'running'`, [endpointId, tenantId]);
    return rows[0]?.id ?? null;
  }

  async get(tenantId: string, id: string): Promise<RecoveryView | null> {
    const rows = await this.prisma.rows<RecoveryView>(`SELECT ${VIEW} FROM recoveries WHERE id = $1::uuid AND tenant_id = $2::uuid`, [id, tenantId]);
    return rows[0] ?? null;
  }

  /** Newest first, `limit` rows older than `beforeId`. */
  async list(tenantId: string, endpointId: string, limit: number, beforeId?: string): Promise<RecoveryView[]> {
    return this.prisma.rows<RecoveryView>(
      `SELECT ${VIEW} FROM recoveries
       WHERE tenant_id = $1::uuid AND endpoint_id = $2::uuid AND ($3::uuid IS NULL OR id < $3::uuid)
       ORDER BY id DESC LIMIT $4`,
      [tenantId, endpointId, beforeId ?? null, limit],
    );
  }

  /** Cancels a running recovery; returns it as it is after the statement (null: no such recovery). */
  async cancel(tenantId: string, id: string): Promise<{ recovery: RecoveryView; cancelled: boolean } | null> {
    const rows = await this.prisma.rows<RecoveryView>(
      `UPDATE recoveries SET status = 'cancelled', completed_at = now(), updated_at = now()
       WHERE id = $1::uuid AND tenant_id = $2::uuid AND status = 'running'
       RETURNING ${VIEW}`,
      [id, tenantId],
    );
    if (rows[0]) return { recovery: rows[0], cancelled: true };
    const current = await this.get(tenantId, id);
    return current ? { recovery: current, cancelled: false } : null;
  }

  async load(tenantId: string, id: string): Promise<RecoveryRow | null> {
    const rows = await this.prisma.rows<RecoveryRow>(
      `SELECT ${VIEW}, tenant_id AS "tenantId", cursor, page_start AS "pageStart" FROM recoveries WHERE id = $1::uuid AND tenant_id = $2::uuid`,
      [id, tenantId],
    );
    return rows[0] ?? null;
  }

  async endpoint(tenantId: string, endpointId: string): Promise<RecoveryEndpoint | null> {
    const rows = await this.prisma.rows<RecoveryEndpoint>(
      `SELECT event_types AS "eventTypes", status::text AS status, deleted_at IS NOT NULL AS deleted FROM endpoints WHERE id = $1::uuid AND tenant_id = $2::uuid`,
      [endpointId, tenantId],
    );
    return rows[0] ?? null;
  }

  async fail(tenantId: string, id: string, reason: string): Promise<void> {
    await this.prisma.rows(
      `UPDATE recoveries SET status = 'failed', reason = $3, completed_at = now(), updated_at = now()
       WHERE id = $1::uuid AND tenant_id = $2::uuid AND status = 'running'`,
      [id, tenantId, reason],
    );
  }

  /** Events in the range with no delivery to the endpoint or a failed one (none succeeded, none
   * under way), counted per type: the caller keeps the types the endpoint subscribes to. One pass
   * over the range; nothing but the counts comes back. */
  async countOwedByType(tenantId: string, endpointId: string, range: EventRange): Promise<Array<{ type: string; n: number }>> {
    return this.prisma.rows<{ type: string; n: number }>(
      `SELECT ev.type, count(*)::int AS n FROM events ev
       WHERE ev.tenant_id = $1::uuid AND ev.id > $3::uuid AND ev.id < $4::uuid AND ev.created_at >= $5 AND ev.created_at < $6
         AND ev.expunged_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ev.id AND d.endpoint_id = $2::uuid AND d.status <> 'failed')
       GROUP BY ev.type`,
      [tenantId, endpointId, range.afterId, range.beforeId, range.since, range.until],
    );
  }

  async setTotal(tenantId: string, id: string, total: number): Promise<void> {
    await this.prisma.rows(`UPDATE recoveries SET total = $3, updated_at = now() WHERE id = $1::uuid AND tenant_id = $2::uuid AND total IS NULL`, [id, tenantId, total]);
  }

  /** Deliveries to the endpoint still pending among the events in (afterId, throughId]: what the
   * endpoint has not yet taken of the previous page. */
  async pendingBetween(tenantId: string, endpointId: string, afterId: string, throughId: string): Promise<number> {
    const rows = await this.prisma.rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM events ev JOIN deliveries d ON d.event_id = ev.id AND d.endpoint_id = $2::uuid
       WHERE ev.tenant_id = $1::uuid AND ev.id > $3::uuid AND ev.id <= $4::uuid AND d.status = 'pending'`,
      [tenantId, endpointId, afterId, throughId],
    );
    return rows[0]?.n ?? 0;
  }

  /** The next page of the tenant's events in the range, oldest first: ids and types only. */
  async eventPage(tenantId: string, range: EventRange, limit: number): Promise<Array<{ id: string; type: string }>> {
    return this.prisma.rows<{ id: string; type: string }>(
      `SELECT id, type FROM events
       WHERE tenant_id = $1::uuid AND id > $2::uuid AND id < $3::uuid AND created_at >= $4 AND created_at < $5
       ORDER BY id LIMIT $6`,
      [tenantId, range.afterId, range.beforeId, range.since, range.until, limit],
    );
  }

  /** Sends a page's events again to the endpoint and moves the recovery past the page, in one
   * statement: failed deliveries reopen, events without a delivery get one, succeeded and pending
   * ones are left alone. It happens only if the recovery is still running at `fromCursor` (row
   * locked), so a page is never sent twice by two runs of the job, nor after a cancel. Returns
   * null when that check failed. */
  async sendPage(tenantId: string, p: PageWrite): Promise<{ sent: SentAgain[]; status: RecoveryStatus } | null> {
    const rows = await this.prisma.rows<{ delivery_id: string | null; series: number | null; status: RecoveryStatus | null }>(
      `WITH claim AS (
         SELECT id FROM recoveries
         WHERE id = $1::uuid AND tenant_id = $2::uuid AND status = 'running' AND cursor IS NOT DISTINCT FROM $4::uuid
         FOR UPDATE
       ),
       ev AS (
         SELECT ev.id, ev.type FROM events ev
         WHERE ev.tenant_id = $2::uuid AND ev.id = ANY($7::uuid[]) AND EXISTS (SELECT 1 FROM claim)
           -- An expunged event has nothing left to send (assertNotExpunged, libs/events).
           AND ev.expunged_at IS NULL
       ),
       reopened AS (
         UPDATE deliveries d SET ${REOPEN_DELIVERY}
         FROM ev
         WHERE d.event_id = ev.id AND d.endpoint_id = $3::uuid AND d.tenant_id = $2::uuid AND d.status = 'failed'
         RETURNING d.id, d.series
       ),
       created AS (
         INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at)
         SELECT uuid_generate_v7(), $2::uuid, ev.id, $3::uuid, ev.type, now() FROM ev
         ON CONFLICT (event_id, endpoint_id) DO NOTHING
         RETURNING id, series
       ),
       progress AS (
         UPDATE recoveries r SET
           cursor = $5::uuid,
           page_start = $6::uuid,
           enqueued = r.enqueued + (SELECT count(*) FROM reopened) + (SELECT count(*) FROM created),
           status = CASE WHEN $8::boolean THEN 'completed'::"RecoveryStatus" ELSE r.status END,
           completed_at = CASE WHEN $8::boolean THEN now() ELSE NULL END,
           updated_at = now()
         FROM claim WHERE r.id = claim.id
         RETURNING r.status::text AS status
       )
       SELECT id AS delivery_id, series, NULL::text AS status FROM reopened
       UNION ALL SELECT id, series, NULL FROM created
       UNION ALL SELECT NULL, NULL, status FROM progress`,
      [p.recoveryId, tenantId, p.endpointId, p.fromCursor, p.toCursor, p.pageStart, p.eventIds, p.last],
    );
    const progress = rows.find((r) => r.status !== null);
    if (!progress) return null;
    const sent = rows.filter((r) => r.delivery_id !== null).map((r) => ({ deliveryId: r.delivery_id!, endpointId: p.endpointId, series: r.series! }));
    return { sent, status: progress.status! };
  }
}
