import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { Batcher, BatchSizes } from '#libs/common';
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
  endpointId: string;
  /** The delivery's series of attempts (0 unless it was sent again): part of the job id. */
  series?: number;
  delayMs?: number;
  /** Its deliveries.job_group, for a delivery just created (see enqueueDeliveries). */
  jobGroup?: string | null;
}

export interface BatchJobRequest {
  tenantId: string;
  batchId: string;
  endpointId: string;
  delayMs?: number;
}

/** New deliveries created together under one job_group (see DELIVERY_GROUP_MAX): their first
 * attempts go in one job; a group of one is an ordinary delivery job. */
interface GroupJobRequest {
  tenantId: string;
  groupId: string;
  deliveries: Array<{ deliveryId: string; endpointId: string }>;
}

type FanOutJob = JobPayloads[JobName.FanOutEvent];

/** Jobs per addBulk, and addBulks in flight at once per queue: a 1,000-endpoint fan-out never holds
 * 1,000 jobs in one pipeline, and under load the next pipeline gathers whatever arrived meanwhile. */
export const DELIVERY_ENQUEUE_CHUNK = 200;
const ENQUEUES_IN_FLIGHT = 1;

const FAN_OUT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** A recovery walks many pages; a failure (Postgres down) is retried from its stored cursor, and a
 * recovery still running whose job gave up is re-enqueued by the reconciler. */
const RECOVERY_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** Adds jobs through a Batcher: alone when the queue connection is idle, else in pipelined addBulks
 * of up to DELIVERY_ENQUEUE_CHUNK; each caller still waits for its own job. */
function bulkAdder<T>(queue: Queue, toJob: (item: T) => { name: string; data: unknown; opts: JobsOptions }, key: (item: T) => string, maxInFlight: number, onBatch: (size: number) => void): Batcher<T, void> {
  return new Batcher<T, void>({
    maxBatch: DELIVERY_ENQUEUE_CHUNK,
    maxInFlight,
    onBatch,
    key,
    runOne: async (item) => {
      await ready(queue);
      const j = toJob(item);
      await queue.add(j.name, j.data, j.opts);
    },
    runMany: async (batch) => {
      await ready(queue);
      await queue.addBulk(batch.map(toJob));
      return batch.map(() => undefined);
    },
  });
}

/** The only way work reaches Redis. Every option a job runs with is set here. */
@Injectable()
export class JobProducer {
  /** Concurrent callers share pipelined addBulks (see bulkAdder). */
  private readonly fanOuts: Batcher<FanOutJob, void>;
  private readonly deliveries: Batcher<DeliveryJobRequest, void>;
  private readonly batches: Batcher<BatchJobRequest, void>;
  private readonly groups: Batcher<GroupJobRequest, void>;

  constructor(
    @InjectQueue(QueueName.FanOut) private readonly fanOutQueue: Queue,
    @InjectQueue(QueueName.Delivery) private readonly deliveryQueue: Queue,
    @InjectQueue(QueueName.Recovery) private readonly recoveryQueue: Queue,
    private readonly config: AppConfig,
    sizes: BatchSizes,
  ) {
    this.fanOuts = bulkAdder(this.fanOutQueue, (d) => ({ name: JobName.FanOutEvent, data: d, opts: { ...FAN_OUT_JOB_OPTIONS, jobId: jobIdFor.fanOut(d.eventId) } }), (d) => d.eventId, ENQUEUES_IN_FLIGHT, sizes.reporter(`job-add-${QueueName.FanOut}`));
    this.deliveries = bulkAdder(this.deliveryQueue, (r) => this.deliveryJob(r), (r) => jobIdFor.delivery(r.deliveryId, r.series), ENQUEUES_IN_FLIGHT, sizes.reporter(`job-add-${QueueName.Delivery}`));
    this.batches = bulkAdder(this.deliveryQueue, (r) => this.batchJob(r), (r) => r.batchId, ENQUEUES_IN_FLIGHT, sizes.reporter('job-add-batch'));
    this.groups = bulkAdder(this.deliveryQueue, (r) => this.groupJob(r), (r) => r.groupId, ENQUEUES_IN_FLIGHT, sizes.reporter('job-add-group'));
  }

  async enqueueFanOut(tenantId: string, eventId: string): Promise<void> {
    await this.fanOuts.submit({ tenantId, eventId });
  }

  /** Jobs for these deliveries. New ones with a `jobGroup` share a group job per group, so a caller
   * passes whole groups (all the deliveries its statement created); a group of one, a delivery sent
   * again (`series`) or one with a delay gets a job of its own. */
  async enqueueDeliveries(requests: readonly DeliveryJobRequest[]): Promise<void> {
    const groups = new Map<string, GroupJobRequest>();
    const singles: DeliveryJobRequest[] = [];
    for (const r of requests) {
      if (!r.jobGroup || r.series || r.delayMs) {
        singles.push(r);
        continue;
      }
      const g = groups.get(r.jobGroup) ?? { tenantId: r.tenantId, groupId: r.jobGroup, deliveries: [] };
      g.deliveries.push({ deliveryId: r.deliveryId, endpointId: r.endpointId });
      groups.set(r.jobGroup, g);
    }
    for (const g of groups.values()) if (g.deliveries.length === 1) singles.push({ tenantId: g.tenantId, ...g.deliveries[0]! });
    await Promise.all([...singles.map((r) => this.deliveries.submit(r)), ...[...groups.values()].filter((g) => g.deliveries.length > 1).map((g) => this.groups.submit(g))]);
  }

  async enqueueRecovery(tenantId: string, recoveryId: string): Promise<void> {
    await ready(this.recoveryQueue);
    const data: JobPayloads[JobName.RecoverEndpoint] = { tenantId, recoveryId };
    await this.recoveryQueue.add(JobName.RecoverEndpoint, data, { ...RECOVERY_JOB_OPTIONS, jobId: jobIdFor.recovery(recoveryId) });
  }

  /** Best effort, for work whose rows are gone (a deleted tenant): removes the waiting and delayed
   * jobs of these deliveries, batches, job groups and fan-outs. A job already running is locked and
   * stays; it finds no row and ends quietly, as would any job left behind. Returns how many jobs went. */
  async removeJobsOf(deliveries: ReadonlyArray<{ id: string; series: number }>, fanOutEventIds: readonly string[], batchIds: readonly string[] = [], groupIds: readonly string[] = []): Promise<number> {
    let removed = 0;
    const remove = async (queue: Queue, jobIds: string[]) => {
      for (let i = 0; i < jobIds.length; i += DELIVERY_ENQUEUE_CHUNK) {
        const results = await Promise.all(jobIds.slice(i, i + DELIVERY_ENQUEUE_CHUNK).map((id) => queue.remove(id).catch(() => 0)));
        removed += results.filter((r) => r === 1).length;
      }
    };
    await ready(this.deliveryQueue);
    await remove(this.deliveryQueue, deliveries.map((d) => jobIdFor.delivery(d.id, d.series)));
    await remove(this.deliveryQueue, batchIds.map(jobIdFor.batch));
    await remove(this.deliveryQueue, groupIds.map(jobIdFor.group));
    await remove(this.fanOutQueue, fanOutEventIds.map(jobIdFor.fanOut));
    return removed;
  }

  /** Jobs for batches just formed (or, from the reconciler, batches whose job Redis lost). */
  async enqueueBatches(requests: readonly BatchJobRequest[]): Promise<void> {
    await Promise.all(requests.map((r) => this.batches.submit(r)));
  }

  private deliveryJob(r: DeliveryJobRequest) {
    const data: JobPayloads[JobName.DeliverWebhook] = { tenantId: r.tenantId, deliveryId: r.deliveryId, endpointId: r.endpointId, ...(r.series ? { series: r.series } : {}) };
    return { name: JobName.DeliverWebhook, data, opts: this.attemptJobOptions(jobIdFor.delivery(r.deliveryId, r.series), r.delayMs) };
  }

  private batchJob(r: BatchJobRequest) {
    const data: JobPayloads[JobName.DeliverBatch] = { tenantId: r.tenantId, batchId: r.batchId, endpointId: r.endpointId };
    return { name: JobName.DeliverBatch, data, opts: this.attemptJobOptions(jobIdFor.batch(r.batchId), r.delayMs) };
  }

  private groupJob(r: GroupJobRequest) {
    const data: JobPayloads[JobName.DeliverGroup] = { tenantId: r.tenantId, groupId: r.groupId, deliveryIds: r.deliveries.map((d) => d.deliveryId) };
    return { name: JobName.DeliverGroup, data, opts: this.attemptJobOptions(jobIdFor.group(r.groupId), undefined) };
  }

  /** Delivery, batch and group jobs alike: retried with the domain's computed delays (RetryLaterError). */
  private attemptJobOptions(jobId: string, delayMs: number | undefined): JobsOptions {
    return {
      jobId,
      delay: delayMs && delayMs > 0 ? delayMs : undefined,
      // Postgres holds the real attempt count; this bound only has to be at least as large.
      attempts: this.config.maxAttempts,
      backoff: { type: DELIVERY_BACKOFF },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    };
  }
}
