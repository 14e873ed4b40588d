import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { AttemptSlots, DeliveryService, RetryLaterError, deliveryBackoff, type AttemptOutcome } from '#libs/delivery';
import { HandlesJob, JobName, QueueName, STALL_OPTIONS, type JobPayloads } from '#libs/queue';

type DeliveryJob =
  | Job<JobPayloads[JobName.DeliverWebhook], string, JobName.DeliverWebhook>
  | Job<JobPayloads[JobName.DeliverBatch], string, JobName.DeliverBatch>
  | Job<JobPayloads[JobName.DeliverGroup], string, JobName.DeliverGroup>;

/** Adapter from the delivery queue to DeliveryService (a delivery, a batch of them, or a group of
 * first attempts); the outcome picks the BullMQ path. */
@HandlesJob(JobName.DeliverWebhook, JobName.DeliverBatch, JobName.DeliverGroup)
@Processor(QueueName.Delivery, { autorun: false, ...STALL_OPTIONS, settings: { backoffStrategy: deliveryBackoff } })
export class DeliveryProcessor extends WorkerHost {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly slots: AttemptSlots,
  ) {
    super();
  }

  async process(job: DeliveryJob, token?: string): Promise<string> {
    this.slots.jobStarted(job.name === JobName.DeliverGroup ? job.data.deliveryIds.length : 1);
    if (job.name === JobName.DeliverGroup) {
      const done = await this.delivery.attemptGroup(job.data);
      // Deferred: left to whichever worker frees up first (not an attempt; its attempts do not move).
      if (done.outcome === 'deferred') return this.deferred(job, done.delayMs, token);
      return `sent ${done.sent}, skipped ${done.skipped}, handed over ${done.handedOver}`;
    }
    const outcome: AttemptOutcome = job.name === JobName.DeliverBatch ? await this.delivery.attemptBatch(job.data) : await this.delivery.attempt(job.data);
    switch (outcome.outcome) {
      case 'succeeded':
      case 'skipped':
      case 'batched':
        return outcome.outcome;
      case 'failed':
        throw new UnrecoverableError(outcome.reason);
      case 'retry':
        throw new RetryLaterError(outcome.delayMs, outcome.reason);
      case 'deferred':
        // Not an attempt (the endpoint's cap or rate, or a batch still filling): nothing is
        // recorded and the job's attempts do not move.
        return this.deferred(job, outcome.delayMs, token);
    }
  }

  private async deferred(job: DeliveryJob, delayMs: number, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
}
