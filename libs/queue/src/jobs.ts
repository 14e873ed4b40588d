/** The job catalogue: every job the platform runs, its queue and its payload. Payloads carry IDs
 * only; processors reload everything else from Postgres. */
export enum QueueName {
  FanOut = 'fanout',
  Delivery = 'delivery',
  Recovery = 'recovery',
}

export enum JobName {
  FanOutEvent = 'fan-out-event',
  DeliverWebhook = 'deliver-webhook',
  RecoverEndpoint = 'recover-endpoint',
  DeliverBatch = 'deliver-batch',
  DeliverGroup = 'deliver-group',
}

export interface JobPayloads {
  [JobName.FanOutEvent]: { tenantId: string; eventId: string };
  /** `series`: the delivery's series of attempts (absent for 0); a job of an older series skips. */
  [JobName.DeliverWebhook]: { tenantId: string; deliveryId: string; endpointId: string; series?: number };
  /** A batch of an endpoint's deliveries (a delivery_batches row), sent and retried as one request. */
  [JobName.DeliverBatch]: { tenantId: string; batchId: string; endpointId: string };
  [JobName.RecoverEndpoint]: { tenantId: string; recoveryId: string };
  /** The first attempts of deliveries created together (one insert statement, one fan-out chunk):
   * one job carries them all, each still admitted and recorded on its own (DeliveryService.attemptGroup).
   * `groupId` is the rows' job_group, so the reconciler can tell that this job still owes them. */
  [JobName.DeliverGroup]: { tenantId: string; groupId: string; deliveryIds: string[] };
}

/** The delivery jobs share the delivery queue: one pool of worker slots and one backoff. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.FanOutEvent]: QueueName.FanOut,
  [JobName.DeliverWebhook]: QueueName.Delivery,
  [JobName.DeliverBatch]: QueueName.Delivery,
  [JobName.DeliverGroup]: QueueName.Delivery,
  [JobName.RecoverEndpoint]: QueueName.Recovery,
};

/** Job ids are derived from the row they work on, so enqueueing the same work twice is a no-op. A
 * delivery sent again (resend, replay, recovery) starts a new series of attempts under a new id, so
 * the kept failed job of an earlier series cannot swallow it; series 0 keeps the plain id. */
export const jobIdFor = {
  fanOut: (eventId: string) => `fanout-${eventId}`,
  delivery: (deliveryId: string, series = 0) => (series === 0 ? `delivery-${deliveryId}` : `delivery-${deliveryId}-s${series}`),
  /** A batch is a new row each time (a delivery sent again joins a new batch), so its id is fresh. */
  batch: (batchId: string) => `batch-${batchId}`,
  /** A group's id is fixed when its rows are inserted (deliveries.job_group): adding it again is a no-op. */
  group: (groupId: string) => `group-${groupId}`,
  recovery: (recoveryId: string) => `recovery-${recoveryId}`,
};

/** Most deliveries one group job carries: enough that BullMQ's per-job Redis work (about 40
 * commands) is a small share per delivery, few enough that a group never holds a worker long or
 * leaves another worker idle (bench/README.md, issue 14). */
export const DELIVERY_GROUP_MAX = 50;

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
