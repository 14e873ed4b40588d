import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

export type AlertKind = 'endpoint.failing' | 'endpoint.disabled' | 'endpoint.recovered' | 'delivery.failed';

/** An alert row the endpoint-health flush wrote, claimed for sending. */
export interface ClaimedAlert {
  id: string;
  tenantId: string;
  endpointId: string;
  channel: 'webhook' | 'email';
  kind: AlertKind;
  data: AlertData;
  recipients: string[];
  attempts: number;
  createdAt: Date;
}

/** The `data` of a hookrelay.* event (and of its email), as the flush statement builds it; absent
 * fields do not apply to the kind (count and deliveryIds are for delivery.failed only). */
export interface AlertData {
  endpointId: string;
  url: string;
  reason?: string;
  lastResponseStatus?: number;
  lastErrorKind?: string;
  consecutiveFailures: number;
  failingSince?: string;
  lastFailureAt?: string;
  lastSuccessAt?: string;
  disabledAt?: string;
  count?: number;
  deliveryIds?: string[];
  at: string;
}

/** The alert outbox: rows are claimed with a lease (SKIP LOCKED), so any number of worker processes
 * share it and a process that dies mid-send leaves its rows due again when the lease ends. */
@Injectable()
export class AlertOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  async claim(limit: number, leaseMs: number): Promise<ClaimedAlert[]> {
    const rows = await this.prisma.rows<{ id: string; tenant_id: string; endpoint_id: string; channel: 'webhook' | 'email'; kind: AlertKind; data: AlertData; recipients: string[] | null; attempts: number; created_at: Date }>(
      `UPDATE alert_outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::float8 / 1000.0)
       WHERE o.id IN (
         SELECT id FROM alert_outbox WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at, created_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING o.id, o.tenant_id, o.endpoint_id, o.channel, o.kind, o.data, o.recipients, o.attempts, o.created_at`,
      [limit, leaseMs],
    );
    return rows
      .map((r) => ({ id: r.id, tenantId: r.tenant_id, endpointId: r.endpoint_id, channel: r.channel, kind: r.kind, data: r.data, recipients: r.recipients ?? [], attempts: r.attempts, createdAt: r.created_at }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  async markDone(id: string): Promise<void> {
    await this.prisma.rows(`UPDATE alert_outbox SET status = 'done', done_at = now(), last_error = NULL WHERE id = $1::uuid`, [id]);
  }

  async retryLater(id: string, delayMs: number, error: string): Promise<void> {
    await this.prisma.rows(`UPDATE alert_outbox SET next_attempt_at = now() + make_interval(secs => $2::float8 / 1000.0), last_error = $3 WHERE id = $1::uuid`, [id, delayMs, error]);
  }

  async giveUp(id: string, error: string): Promise<void> {
    await this.prisma.rows(`UPDATE alert_outbox SET status = 'given_up', done_at = now(), last_error = $2 WHERE id = $1::uuid`, [id, error]);
  }

  /** Drops finished rows older than `olderThanMs` (they only serve the email dedupe window). */
  async purge(olderThanMs: number): Promise<number> {
    const rows = await this.prisma.rows<{ n: number }>(
      `WITH d AS (DELETE FROM alert_outbox WHERE status <> 'pending' AND created_at < now() - make_interval(secs => $1::float8 / 1000.0) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [olderThanMs],
    );
    return rows[0]?.n ?? 0;
  }
}
