import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { Batcher } from '#libs/common';
import { AppConfig } from '#libs/config';
import { DELIVERY_BACKOFF, JobName, QueueName, jobIdFor, type JobPayloads } from './jobs.js';

/** How long an enqueue waits for a queue connection that has never been up (BullMQ would wait for
 * ever); once it has been up, `enableOfflineQueue: false` makes an add fail at once while Redis is down. */
export const QUEUE_READY_WAIT_MS = 1_000;

async function ready(queue: Queue): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue ${queue.name} is not connected to Redis`)), QUEUE_READY_WAIT_MS);
  });
  try {
    await Promise.race([queue.waitUntilReady(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface DeliveryJobRequest {
  tenantId: string;
  deliveryId: string;
  endpointId?: string;
  delayMs?: number;
}

type FanOutJob = JobPayloads[JobName.FanOutEvent];

/** Delivery jobs per addBulk. */
export const DELIVERY_ENQUEUE_CHUNK = 200;

const FAN_OUT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** The only way work reaches Redis. Every option a job runs with is set here. */
@Injectable()
export class JobProducer {
  /** Concurrent dispatches share one pipelined addBulk (see Batcher); each still waits for its own job. */
  private readonly fanOuts: Batcher<FanOutJob, void>;

  constructor(
    @InjectQueue(QueueName.FanOut) private readonly fanOutQueue: Queue,
    @InjectQueue(QueueName.Delivery) private readonly deliveryQueue: Queue,
    private readonly config: AppConfig,
  ) {
    const job = (data: FanOutJob) => ({ name: JobName.FanOutEvent, data, opts: { ...FAN_OUT_JOB_OPTIONS, jobId: jobIdFor.fanOut(data.eventId) } });
    this.fanOuts = new Batcher<FanOutJob, void>({
      maxBatch: 200,
      maxInFlight: 4,
      key: (d) => d.eventId,
      runOne: async (d) => {
        await ready(this.fanOutQueue);
        await this.fanOutQueue.add(JobName.FanOutEvent, d, job(d).opts);
      },
      runMany: async (batch) => {
        await ready(this.fanOutQueue);
        await this.fanOutQueue.addBulk(batch.map(job));
        return batch.map(() => undefined);
      },
    });
  }

  async enqueueFanOut(tenantId: string, eventId: string): Promise<void> {
    await this.fanOuts.submit({ tenantId, eventId });
  }

  /** In chunks, one after another: a 1,000-endpoint fan-out never holds 1,000 jobs in one pipeline. */
  async enqueueDeliveries(requests: readonly DeliveryJobRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await ready(this.deliveryQueue);
    for (let i = 0; i < requests.length; i += DELIVERY_ENQUEUE_CHUNK) {
      await this.deliveryQueue.addBulk(
        requests.slice(i, i + DELIVERY_ENQUEUE_CHUNK).map((r) => {
          const data: JobPayloads[JobName.DeliverWebhook] = { tenantId: r.tenantId, deliveryId: r.deliveryId, ...(r.endpointId ? { endpointId: r.endpointId } : {}) };
          return { name: JobName.DeliverWebhook, data, opts: this.deliveryJobOptions(r) };
        }),
      );
    }
  }

  private deliveryJobOptions(r: DeliveryJobRequest): JobsOptions {
    return {
      jobId: jobIdFor.delivery(r.deliveryId),
      delay: r.delayMs && r.delayMs > 0 ? r.delayMs : undefined,
      // Postgres holds the real attempt count; this bound only has to be at least as large.
      attempts: this.config.maxAttempts,
      backoff: { type: DELIVERY_BACKOFF },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    };
  }
}
