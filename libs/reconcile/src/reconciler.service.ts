import { Inject, Injectable } from '@nestjs/common';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DomainEvents } from '#libs/domain-events';
import { JobPresence, JobProducer, QueueName, RedisLease, jobIdFor } from '#libs/queue';
import { ReconcileRepository, type PendingDelivery, type ScanCursor } from './reconcile.repository.js';

/** Rows read per query, and queries per kind per pass: the most one pass can cost. */
export const RECONCILE_BATCH = 500;
export const RECONCILE_MAX_BATCHES = 4;
/** Rows younger than this are left to the normal path (commit, then enqueue) to finish. */
export const RECONCILE_MAX_GRACE_MS = 5_000;
const LEASE = 'reconciler';

export interface ReconcileReport {
  fanOutsChecked: number;
  fanOutsEnqueued: number;
  deliveriesChecked: number;
  deliveriesEnqueued: number;
  recoveriesChecked: number;
  recoveriesEnqueued: number;
  /** Batches whose deliveries were owed and whose job was gone. */
  batchesEnqueued: number;
}

/** Puts back into Redis whatever Postgres says should be queued and is not: fan-outs of accepted
 * events, pending deliveries (under the job id of their current series, or their pending batch's) and running recoveries,
 * after a Redis flush or restart, a failed enqueue, or a crash between commit and enqueue. Job ids are derived from the rows, so it never queues the same work twice. A
 * retry whose delayed job vanished comes back with the delay it had left. */
@Injectable()
export class ReconcilerService {
  private fanOutCursor: ScanCursor | null = null;
  private deliveryCursor: ScanCursor | null = null;
  private recoveryCursor: string | null = null;
  readonly graceMs: number;
  private readonly horizonMs: number;
  private readonly leaseMs: number;

  constructor(
    private readonly repo: ReconcileRepository,
    private readonly presence: JobPresence,
    private readonly producer: JobProducer,
    private readonly lease: RedisLease,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: DomainEvents,
  ) {
    this.graceMs = Math.min(RECONCILE_MAX_GRACE_MS, config.reconcileIntervalMs);
    this.horizonMs = 2 * config.reconcileIntervalMs;
    this.leaseMs = Math.max(60_000, 2 * config.reconcileIntervalMs);
  }

  /** One bounded pass; null when another worker holds the reconciler lease. */
  async runOnce(): Promise<ReconcileReport | null> {
    if (!(await this.lease.acquire(LEASE, this.leaseMs))) return null;
    try {
      const report = { fanOutsChecked: 0, fanOutsEnqueued: 0, deliveriesChecked: 0, deliveriesEnqueued: 0, batchesEnqueued: 0, recoveriesChecked: 0, recoveriesEnqueued: 0 };
      for (let i = 0; i < RECONCILE_MAX_BATCHES; i++) {
        const rows = await this.repo.pendingFanOuts(this.graceMs, this.fanOutCursor, RECONCILE_BATCH);
        this.fanOutCursor = rows.length === RECONCILE_BATCH ? { at: rows.at(-1)!.createdAt, id: rows.at(-1)!.eventId } : null;
        report.fanOutsChecked += rows.length;
        const missing = new Set(await this.presence.withoutLiveJob(QueueName.FanOut, rows.map((r) => jobIdFor.fanOut(r.eventId))));
        for (const r of rows.filter((row) => missing.has(jobIdFor.fanOut(row.eventId)))) {
          await this.producer.enqueueFanOut(r.tenantId, r.eventId);
          report.fanOutsEnqueued++;
        }
        if (this.fanOutCursor === null) break;
      }
      for (let i = 0; i < RECONCILE_MAX_BATCHES; i++) {
        const rows = await this.repo.pendingDeliveries(this.graceMs, this.horizonMs, this.deliveryCursor, RECONCILE_BATCH);
        this.deliveryCursor = rows.length === RECONCILE_BATCH ? { at: rows.at(-1)!.nextAttemptAt, id: rows.at(-1)!.deliveryId } : null;
        report.deliveriesChecked += rows.length;
        const owed = await this.jobless(rows);
        const now = Date.now();
        const singles = owed.filter((r) => r.batchId === null);
        const requests = singles.map((r) => ({ tenantId: r.tenantId, deliveryId: r.deliveryId, endpointId: r.endpointId, series: r.series, delayMs: r.nextAttemptAt.getTime() - now }));
        await this.producer.enqueueDeliveries(requests);
        report.deliveriesEnqueued += requests.length;
        const batches = new Map<string, PendingDelivery>();
        for (const r of owed) if (r.batchId !== null && !batches.has(r.batchId)) batches.set(r.batchId, r);
        await this.producer.enqueueBatches([...batches.values()].map((r) => ({ tenantId: r.tenantId, batchId: r.batchId!, endpointId: r.endpointId, delayMs: r.nextAttemptAt.getTime() - now })));
        report.batchesEnqueued += batches.size;
        if (this.deliveryCursor === null) break;
      }
      for (let i = 0; i < RECONCILE_MAX_BATCHES; i++) {
        const rows = await this.repo.runningRecoveries(this.graceMs, this.recoveryCursor, RECONCILE_BATCH);
        this.recoveryCursor = rows.length === RECONCILE_BATCH ? rows.at(-1)!.recoveryId : null;
        report.recoveriesChecked += rows.length;
        const missing = new Set(await this.presence.withoutLiveJob(QueueName.Recovery, rows.map((r) => jobIdFor.recovery(r.recoveryId))));
        for (const r of rows.filter((row) => missing.has(jobIdFor.recovery(row.recoveryId)))) {
          await this.producer.enqueueRecovery(r.tenantId, r.recoveryId);
          report.recoveriesEnqueued++;
        }
        if (this.recoveryCursor === null) break;
      }
      if (report.fanOutsEnqueued > 0 || report.deliveriesEnqueued > 0 || report.batchesEnqueued > 0 || report.recoveriesEnqueued > 0) {
        this.logger.warn(report, 'reconciler re-enqueued work missing from the queue');
        this.events.emit('reconciler.reenqueued', { fanOuts: report.fanOutsEnqueued, deliveries: report.deliveriesEnqueued, batches: report.batchesEnqueued, recoveries: report.recoveriesEnqueued });
      }
      return report;
    } finally {
      await this.lease.release(LEASE).catch(() => undefined);
    }
  }

  /** The deliveries among `rows` that nothing will run unless re-enqueued. Checked in an order that
   * leaves no gap: a fan-out job still live adds its own deliveries' jobs (a large fan-out can take
   * longer than the grace), so those are skipped first; then the jobs that may send each delivery
   * (see senders); then Postgres again, since a job that completed after the scan had already
   * recorded its attempt. */
  private async jobless(rows: PendingDelivery[]): Promise<PendingDelivery[]> {
    const fanOutIds = [...new Set(rows.map((r) => jobIdFor.fanOut(r.eventId)))];
    const fanOutGone = new Set(await this.presence.withoutLiveJob(QueueName.FanOut, fanOutIds));
    const candidates = rows.filter((r) => fanOutGone.has(jobIdFor.fanOut(r.eventId)));
    const missing = new Set(await this.presence.withoutLiveJob(QueueName.Delivery, [...new Set(candidates.flatMap(senders))]));
    const jobless = candidates.filter((r) => senders(r).every((id) => missing.has(id)));
    if (jobless.length === 0) return [];
    const singles = jobless.filter((r) => r.batchId === null).map((r) => r.deliveryId);
    const batchIds = [...new Set(jobless.flatMap((r) => (r.batchId === null ? [] : [r.batchId])))];
    const stillOwed = new Set(singles.length > 0 ? await this.repo.stillOwed(singles, this.graceMs) : []);
    const batchesOwed = new Set(batchIds.length > 0 ? await this.repo.stillOwedBatches(batchIds, this.graceMs) : []);
    return jobless.filter((r) => (r.batchId === null ? stillOwed.has(r.deliveryId) : batchesOwed.has(r.batchId)));
  }
}

/** The job ids that may still send a pending delivery: its batch's when it is in one; else its own,
 * and, in its first series, its group's (a group job hands a member it cannot finish to the
 * member's own job before it ends, so a delivery is owed only when neither job is live). */
function senders(r: PendingDelivery): string[] {
  if (r.batchId !== null) return [jobIdFor.batch(r.batchId)];
  const own = jobIdFor.delivery(r.deliveryId, r.series);
  return r.jobGroup !== null && r.series === 0 ? [own, jobIdFor.group(r.jobGroup)] : [own];
}
