import { Injectable } from '@nestjs/common';
import { Batcher, BatchSizes } from '#libs/common';
import { AppConfig } from '#libs/config';
import { EventRepository, type AcceptedEvent, type NewEvent, type StoredEvent } from './event.repository.js';

interface EventToInsert {
  tenantId: string;
  event: NewEvent;
}

/** `created: false`: the idempotency key was already used; `event` is the one stored under it. */
export type WriteResult = { created: true; accepted: AcceptedEvent } | { created: false; event: StoredEvent };

/** Event inserts in batches (group commit; see Batcher): under load, concurrent dispatches share one
 * statement and one commit, deliveries included. Each request is answered only after its own row
 * has committed. */
@Injectable()
export class EventWriter {
  private readonly batcher: Batcher<EventToInsert, WriteResult>;

  private readonly inlineFanOutMax: number;
  private readonly reportBatchDispatch: (size: number) => void;

  constructor(
    private readonly events: EventRepository,
    config: AppConfig,
    sizes: BatchSizes,
  ) {
    this.inlineFanOutMax = config.inlineFanOutMax;
    this.reportBatchDispatch = sizes.reporter('event-batch-dispatch');
    const runMany = async (batch: EventToInsert[]): Promise<WriteResult[]> => {
      const accepted = await events.acceptMany(batch, config.inlineFanOutMax);
      return Promise.all(batch.map(async (i, n) => (accepted[n] ? { created: true as const, accepted: accepted[n] } : this.existing(i))));
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

  write(tenantId: string, event: NewEvent): Promise<WriteResult> {
    return this.batcher.submit({ tenantId, event });
  }

  /** A batch from one request, stored in one statement of its own (it is a group already; the
   * group-commit batcher would cut it into pieces). Idempotency keys must be distinct within it. */
  async writeBatch(tenantId: string, events: readonly NewEvent[]): Promise<WriteResult[]> {
    this.reportBatchDispatch(events.length);
    const accepted = await this.events.acceptMany(events.map((event) => ({ tenantId, event })), this.inlineFanOutMax);
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

  private async existing(i: EventToInsert): Promise<WriteResult> {
    const event = i.event.idempotencyKey === null ? null : await this.events.findByIdempotencyKey(i.tenantId, i.event.idempotencyKey);
    if (!event) throw new Error('idempotency conflict without a stored event');
    return { created: false, event };
  }
}
