import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Worker } from 'bullmq';
import { LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { AttemptSlots } from '#libs/delivery';
import { assertOneHandlerPerJob, HANDLES_JOB, type JobName } from '#libs/queue';
import { DeliveryProcessor } from './delivery.processor.js';
import { FanOutProcessor } from './fan-out.processor.js';
import { RecoveryProcessor } from './recovery.processor.js';

/** How long in-flight attempts get to finish on SIGTERM before the workers are closed by force. */
export const SHUTDOWN_GRACE_MS = 15_000;

/** Starts the BullMQ workers once the app is ready and stops them first on shutdown, while
 * Postgres is still connected, so in-flight attempts are recorded. */
@Injectable()
export class WorkerLifecycle implements BeforeApplicationShutdown {
  private readonly hosts: Array<FanOutProcessor | DeliveryProcessor | RecoveryProcessor>;
  private started = false;

  constructor(
    fanOut: FanOutProcessor,
    delivery: DeliveryProcessor,
    recovery: RecoveryProcessor,
    private readonly config: AppConfig,
    private readonly slots: AttemptSlots,
    private readonly reflector: Reflector,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.hosts = [fanOut, delivery, recovery];
  }

  private get workers(): Worker[] {
    return this.hosts.map((h) => h.worker);
  }

  start(): void {
    assertOneHandlerPerJob(this.hosts.map((h) => this.reflector.get<JobName[]>(HANDLES_JOB, h.constructor)));
    const [fanOut, delivery, recovery] = this.workers as [Worker, Worker, Worker];
    fanOut.concurrency = Math.max(1, Math.ceil(this.config.workerConcurrency / 10));
    delivery.concurrency = this.config.workerConcurrency;
    // As many delivery jobs as fill the request slots (fewer when jobs are groups, 1 while saturated):
    // BullMQ fetches only below its concurrency, so the rest stay in Redis for any worker.
    this.slots.onJobConcurrency((jobs) => (delivery.concurrency = jobs));
    // A recovery spends its time waiting (delayed) for its endpoint; few run a page at once.
    recovery.concurrency = Math.max(1, Math.ceil(this.config.workerConcurrency / 20));
    for (const worker of this.workers) {
      worker.on('error', (err) => this.logger.error({ queue: worker.name, err: err.message }, 'worker error'));
      worker.on('failed', (job, err) => {
        if (job && err.name !== 'RetryLaterError' && err.name !== 'UnrecoverableError') {
          this.logger.warn({ queue: worker.name, jobId: job.id, attemptsMade: job.attemptsMade, err: err.message }, 'job failed');
        }
      });
      worker.run().catch((err: unknown) => this.logger.error({ queue: worker.name, err: (err as Error).message }, 'worker stopped'));
    }
    this.started = true;
    this.logger.info({ deliveryConcurrency: delivery.concurrency }, 'workers started');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!this.started) return;
    this.logger.info({ signal }, 'stopping workers: finishing in-flight jobs');
    const graceful = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_GRACE_MS)));
    if ((await Promise.race([graceful.then(() => 'done' as const), timedOut])) === 'timeout') {
      this.logger.warn('grace period over: closing workers by force; unfinished jobs will be retried');
      await Promise.all(this.workers.map((w) => w.close(true)));
    }
    clearTimeout(timer);
  }
}
