/** The job catalogue: every job the platform runs, its queue and its payload. Payloads carry IDs
 * only; processors reload everything else from Postgres. */
export enum QueueName {
  FanOut = 'fanout',
  Delivery = 'delivery',
}

export enum JobName {
  FanOutEvent = 'fan-out-event',
  DeliverWebhook = 'deliver-webhook',
}

export interface JobPayloads {
  [JobName.FanOutEvent]: { tenantId: string; eventId: string };
  /** `endpointId` lets the worker apply the per-endpoint cap before loading anything; jobs made
   * without it are capped once the delivery is loaded. */
  [JobName.DeliverWebhook]: { tenantId: string; deliveryId: string; endpointId?: string };
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.FanOutEvent]: QueueName.FanOut,
  [JobName.DeliverWebhook]: QueueName.Delivery,
};

/** Job ids are derived from the row they work on, so enqueueing the same work twice is a no-op. */
export const jobIdFor = {
  fanOut: (eventId: string) => `fanout-${eventId}`,
  delivery: (deliveryId: string) => `delivery-${deliveryId}`,
};

/** Name of the custom backoff strategy the delivery worker registers. */
export const DELIVERY_BACKOFF = 'delivery';

/** Start-up check: each job name has exactly one handler. */
export function assertOneHandlerPerJob(handled: readonly JobName[]): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const count = handled.filter((h) => h === name).length;
    if (count !== 1) problems.push(`job ${name} has ${count} handlers`);
  }
  if (problems.length > 0) throw new Error(`Job catalogue mismatch: ${problems.join('; ')}`);
}
