import { Injectable } from '@nestjs/common';
import { Batcher } from '#libs/common';
import { EventRepository, type NewEvent, type StoredEvent } from './event.repository.js';

interface EventToInsert {
  tenantId: string;
  event: NewEvent;
}

type Inserted = { event: StoredEvent; created: boolean };

/** Event inserts in batches (group commit; see Batcher): under load, concurrent dispatches share one
 * INSERT and one commit. Each request is answered only after its own row has committed. */
@Injectable()
export class EventWriter {
  private readonly batcher: Batcher<EventToInsert, Inserted>;

  constructor(events: EventRepository) {
    this.batcher = new Batcher({
      maxBatch: 200,
      maxInFlight: 4,
      // Two requests with one idempotency key must not share a batch: the second must see the first.
      key: (i) => (i.event.idempotencyKey === null ? i.event.id : `${i.tenantId}:${i.event.idempotencyKey}`),
      runOne: (i) => events.insertOrGet(i.tenantId, i.event),
      runMany: async (batch) => {
        const stored = await events.insertMany(batch);
        return Promise.all(batch.map(async (i, n) => (stored[n] ? { event: stored[n], created: true } : events.insertOrGet(i.tenantId, i.event))));
      },
    });
  }

  insertOrGet(tenantId: string, event: NewEvent): Promise<Inserted> {
    return this.batcher.submit({ tenantId, event });
  }
}
