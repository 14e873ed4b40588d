import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DomainEvents } from '#libs/domain-events';
import { QueueDepth, QueueName, RedisLease } from '#libs/queue';
import { RetentionPacer } from './retention-pacer.js';
import { RetentionRepository, uuidv7Floor } from './retention.repository.js';

/** Finished delivery batches (multi-delivery requests) per statement. */
export const RETENTION_BATCH = 500;
/** A pass stops after this long and the next one goes on (a second later while behind). */
export const RETENTION_MAX_PASS_MS = 15 * 60_000;
const LEASE = 'retention';

export interface RetentionReport {
  events: number;
  deliveries: number;
  attempts: number;
  batches: number;
  /** Finished delivery batches (multi-delivery requests) removed. */
  deliveryBatches: number;
  /** True when the pass stopped on its time budget with more to remove. */
  more: boolean;
}

/** Removes events older than RETENTION_DAYS with their deliveries and attempts, in bounded batches
 * along the time-ordered ids, under a Redis lease so one worker at a time purges. A pending
 * delivery is never removed, nor its event. */
@Injectable()
export class RetentionService {
  readonly passBudgetMs: number;
  private readonly leaseMs: number;
  /** Aborted on shutdown: a pass stops after its current batch and releases the lease. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly repo: RetentionRepository,
    private readonly lease: RedisLease,
    private readonly queues: QueueDepth,
    private readonly config: AppConfig,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.passBudgetMs = RETENTION_MAX_PASS_MS;
    // Longer than a pass can run, so the lease never lapses under a live purge.
    this.leaseMs = this.passBudgetMs + 60_000;
  }

  /** Ends a running pass after its current batch (shutdown), so the lease is released, not left to expire. */
  stop(): void {
    this.stopping.abort();
  }

  /** Jobs ready to run but not yet taken (fan-out and delivery): a few O(1) Redis reads, the same
   * the operator overview makes. Unknown counts as behind, so a purge never presses on blind. */
  private async waitingJobs(): Promise<number> {
    try {
      const c = await this.queues.counts();
      return c[QueueName.FanOut].waiting + c[QueueName.Delivery].waiting;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  /** One pass; null when retention is off (RETENTION_DAYS=0) or another worker holds the lease. */
  async runOnce(now: number = Date.now()): Promise<RetentionReport | null> {
    if (this.config.retentionMs === 0 || this.stopping.signal.aborted) return null;
    if (!(await this.lease.acquire(LEASE, this.leaseMs))) return null;
    try {
      const beforeId = uuidv7Floor(now - this.config.retentionMs);
      const report: RetentionReport = { events: 0, deliveries: 0, attempts: 0, batches: 0, deliveryBatches: 0, more: false };
      const started = Date.now();
      let afterId: string | null = null;
      const pacer = new RetentionPacer();
      for (;;) {
        const t0 = Date.now();
        const batch = await this.repo.purgeBatch(beforeId, afterId, pacer.batch);
        if (batch.lastId === null) break;
        afterId = batch.lastId;
        report.batches++;
        report.events += batch.events;
        report.deliveries += batch.deliveries;
        report.attempts += batch.attempts;
        if (batch.events > 0) this.events.emit('retention.purged', { events: batch.events, deliveries: batch.deliveries, attempts: batch.attempts });
        if (Date.now() - started >= this.passBudgetMs || this.stopping.signal.aborted) {
          report.more = true;
          break;
        }
        const rest = pacer.after(Date.now() - t0, await this.waitingJobs());
        await sleep(rest, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
      while (!report.more && !this.stopping.signal.aborted) {
        const n = await this.repo.purgeDeliveryBatches(beforeId, RETENTION_BATCH);
        report.deliveryBatches += n;
        if (n < RETENTION_BATCH) break;
      }
      if (report.events > 0 || report.deliveryBatches > 0) this.logger.info({ ...report, olderThan: new Date(now - this.config.retentionMs).toISOString() }, 'retention removed old events');
      return report;
    } finally {
      await this.lease.release(LEASE).catch(() => undefined);
    }
  }
}
