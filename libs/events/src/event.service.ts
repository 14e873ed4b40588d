import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, LOGGER, ServiceUnavailableError, uuidv7, type Logger } from '#libs/common';
import { isDatabaseUnavailable } from '#libs/database';
import { JobProducer } from '#libs/queue';
import type { StoredEvent } from './event.repository.js';
import { EventWriter } from './event-writer.js';


export interface DispatchInput {
  type: string;
  data: Record<string, unknown>;
  idempotencyKey?: string;
}

export interface DispatchResult {
  event: StoredEvent;
  /** True when an earlier request with the same idempotency key created the event. */
  replayed: boolean;
}

@Injectable()
export class EventService {
  constructor(
    private readonly events: EventWriter,
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Accepts an event: once this returns it is in Postgres and will be fanned out, even if the
   * enqueue below fails (the reconciler finds events whose fan-out has not happened). */
  async dispatch(tenantId: string, input: DispatchInput): Promise<DispatchResult> {
    const dataJson = JSON.stringify(input.data);
    let result: { event: StoredEvent; created: boolean };
    try {
      result = await this.events.insertOrGet(tenantId, { id: uuidv7(), type: input.type, dataJson, idempotencyKey: input.idempotencyKey ?? null });
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw new ServiceUnavailableError('the database is unavailable; the event was not accepted, retry later');
      throw err;
    }
    if (!result.created) {
      if (result.event.type !== input.type || result.event.dataJson !== dataJson) {
        throw new ConflictError('idempotency key was already used for a different event');
      }
      return { event: result.event, replayed: true };
    }
    try {
      await this.producer.enqueueFanOut(tenantId, result.event.id);
    } catch (err) {
      this.logger.warn({ tenantId, eventId: result.event.id, err: (err as Error).message }, 'fan-out enqueue failed; the reconciler will pick the event up');
    }
    return { event: result.event, replayed: false };
  }
}
