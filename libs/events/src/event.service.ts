import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, LOGGER, ServiceUnavailableError, uuidv7, ValidationFailedError, type Logger } from '#libs/common';
import { isDatabaseUnavailable } from '#libs/database';
import { isReservedEventType, RESERVED_EVENT_TYPE_PREFIX } from '#libs/endpoints';
import { JobProducer } from '#libs/queue';
import type { StoredEvent } from './event.repository.js';
import { EventWriter, type WriteResult } from './event-writer.js';


export interface DispatchInput {
  type: string;
  data: Record<string, unknown>;
  /** `data` exactly as the client sent it, when the transport kept it: stored and delivered byte for byte. */
  dataJson?: string;
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

  /** Accepts an event: once this returns it is in Postgres, and its deliveries are too (or, for a
   * large fan-out, will be created by a worker job), even if an enqueue below fails: the reconciler
   * finds pending deliveries and events not yet fanned out that have no job. */
  async dispatch(tenantId: string, input: DispatchInput): Promise<DispatchResult> {
    if (isReservedEventType(input.type)) {
      throw new ValidationFailedError(`type: event types starting with ${RESERVED_EVENT_TYPE_PREFIX} are reserved for the platform's own operational events`, { field: 'type' });
    }
    return this.store(tenantId, input);
  }

  /** The platform's own hookrelay.* events (alerts): stored, signed, retried and logged like any
   * other event of the tenant. Callers pass an idempotency key so a retry stores the event once. */
  async dispatchOperational(tenantId: string, input: DispatchInput & { idempotencyKey: string }): Promise<DispatchResult> {
    if (!isReservedEventType(input.type)) throw new Error(`operational event types start with ${RESERVED_EVENT_TYPE_PREFIX}`);
    return this.store(tenantId, input);
  }

  private async store(tenantId: string, input: DispatchInput): Promise<DispatchResult> {
    const dataJson = input.dataJson ?? JSON.stringify(input.data);
    let result: WriteResult;
    try {
      result = await this.events.write(tenantId, { id: uuidv7(), type: input.type, dataJson, idempotencyKey: input.idempotencyKey ?? null });
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw new ServiceUnavailableError('the database is unavailable; the event was not accepted, retry later');
      throw err;
    }
    if (!result.created) {
      // The same data sent with other spacing is the same event.
      const sameData = result.event.dataJson === dataJson || JSON.stringify(JSON.parse(result.event.dataJson)) === JSON.stringify(input.data);
      if (result.event.type !== input.type || !sameData) {
        throw new ConflictError('idempotency key was already used for a different event');
      }
      return { event: result.event, replayed: true };
    }
    const { event, fannedOut, deliveries } = result.accepted;
    try {
      if (fannedOut) await this.producer.enqueueDeliveries(deliveries.map((d) => ({ tenantId, ...d })));
      else await this.producer.enqueueFanOut(tenantId, event.id);
    } catch (err) {
      this.logger.warn({ tenantId, eventId: event.id, err: (err as Error).message }, 'enqueue failed; the reconciler will pick the event up');
    }
    return { event, replayed: false };
  }
}
