/** The job catalogue: every job the platform runs, its queue and its payload. Payloads carry IDs
 * only; processors reload everything else from Postgres. */
export enum QueueName {
  FanOut = 'fanout',
  Delivery = 'delivery',
}

export enum JobName {
  FanOutEvent = 'fan-out-event',
  DeliverWebhook = 'deliver-webhook',
  DeliverBatch = 'deliver-batch',
}

export interface JobPayloads {
  [JobName.FanOutEvent]: { tenantId: string; eventId: string };
  [JobName.DeliverWebhook]: { tenantId: string; deliveryId: string; endpointId: string };
  /** A batch of an endpoint's deliveries (a delivery_batches row), sent and retried as one request. */
  [JobName.DeliverBatch]: { tenantId: string; batchId: string; endpointId: string };
}

/** Both delivery jobs share the delivery queue: one pool of worker slots and one backoff. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.FanOutEvent]: QueueName.FanOut,
  [JobName.DeliverWebhook]: QueueName.Delivery,
  [JobName.DeliverBatch]: QueueName.Delivery,
};

/** Job ids are derived from the row they work on, so enqueueing the same work twice is a no-op. */
export const jobIdFor = {
  fanOut: (eventId: string) => `fanout-${eventId}`,
  delivery: (deliveryId: string) => `delivery-${deliveryId}`,
  batch: (batchId: string) => `batch-${batchId}`,
};

/** Name of the custom backoff strategy the delivery worker registers. */
export const DELIVERY_BACKOFF = 'delivery';

/** Start-up check: each job name has exactly one handler (`handled`: the names each processor handles). */
export function assertOneHandlerPerJob(handled: ReadonlyArray<readonly JobName[]>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const count = handled.filter((names) => names.includes(name)).length;
    if (count !== 1) problems.push(`job ${name} has ${count} handlers`);
  }
  if (problems.length > 0) throw new Error(`Job catalogue mismatch: ${problems.join('; ')}`);
}
