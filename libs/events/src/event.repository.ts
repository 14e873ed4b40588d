import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

export interface StoredEvent {
  id: string;
  type: string;
  createdAt: Date;
  /** The payload exactly as stored (JSON text). */
  dataJson: string;
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
    const inserted = await this.prisma.$queryRaw<Array<{ id: string; type: string; created_at: Date }>>`
      INSERT INTO events (id, tenant_id, type, data, idempotency_key)
      VALUES (${e.id}::uuid, ${tenantId}::uuid, ${e.type}, ${e.dataJson}::json, ${e.idempotencyKey})
      ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
      RETURNING id, type, created_at`;
    if (inserted[0]) {
      return { event: { id: inserted[0].id, type: inserted[0].type, createdAt: inserted[0].created_at, dataJson: e.dataJson }, created: true };
    }
    const existing = await this.prisma.$queryRaw<Array<{ id: string; type: string; created_at: Date; data: string }>>`
      SELECT id, type, created_at, data::text AS data FROM events
      WHERE tenant_id = ${tenantId}::uuid AND idempotency_key = ${e.idempotencyKey}`;
    const row = existing[0];
    if (!row) throw new Error('idempotency conflict without a stored event');
    return { event: { id: row.id, type: row.type, createdAt: row.created_at, dataJson: row.data }, created: false };
  }

  /** Creates one pending delivery per endpoint subscribed when the event was accepted, and marks the
   * event fanned out, in one statement. Returns the new delivery ids (none if already fanned out). */
  async fanOut(tenantId: string, eventId: string, matchingPatterns: string[]): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH ev AS (
        UPDATE events SET fanned_out_at = now()
        WHERE id = ${eventId}::uuid AND tenant_id = ${tenantId}::uuid AND fanned_out_at IS NULL
        RETURNING id, tenant_id, type, created_at
      )
      INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at)
      SELECT uuid_generate_v7(), ev.tenant_id, ev.id, e.id, ev.type, now()
      FROM ev JOIN endpoints e ON e.tenant_id = ev.tenant_id
      WHERE e.status = 'active' AND e.deleted_at IS NULL AND e.created_at <= ev.created_at
        AND e.event_types && ${matchingPatterns}::text[]
      ON CONFLICT (event_id, endpoint_id) DO NOTHING
      RETURNING id`;
    return rows.map((r: { id: string }) => r.id);
  }

  async findType(tenantId: string, eventId: string): Promise<string | null> {
    const e = await this.prisma.event.findFirst({ where: { id: eventId, tenantId }, select: { type: true } });
    return e?.type ?? null;
  }

  /** Pending deliveries of an event, for a fan-out job that runs again after its commit. */
  async pendingDeliveryIds(tenantId: string, eventId: string): Promise<string[]> {
    const rows = await this.prisma.delivery.findMany({ where: { tenantId, eventId, status: 'pending' }, select: { id: true } });
    return rows.map((r: { id: string }) => r.id);
  }
}
