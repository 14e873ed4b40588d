import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';

export interface PendingFanOut {
  eventId: string;
  tenantId: string;
  createdAt: Date;
}

export interface PendingDelivery {
  deliveryId: string;
  eventId: string;
  tenantId: string;
  endpointId: string;
  /** Its series of attempts: the job id depends on it (jobIdFor.delivery). */
  series: number;
  nextAttemptAt: Date;
  /** The pending batch that sends this delivery (its job is the one that must exist), or null. */
  batchId: string | null;
  /** The group job of its first attempt (deliveries.job_group), or null. */
  jobGroup: string | null;
}

export interface RunningRecovery {
  recoveryId: string;
  tenantId: string;
}

/** A position in a scan ordered by (time, id); scans resume after it on the next pass. */
export interface ScanCursor {
  at: Date;
  id: string;
}

/** The reconciler's view of Postgres: work that should be queued, across all tenants. This is
 * system work, not a tenant request, so it is the one cross-tenant reader outside the admin module.
 * Both scans are index range scans with a LIMIT (events_pending_fanout_idx, deliveries(status,
 * next_attempt_at)), so a pass costs the same however large the tables are. */
@Injectable()
export class ReconcileRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Events accepted more than `graceMs` ago whose deliveries have not been created yet. */
  async pendingFanOuts(graceMs: number, after: ScanCursor | null, limit: number): Promise<PendingFanOut[]> {
    const afterAt = after?.at ?? new Date(0);
    const afterId = after?.id ?? '00000000-0000-0000-0000-000000000000';
    return this.prisma.$queryRaw<PendingFanOut[]>`
      SELECT id AS "eventId", tenant_id AS "tenantId", created_at AS "createdAt"
      FROM events
      WHERE fanned_out_at IS NULL
        AND created_at < now() - make_interval(secs => ${graceMs / 1000})
        AND (created_at, id) > (${afterAt}, ${afterId}::uuid)
      ORDER BY created_at, id
      LIMIT ${limit}`;
  }

  /** Pending deliveries due before `now + horizonMs` that nothing has touched for `graceMs`
   * (so a delivery whose job is being added right now is left alone). */
  async pendingDeliveries(graceMs: number, horizonMs: number, after: ScanCursor | null, limit: number): Promise<PendingDelivery[]> {
    const afterAt = after?.at ?? new Date(0);
    const afterId = after?.id ?? '00000000-0000-0000-0000-000000000000';
    return this.prisma.$queryRaw<PendingDelivery[]>`
      SELECT d.id AS "deliveryId", d.event_id AS "eventId", d.tenant_id AS "tenantId", d.endpoint_id AS "endpointId", d.series, d.next_attempt_at AS "nextAttemptAt", b.id AS "batchId", d.job_group AS "jobGroup"
      FROM deliveries d
      LEFT JOIN delivery_batches b ON b.id = d.batch_id AND b.status = 'pending'
      WHERE d.status = 'pending'
        AND d.next_attempt_at < now() + make_interval(secs => ${horizonMs / 1000})
        AND d.updated_at < now() - make_interval(secs => ${graceMs / 1000})
        AND (d.next_attempt_at, d.id) > (${afterAt}, ${afterId}::uuid)
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${limit}`;
  }

  /** Recoveries still running that nothing has touched for `graceMs`, after `afterId` (by id; there
   * are at most as many as endpoints, and recoveries_one_running_idx holds exactly these rows). */
  async runningRecoveries(graceMs: number, afterId: string | null, limit: number): Promise<RunningRecovery[]> {
    return this.prisma.$queryRaw<RunningRecovery[]>`
      SELECT id AS "recoveryId", tenant_id AS "tenantId"
      FROM recoveries
      WHERE status = 'running'
        AND updated_at < now() - make_interval(secs => ${graceMs / 1000})
        AND id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
      ORDER BY id
      LIMIT ${limit}`;
  }

  /** Of these batches, those still pending and untouched for `graceMs` (read again, like stillOwed). */
  async stillOwedBatches(ids: string[], graceMs: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM delivery_batches
      WHERE id = ANY(${ids}::uuid[]) AND status = 'pending' AND updated_at < now() - make_interval(secs => ${graceMs / 1000})`;
    return rows.map((r) => r.id);
  }

  /** Of `ids`, those still pending and untouched for `graceMs`: the scan's answer, read again. */
  async stillOwed(ids: string[], graceMs: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM deliveries
      WHERE id = ANY(${ids}::uuid[]) AND status = 'pending' AND updated_at < now() - make_interval(secs => ${graceMs / 1000})`;
    return rows.map((r) => r.id);
  }
}
