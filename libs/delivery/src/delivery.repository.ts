import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { uuidv7 } from '#libs/common';
import type { AttemptView } from './delivery-log.js';

export interface AttemptContext {
  deliveryId: string;
  tenantId: string;
  status: 'pending' | 'succeeded' | 'failed';
  attemptCount: number;
  /** The series of attempts under way (0 unless sent again) and the attempt count it began at. */
  series: number;
  seriesStart: number;
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

/** An attempt row as the log shows it, plus the delivery's state after this attempt. */
export interface AttemptRecord extends AttemptView {
  status: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  lastError: string | null;
}

/** The delivery hot path: one read before the request, one write after it. */
@Injectable()
export class DeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async loadForAttempt(tenantId: string, deliveryId: string): Promise<AttemptContext | null> {
    return (await this.loadManyForAttempt([{ tenantId, deliveryId }]))[0] ?? null;
  }

  /** `loadForAttempt` for many deliveries in one round trip; answers line up with the keys. */
  async loadManyForAttempt(keys: ReadonlyArray<{ tenantId: string; deliveryId: string }>): Promise<Array<AttemptContext | null>> {
    const rows = await this.prisma.rows<AttemptContext>(
      `SELECT d.id AS "deliveryId", d.tenant_id AS "tenantId", d.status::text AS status, d.attempt_count AS "attemptCount",
              d.series, d.series_start AS "seriesStart",
              e.id AS "endpointId", e.url AS "endpointUrl", e.headers AS "endpointHeaders",
              e.rate_limit_per_second AS "endpointRateLimitPerSecond",
              (SELECT coalesce(json_agg(json_build_object('ciphertext', s.ciphertext, 'keyId', s.key_id) ORDER BY s.created_at DESC), '[]'::json)
                 FROM endpoint_secrets s WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > now())) AS "endpointSecrets",
              (e.status = 'active' AND e.deleted_at IS NULL) AS "endpointActive",
              ev.id AS "eventId", ev.type AS "eventType", ev.created_at AS "eventCreatedAt", ev.data::text AS "eventDataJson"
       FROM unnest($1::uuid[], $2::uuid[]) AS k(id, tenant_id)
       JOIN deliveries d ON d.id = k.id AND d.tenant_id = k.tenant_id
       JOIN endpoints e ON e.id = d.endpoint_id
       JOIN events ev ON ev.id = d.event_id`,
      [keys.map((k) => k.deliveryId), keys.map((k) => k.tenantId)],
    );
    const byId = new Map(rows.map((r) => [r.deliveryId, r]));
    return keys.map((k) => byId.get(k.deliveryId) ?? null);
  }

  /** Writes the attempt row and moves the delivery on, in one statement. Guarded by the attempt
   * count so a stalled job re-run cannot record the same attempt twice. Returns false if it lost. */
  async recordAttempt(tenantId: string, deliveryId: string, a: AttemptRecord): Promise<boolean> {
    const rows = await this.prisma.rows<{ id: string }>(
      `WITH upd AS (
         UPDATE deliveries SET
           attempt_count = $3,
           status = $4::"DeliveryStatus",
           next_attempt_at = $5,
           last_status_code = $6,
           last_error = $7,
           updated_at = now(),
           completed_at = CASE WHEN $4 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1::uuid AND tenant_id = $2::uuid
           AND status = 'pending' AND attempt_count = $3 - 1
         RETURNING id
       )
       INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, error_kind, error_message, response_body)
       SELECT $8::uuid, upd.id, $2::uuid, $3, $9, $10, $6, $11, $12, $13
       FROM upd
       RETURNING id`,
      [deliveryId, tenantId, a.attemptNumber, a.status, a.nextAttemptAt, a.responseStatus, a.lastError, uuidv7(), a.startedAt, a.durationMs, a.errorKind, a.errorMessage, a.responseBody],
    );
    return rows.length > 0;
  }

  /** `recordAttempt` for many deliveries in one statement (one commit). Each row is guarded by its
   * own attempt count, exactly as there; returns the ids whose attempt was recorded. The batch must
   * name each delivery at most once. */
  async recordAttempts(batch: ReadonlyArray<{ tenantId: string; deliveryId: string; attempt: AttemptRecord }>): Promise<Set<string>> {
    const col = <T>(f: (b: (typeof batch)[number]) => T) => batch.map(f);
    const rows = await this.prisma.rows<{ delivery_id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[], $5::timestamptz[], $6::int[], $7::text[],
                              $8::uuid[], $9::timestamptz[], $10::int[], $11::text[], $12::text[], $13::text[])
           AS t(delivery_id, tenant_id, attempt_number, status, next_attempt_at, response_status, last_error,
                attempt_id, started_at, duration_ms, error_kind, error_message, response_body)
       ),
       upd AS (
         UPDATE deliveries d SET
           attempt_count = i.attempt_number,
           status = i.status::"DeliveryStatus",
           next_attempt_at = i.next_attempt_at,
           last_status_code = i.response_status,
           last_error = i.last_error,
           updated_at = now(),
           completed_at = CASE WHEN i.status = 'pending' THEN NULL ELSE now() END
         FROM input i
         WHERE d.id = i.delivery_id AND d.tenant_id = i.tenant_id
           AND d.status = 'pending' AND d.attempt_count = i.attempt_number - 1
         RETURNING d.id
       )
       INSERT INTO delivery_attempts (id, delivery_id, tenant_id, attempt_number, started_at, duration_ms, response_status, error_kind, error_message, response_body)
       SELECT i.attempt_id, i.delivery_id, i.tenant_id, i.attempt_number, i.started_at, i.duration_ms, i.response_status, i.error_kind, i.error_message, i.response_body
       FROM input i JOIN upd ON upd.id = i.delivery_id
       RETURNING delivery_id`,
      [
        col((b) => b.deliveryId),
        col((b) => b.tenantId),
        col((b) => b.attempt.attemptNumber),
        col((b) => b.attempt.status),
        col((b) => b.attempt.nextAttemptAt),
        col((b) => b.attempt.responseStatus),
        col((b) => b.attempt.lastError),
        col(() => uuidv7()),
        col((b) => b.attempt.startedAt),
        col((b) => b.attempt.durationMs),
        col((b) => b.attempt.errorKind),
        col((b) => b.attempt.errorMessage),
        col((b) => b.attempt.responseBody),
      ],
    );
    return new Set(rows.map((r) => r.delivery_id));
  }

  /** Ends a pending delivery without an attempt (its endpoint was disabled or deleted); false when
   * it was no longer pending. */
  async failWithoutAttempt(tenantId: string, deliveryId: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.delivery.updateMany({
      where: { id: deliveryId, tenantId, status: 'pending' },
      data: { status: 'failed', lastError: reason, nextAttemptAt: null, completedAt: new Date(), updatedAt: new Date() },
    });
    return count > 0;
  }
}
