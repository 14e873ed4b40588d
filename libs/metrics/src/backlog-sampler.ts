import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { QueueName } from '#libs/queue';
import { BacklogRepository } from './backlog.repository.js';
import { PlatformMetrics } from './platform-metrics.js';

export const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** The worker's periodic reads for the backlog gauges, every METRICS_POLL_MS: job counts per queue
 * and state (BullMQ getJobCounts: a few O(1) Redis calls per queue) and the oldest due pending
 * delivery (one index probe). A scrape only reads the last values, so scraping costs no query. */
@Injectable()
export class BacklogSampler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private queues: Queue[] = [];
  private readonly queueJobs: Gauge;
  private readonly oldestDueAge: Gauge;

  constructor(
    private readonly metrics: PlatformMetrics,
    private readonly repo: BacklogRepository,
    private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const registers = [metrics.registry];
    this.queueJobs = new Gauge({ name: 'hookrelay_queue_jobs', help: 'BullMQ jobs per queue and state, read every METRICS_POLL_MS by the worker', labelNames: ['queue', 'state'], registers });
    this.oldestDueAge = new Gauge({ name: 'hookrelay_oldest_due_delivery_age_seconds', help: 'How long the oldest pending delivery has been due (0: none is overdue), read every METRICS_POLL_MS by the worker', registers });
  }

  onApplicationBootstrap(): void {
    if (!this.metrics.enabled) return;
    // Every queue of the catalogue, resolved once the app is built (BullMQ's queue providers are async).
    this.queues = Object.values(QueueName).map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.timer = setInterval(() => void this.sample(), this.config.metricsPollMs);
    this.timer.unref();
    void this.sample();
  }

  /** One read of every gauge; a failure (Redis or Postgres down) keeps the last values. */
  sample(): Promise<void> {
    this.running ??= this.readAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async readAll(): Promise<void> {
    const [counts, age] = await Promise.allSettled([Promise.all(this.queues.map(async (q) => q.getJobCounts(...QUEUE_STATES))), this.repo.oldestDueAgeSeconds()]);
    if (counts.status === 'fulfilled') {
      counts.value.forEach((c, i) => {
        for (const state of QUEUE_STATES) this.queueJobs.set({ queue: this.queues[i]!.name, state }, c[state] ?? 0);
      });
    } else this.logger.debug({ reason: (counts.reason as Error).message }, 'metrics: queue counts unavailable');
    if (age.status === 'fulfilled') this.oldestDueAge.set(age.value);
    else this.logger.debug({ reason: (age.reason as Error).message }, 'metrics: oldest due delivery unavailable');
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
