import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { DeliveryService, EndpointGate, RetryLaterError, deliveryBackoff, type Admission } from '#libs/delivery';
import { HandlesJob, JobName, QueueName, STALL_OPTIONS, type JobPayloads } from '#libs/queue';

const RUN_UNGATED: Admission = { kind: 'run', release: () => undefined };

/** Adapter from the delivery queue to DeliveryService; the outcome picks the BullMQ path. */
@HandlesJob(JobName.DeliverWebhook)
@Processor(QueueName.Delivery, { autorun: false, ...STALL_OPTIONS, settings: { backoffStrategy: deliveryBackoff } })
export class DeliveryProcessor extends WorkerHost {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly gate: EndpointGate,
  ) {
    super();
  }

  async process(job: Job<JobPayloads[JobName.DeliverWebhook]>, token?: string): Promise<string> {
    const admission = job.data.endpointId ? await this.gate.admit(job.data.endpointId) : RUN_UNGATED;
    if (admission.kind === 'defer') {
      // Not an attempt: nothing is recorded and attemptsMade does not move.
      await job.moveToDelayed(Date.now() + admission.delayMs, token);
      throw new DelayedError();
    }
    let outcome;
    try {
      outcome = await this.delivery.attempt(job.data.tenantId, job.data.deliveryId, job.data.series ?? 0);
    } finally {
      admission.release();
    }
    switch (outcome.outcome) {
      case 'succeeded':
      case 'skipped':
        return outcome.outcome;
      case 'failed':
        throw new UnrecoverableError(outcome.reason);
      case 'retry':
        throw new RetryLaterError(outcome.delayMs, outcome.reason);
      case 'throttled':
        // The endpoint's rate is used up: wait, without spending one of the job's attempts.
        await job.moveToDelayed(Date.now() + outcome.delayMs, token);
        throw new DelayedError();
    }
  }
}
