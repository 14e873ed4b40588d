import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

export interface MinuteTotals {
  /** Epoch ms of the minute's start. */
  minute: number;
  attempts: number;
  succeeded: number;
  failed: number;
}

export interface EndpointCounts {
  total: number;
  disabled: number;
  /** Active endpoints whose deliveries are failing (failing_since set). */
  failing: number;
}

export interface FailingEndpointRow {
  id: string;
  tenantId: string;
  url: string;
  status: 'active' | 'disabled';
  failingSince: Date;
  lastError: string | null;
}

/** Pending deliveries are counted up to this many; beyond it the overview says "at least". */
export const PENDING_COUNT_CAP = 1_000_000;

/** Admin only: platform-wide figures for the operator overview, across tenants. Every query reads
 * an index or the endpoint-stats rollup, never the attempts. */
@Injectable()
export class AdminOverviewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Attempts per minute over [from, to), summed over every endpoint from the minute rollup. */
  async minutesAcrossTenants(from: Date, to: Date): Promise<MinuteTotals[]> {
    const rows = await this.prisma.rows<{ minute: Date; attempts: number; succeeded: number; failed: number }>(
      `SELECT minute, sum(attempts)::float8 AS attempts, sum(succeeded)::float8 AS succeeded, sum(failed)::float8 AS failed
       FROM endpoint_stats_minutes WHERE minute >= $1::timestamptz AND minute < $2::timestamptz GROUP BY minute ORDER BY minute`,
      [from, to],
    );
    return rows.map((r) => ({ minute: r.minute.getTime(), attempts: Number(r.attempts), succeeded: Number(r.succeeded), failed: Number(r.failed) }));
  }

  /** Pending deliveries, counted along the (status, next_attempt_at) index, up to PENDING_COUNT_CAP + 1. */
  async pendingDeliveriesAcrossTenants(): Promise<number> {
    const rows = await this.prisma.rows<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT ${PENDING_COUNT_CAP + 1}) p`);
    return rows[0]?.n ?? 0;
  }

  async endpointCountsAcrossTenants(): Promise<EndpointCounts> {
    const rows = await this.prisma.rows<{ total: number; disabled: number; failing: number }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE status = 'disabled')::int AS disabled,
              count(*) FILTER (WHERE status = 'active' AND failing_since IS NOT NULL)::int AS failing
       FROM endpoints WHERE deleted_at IS NULL`,
    );
    return rows[0] ?? { total: 0, disabled: 0, failing: 0 };
  }

  /** The endpoints failing longest (active or disabled), oldest streak first. */
  async failingEndpointsAcrossTenants(limit: number): Promise<FailingEndpointRow[]> {
    const rows = await this.prisma.rows<{ id: string; tenant_id: string; url: string; status: 'active' | 'disabled'; failing_since: Date; last_error: string | null }>(
      `SELECT id, tenant_id, url, status, failing_since, last_error FROM endpoints
       WHERE deleted_at IS NULL AND failing_since IS NOT NULL ORDER BY failing_since, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, url: r.url, status: r.status, failingSince: r.failing_since, lastError: r.last_error }));
  }
}
