import { Inject, Injectable } from '@nestjs/common';
import { Batcher, BatchSizes, LOGGER, type Logger } from '#libs/common';
import { AppConfig } from '#libs/config';
import { JobProducer } from '#libs/queue';
import { EventRepository, type AcceptedEvent, type NewEvent, type StoredEvent } from './event.repository.js';

interface EventToInsert {
  tenantId: string;
  event: NewEvent;
}

/** `created: false`: the idempotency key was already used; `event` is the one stored under it. */
export type WriteResult = { created: true; accepted: AcceptedEvent } | { created: false; event: StoredEvent };

/** Event inserts in batches (group commit; see Batcher): under load, concurrent dispatches share one
 * statement and one commit, deliveries included, and the first attempts of those deliveries share
 * group jobs (the statement names the groups, so their jobs are added here, for the whole batch).
 * Each request is answered only after its own row has committed and its jobs were added (the next
 * batch's insert does not wait for those adds). */
@Injectable()
export class EventWriter {
  /** Each answer comes with its batch's enqueue, awaited by the caller outside the batcher, so the
   * next insert does not wait for Redis. */
  private readonly batcher: Batcher<EventToInsert, { result: WriteResult; enqueued: Promise<void> }>;

  private readonly inlineFanOutMax: number;
  private readonly reportBatchDispatch: (size: number) => void;

  constructor(
    private readonly events: EventRepository,
    config: AppConfig,
    sizes: BatchSizes,
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.inlineFanOutMax = config.inlineFanOutMax;
    this.reportBatchDispatch = sizes.reporter('event-batch-dispatch');
    const runMany = async (batch: EventToInsert[]) => {
      const accepted = await events.acceptMany(batch, config.inlineFanOutMax);
      const enqueued = this.enqueueFirstAttempts(accepted.map((a, n) => ({ tenantId: batch[n]!.tenantId, accepted: a })));
      return Promise.all(batch.map(async (i, n) => ({ result: accepted[n] ? { created: true as const, accepted: accepted[n] } : await this.existing(i), enqueued })));
    };
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      onBatch: sizes.reporter('event-insert'),
      // Two requests with one idempotency key must not share a batch: the second must see the first.
      key: (i) => (i.event.idempotencyKey === null ? i.event.id : `${i.tenantId}:${i.event.idempotencyKey}`),
      runOne: async (i) => (await runMany([i]))[0]!,
      runMany,
    });
  }

  async write(tenantId: string, event: NewEvent): Promise<WriteResult> {
    const { result, enqueued } = await this.batcher.submit({ tenantId, event });
    await enqueued;
    return result;
  }

  /** A batch from one request, stored in one statement of its own (it is a group already; the
   * group-commit batcher would cut it into pieces). Idempotency keys must be distinct within it. */
  async writeBatch(tenantId: string, events: readonly NewEvent[]): Promise<WriteResult[]> {
    this.reportBatchDispatch(events.length);
    const accepted = await this.events.acceptMany(events.map((event) => ({ tenantId, event })), this.inlineFanOutMax);
    await this.enqueueFirstAttempts(accepted.map((a) => ({ tenantId, accepted: a })));
    const taken = events.filter((e, n) => !accepted[n] && e.idempotencyKey !== null).map((e) => e.idempotencyKey!);
    const stored = taken.length > 0 ? await this.events.findByIdempotencyKeys(tenantId, taken) : new Map<string, StoredEvent>();
    return events.map((e, n) => {
      const a = accepted[n];
      if (a) return { created: true as const, accepted: a };
      const event = e.idempotencyKey === null ? undefined : stored.get(e.idempotencyKey);
      if (!event) throw new Error('idempotency conflict without a stored event');
      return { created: false as const, event };
    });
  }

  /** After commit, the jobs of the deliveries created with the events (a fan-out too large to be
   * inline is the event service's fan-out job). Best effort: a failure is logged, and the
   * reconciler finds what has no job; it never rejects. */
  private async enqueueFirstAttempts(items: ReadonlyArray<{ tenantId: string; accepted: AcceptedEvent | null }>): Promise<void> {
    const created = items.filter((i): i is { tenantId: string; accepted: AcceptedEvent } => i.accepted !== null && i.accepted.fannedOut);
    const deliveries = created.flatMap((i) => i.accepted.deliveries.map((d) => ({ tenantId: i.tenantId, ...d })));
    if (deliveries.length === 0) return;
    await this.producer.enqueueDeliveries(deliveries).catch((err: unknown) => {
      const eventIds = created.map((i) => i.accepted.event.id);
      this.logger.warn({ eventId: eventIds.length === 1 ? eventIds[0] : undefined, events: eventIds.length, err: (err as Error).message }, 'enqueue failed; the reconciler will pick the deliveries up');
    });
  }

  private async existing(i: EventToInsert): Promise<WriteResult> {
    const event = i.event.idempotencyKey === null ? null : await this.events.findByIdempotencyKey(i.tenantId, i.event.idempotencyKey);
    if (!event) throw new Error('idempotency conflict without a stored event');
    return { created: false, event };
  }
}
