import { Injectable } from '@nestjs/common';
import { PrismaService, type DeliveryStatus } from '#libs/database';
import type { DeliveryView } from '#libs/delivery';
import { endpointLive, subscribed } from '#libs/events';

/** A delivery that is pending again (or for the first time), with what its job needs. */
export interface SentAgain {
  deliveryId: string;
  endpointId: string;
  series: number;
}

/** Why a delivery could not be resent. */
export interface ResendState {
  eventId: string;
  status: DeliveryStatus;
  endpointStatus: 'active' | 'disabled';
  endpointDeleted: boolean;
  /** Set when the event was expunged: nothing is left to send. */
  eventExpungedAt: Date | null;
}

/** How a delivery is sent again: pending and due now, in a new series of attempts whose retry
 * schedule counts from the attempts made so far (RetryPolicy's seriesStart) and whose job id is new
 * (jobIdFor.delivery); a finished delivery has already left its batch, and the reset of batch_id
 * here only covers rows finished before it did, so a batching endpoint puts it into a new batch (a
 * new job id too). The attempt numbers go on; the last status and error stay until
 * the next attempt replaces them. Used by every statement below, so there is one meaning of "sent again". */
export const REOPEN_DELIVERY = `status = 'pending', series = d.series + 1, series_start = d.attempt_count,
           batch_id = NULL, batch_position = NULL, next_attempt_at = now(), completed_at = NULL, updated_at = now()`;

/** Writes for resend and replay; every statement is scoped by tenant. */
@Injectable()
export class RedeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Reopens a failed or succeeded delivery whose endpoint is active, in one statement; null when
   * it is missing, pending, or its endpoint is disabled or deleted (see resendState for which). */
  async resend(tenantId: string, deliveryId: string): Promise<(DeliveryView & { series: number }) | null> {
    const rows = await this.prisma.rows<DeliveryView & { series: number }>(
      `UPDATE deliveries d SET ${REOPEN_DELIVERY}
       FROM endpoints e
       WHERE d.id = $1::uuid AND d.tenant_id = $2::uuid AND d.status IN ('failed', 'succeeded')
         AND e.id = d.endpoint_id AND ${endpointLive}
         AND NOT EXISTS (SELECT 1 FROM events ev WHERE ev.id = d.event_id AND ev.expunged_at IS NOT NULL)
       RETURNING d.id, d.event_id AS "eventId", d.endpoint_id AS "endpointId", d.event_type AS "eventType", d.status,
                 d.attempt_count AS "attemptCount", d.next_attempt_at AS "nextAttemptAt", d.last_status_code AS "lastStatusCode",
                 d.last_error AS "lastError", d.created_at AS "createdAt", d.updated_at AS "updatedAt", d.completed_at AS "completedAt", d.series`,
      [deliveryId, tenantId],
    );
    return rows[0] ?? null;
  }

  async resendState(tenantId: string, deliveryId: string): Promise<ResendState | null> {
    const rows = await this.prisma.rows<ResendState>(
      `SELECT d.event_id AS "eventId", d.status, e.status AS "endpointStatus", e.deleted_at IS NOT NULL AS "endpointDeleted", ev.expunged_at AS "eventExpungedAt"
       FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id JOIN events ev ON ev.id = d.event_id
       WHERE d.id = $1::uuid AND d.tenant_id = $2::uuid`,
      [deliveryId, tenantId],
    );
    return rows[0] ?? null;
  }

  async eventForReplay(tenantId: string, eventId: string): Promise<{ id: string; type: string; expungedAt: Date | null } | null> {
    const rows = await this.prisma.rows<{ type: string; expunged_at: Date | null }>(`SELECT type, expunged_at FROM events WHERE id = $1::uuid AND tenant_id = $2::uuid`, [eventId, tenantId]);
    return rows[0] ? { id: eventId, type: rows[0].type, expungedAt: rows[0].expunged_at } : null;
  }

  /** Sends an event again to every endpoint subscribed to it now (the fan-out's rule, given the
   * patterns matching its type), in one statement: failed deliveries reopen, succeeded ones too
   * when `includeSucceeded`, endpoints without a delivery get one; pending ones are left alone. */
  async replay(tenantId: string, eventId: string, matchingPatterns: string[], includeSucceeded: boolean): Promise<SentAgain[]> {
    return this.prisma.rows<SentAgain>(
      `WITH ev AS (
         SELECT id, tenant_id, type FROM events WHERE id = $1::uuid AND tenant_id = $2::uuid AND expunged_at IS NULL
       ),
       targets AS (
         SELECT e.id FROM ev JOIN endpoints e ON e.tenant_id = ev.tenant_id WHERE ${subscribed('$3::text[]')}
       ),
       reopened AS (
         UPDATE deliveries d SET ${REOPEN_DELIVERY}
         FROM targets t
         WHERE d.event_id = $1::uuid AND d.tenant_id = $2::uuid AND d.endpoint_id = t.id
           AND (d.status = 'failed' OR ($4::boolean AND d.status = 'succeeded'))
         RETURNING d.id, d.endpoint_id, d.series
       ),
       created AS (
         INSERT INTO deliveries (id, tenant_id, event_id, endpoint_id, event_type, next_attempt_at)
         SELECT uuid_generate_v7(), ev.tenant_id, ev.id, t.id, ev.type, now() FROM ev CROSS JOIN targets t
         ON CONFLICT (event_id, endpoint_id) DO NOTHING
         RETURNING id, endpoint_id, series
       )
       SELECT id AS "deliveryId", endpoint_id AS "endpointId", series FROM reopened
       UNION ALL
       SELECT id, endpoint_id, series FROM created`,
      [eventId, tenantId, matchingPatterns, includeSucceeded],
    );
  }
}
