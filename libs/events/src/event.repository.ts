import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

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
}

export interface NewEvent {
  id: string;
  type: string;
  dataJson: string;
  idempotencyKey: string | null;
}

@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts the event, or returns the one already stored under the same idempotency key.
   * The unique index decides, so concurrent requests with one key create one event. */
  async insertOrGet(tenantId: string, e: NewEvent): Promise<{ event: StoredEvent; created: boolean }> {
    const inserted = await this.prisma.rows<{ id: string; type: string; created_at: Date }>(
      `INSERT INTO events (id, tenant_id, type, data, idempotency_key)
       VALUES ($1::uuid, $2::uuid, $3, $4::json, $5)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING id, type, created_at`,
      [e.id, tenantId, e.type, e.dataJson, e.idempotencyKey],
    );
    if (inserted[0]) {
      return { event: { id: inserted[0].id, type: inserted[0].type, createdAt: inserted[0].created_at, dataJson: e.dataJson }, created: true };
    }
    const existing = await this.prisma.rows<{ id: string; type: string; created_at: Date; data: string }>(
      `SELECT id, type, created_at, data::text AS data FROM events WHERE tenant_id = $1::uuid AND idempotency_key = $2`,
      [tenantId, e.idempotencyKey],
    );
    const row = existing[0];
    if (!row) throw new Error('idempotency conflict without a stored event');
    return { event: { id: row.id, type: row.type, createdAt: row.created_at, dataJson: row.data }, created: false };
  }

  /** Inserts many events in one statement. Returns, per input, the stored event, or null where the
   * idempotency key was taken (the caller resolves those one by one with `insertOrGet`). */
  async insertMany(batch: ReadonlyArray<{ tenantId: string; event: NewEvent }>): Promise<Array<StoredEvent | null>> {
    const rows = await this.prisma.rows<{ id: string; type: string; created_at: Date }>(
      `INSERT INTO events (id, tenant_id, type, data, idempotency_key)
       SELECT id, tenant_id, type, data::json, idempotency_key
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) AS t(id, tenant_id, type, data, idempotency_key)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
       RETURNING id, type, created_at`,
      [batch.map((b) => b.event.id), batch.map((b) => b.tenantId), batch.map((b) => b.event.type), batch.map((b) => b.event.dataJson), batch.map((b) => b.event.idempotencyKey)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return batch.map((b) => {
      const r = byId.get(b.event.id);
      return r ? { id: r.id, type: r.type, createdAt: r.created_at, dataJson: b.event.dataJson } : null;
    });
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
       INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at)
       SELECT uuid_generate_v7(), ev.tenant_id, ev.id, e.id, ev.type, now()
       FROM ev JOIN endpoints e ON e.tenant_id = ev.tenant_id
       WHERE e.status = 'active' AND e.deleted_at IS NULL AND e.created_at <= ev.created_at
         AND e.event_types && $3::text[]
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
       RETURNING id AS "deliveryId", endpoint_id AS "endpointId"`,
      [eventId, tenantId, matchingPatterns],
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
      `SELECT id AS "deliveryId", endpoint_id AS "endpointId" FROM deliveries WHERE tenant_id = $1::uuid AND event_id = $2::uuid AND status = 'pending'`,
      [tenantId, eventId],
    );
  }
}
