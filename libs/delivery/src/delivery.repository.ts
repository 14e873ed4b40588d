import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { uuidv7 } from '#libs/common';

export interface AttemptContext {
  deliveryId: string;
  tenantId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  endpointId: string;
  endpointUrl: string;
  /** Live signing secrets, sealed (newest first): more than one during a rotation's grace period. */
  endpointSecrets: Array<{ ciphertext: string; keyId: string }>;
  /** Custom headers, values sealed. */
  endpointHeaders: Record<string, string>;
  endpointRateLimitPerSecond: number | null;
  endpointActive: boolean;
  eventId: string;
  eventType: string;
  eventCreatedAt: Date;
  eventDataJson: string;
}

export interface AttemptRecord {
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  responseBody: string | null;
  /** The delivery's state after this attempt. */
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  lastError: string | null;
}

/** The delivery hot path: one read before the request, one write after it. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async loadForAttempt(tenantId: string, deliveryId: string): Promise<AttemptContext | null> {
    const rows = await this.prisma.$queryRaw<AttemptContext[]>`
      SELECT d.id AS "deliveryId", d.tenant_id AS "tenantId", d.status::text AS status, d.attempt_count AS "attemptCount",
             e.id AS "endpointId", e.url AS "endpointUrl", e.headers AS "endpointHeaders",
             e.rate_limit_per_second AS "endpointRateLimitPerSecond",
             (SELECT coalesce(json_agg(json_build_object('ciphertext', s.ciphertext, 'keyId', s.key_id) ORDER BY s.created_at DESC), '[]'::json)
                FROM endpoint_secrets s WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > now())) AS "endpointSecrets",
             (e.status = 'active' AND e.deleted_at IS NULL) AS "endpointActive",
             ev.id AS "eventId", ev.type AS "eventType", ev.created_at AS "eventCreatedAt", ev.data::text AS "eventDataJson"
      FROM deliveries d
      JOIN endpoints e ON e.id = d.endpoint_id
      JOIN events ev ON ev.id = d.event_id
      WHERE d.id = ${deliveryId}::uuid AND d.tenant_id = ${tenantId}::uuid`;
    return rows[0] ?? null;
  }

  /** Writes the attempt row and moves the delivery on, in one statement. Guarded by the attempt
   * count so a stalled job re-run cannot record the same attempt twice. Returns false if it lost. */
  async recordAttempt(tenantId: string, deliveryId: string, a: AttemptRecord): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH upd AS (
        UPDATE deliveries SET
          attempt_count = ${a.attemptNumber},
          status = ${a.status}::"DeliveryStatus",
          next_attempt_at = ${a.nextAttemptAt},
          last_status_code = ${a.responseStatus},
          last_error = ${a.lastError},
          updated_at = now(),
          completed_at = CASE WHEN ${a.status} = 'pending' THEN NULL ELSE now() END
        WHERE id = ${deliveryId}::uuid AND tenant_id = ${tenantId}::uuid
          AND status = 'pending' AND attempt_count = ${a.attemptNumber - 1}
        RETURNING id
      )
      INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, error_kind, error_message, response_body)
      SELECT ${uuidv7()}::uuid, upd.id, ${tenantId}::uuid, ${a.attemptNumber}, ${a.startedAt}, ${a.durationMs},
             ${a.responseStatus}, ${a.errorKind}, ${a.errorMessage}, ${a.responseBody}
      FROM upd
      RETURNING id`;
    return rows.length > 0;
  }

  /** Ends a pending delivery without an attempt (its endpoint was disabled or deleted). */
  async failWithoutAttempt(tenantId: string, deliveryId: string, reason: string): Promise<void> {
    await this.prisma.delivery.updateMany({
      where: { id: deliveryId, tenantId, status: 'pending' },
      data: { status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() },
    });
  }
}
