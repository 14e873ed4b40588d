import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

export interface PurgedBatch {
  events: number;
  deliveries: number;
  attempts: number;
  /** The last event id the batch removed: the next batch starts after it. Null: nothing was left. */
  lastId: string | null;
}

/** The smallest UUIDv7 of a millisecond: every id made at or after `ms` sorts at or above it. */
export function uuidv7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Retention's statements: system work across every tenant, like the reconciler's scans. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Removes up to `limit` events whose ids are below `beforeId` (ids are UUIDv7, so that is their
   * time) and above `afterId`, with their deliveries and attempts, in one statement walking the
   * events primary key. Kept: events not fanned out yet, and every event with a pending delivery.
   * The deliveries are locked before their status is judged (FOR UPDATE reads the latest version),
   * so a delivery turned pending by a concurrent resend keeps its event; a resend arriving after the
   * lock waits and then finds the rows gone. Children go first, explicitly, so the foreign keys'
   * cascades find nothing left to do. */
  async purgeBatch(beforeId: string, afterId: string | null, limit: number): Promise<PurgedBatch> {
    const rows = await this.prisma.rows<{ events: number; deliveries: number; attempts: number; last_id: string | null }>(
      `WITH candidates AS (
         SELECT e.id FROM events e
         WHERE e.id < $1::uuid AND e.id > $2::uuid
           AND e.fanned_out_at IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending')
         ORDER BY e.id
         LIMIT $3
         FOR UPDATE OF e SKIP LOCKED
       ),
       locked AS (
         SELECT d.id, d.event_id, d.status FROM deliveries d
         WHERE d.event_id IN (SELECT id FROM candidates)
         FOR UPDATE OF d
       ),
       doomed AS (
         SELECT id FROM candidates
         WHERE id NOT IN (SELECT event_id FROM locked WHERE status = 'pending')
       ),
       a AS (
         DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM locked WHERE event_id IN (SELECT id FROM doomed))
         RETURNING 1
       ),
       d AS (
         DELETE FROM deliveries WHERE id IN (SELECT id FROM locked WHERE event_id IN (SELECT id FROM doomed))
         RETURNING 1
       ),
       e AS (
         DELETE FROM events WHERE id IN (SELECT id FROM doomed)
         RETURNING id
       )
       SELECT (SELECT count(*) FROM e)::int AS events, (SELECT count(*) FROM d)::int AS deliveries,
              (SELECT count(*) FROM a)::int AS attempts, (SELECT max(id::text) FROM candidates) AS last_id`,
      [beforeId, afterId ?? '00000000-0000-0000-0000-000000000000', limit],
    );
    const r = rows[0]!;
    return { events: r.events, deliveries: r.deliveries, attempts: r.attempts, lastId: r.last_id };
  }

  /** Removes up to `limit` finished delivery batches (requests that carried several deliveries)
   * created before `beforeId`: their members left them when they finished, and a member still
   * pointing at one is only unlinked (the foreign key sets null). A pending batch is kept. */
  async purgeDeliveryBatches(beforeId: string, limit: number): Promise<number> {
    const rows = await this.prisma.rows<{ n: number }>(
      `WITH gone AS (
         DELETE FROM delivery_batches WHERE id IN (
           SELECT id FROM delivery_batches WHERE id < $1::uuid AND status <> 'pending' ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
         )
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM gone`,
      [beforeId, limit],
    );
    return rows[0]!.n;
  }
}
