import { Injectable } from '@nestjs/common';
import { Batcher } from '#libs/common';
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

  constructor(
    private readonly events: EventRepository,
    config: AppConfig,
  ) {
    const runMany = async (batch: EventToInsert[]): Promise<WriteResult[]> => {
      const accepted = await events.acceptMany(batch, config.inlineFanOutMax);
      return Promise.all(batch.map(async (i, n) => (accepted[n] ? { created: true as const, accepted: accepted[n] } : this.existing(i))));
    };
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 1,
      // Two requests with one idempotency key must not share a batch: the second must see the first.
      key: (i) => (i.event.idempotencyKey === null ? i.event.id : `${i.tenantId}:${i.event.idempotencyKey}`),
      runOne: async (i) => (await runMany([i]))[0]!,
      runMany,
    });
  }

  write(tenantId: string, event: NewEvent): Promise<WriteResult> {
    return this.batcher.submit({ tenantId, event });
  }

  private async existing(i: EventToInsert): Promise<WriteResult> {
    const event = i.event.idempotencyKey === null ? null : await this.events.findByIdempotencyKey(i.tenantId, i.event.idempotencyKey);
    if (!event) throw new Error('idempotency conflict without a stored event');
    return { created: false, event };
  }
}
