import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, LOGGER, NotFoundError, ServiceUnavailableError, uuidv7, ValidationFailedError, type DomainError, type Logger } from '#libs/common';
import { isDatabaseUnavailable } from '#libs/database';
import { DomainEvents } from '#libs/domain-events';
import { isReservedEventType, RESERVED_EVENT_TYPE_PREFIX } from '#libs/endpoints';
import { JobProducer } from '#libs/queue';
import { EventRepository, type AcceptedEvent, type StoredEvent } from './event.repository.js';
import { assertNotExpunged, type ExpungedEvent } from './expunge.js';
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

/** One item of a batch: accepted (or replayed), or refused on its own. */
export type BatchItemResult = { ok: DispatchResult } | { error: DomainError };

@Injectable()
export class EventService {
  constructor(
    private readonly events: EventWriter,
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly domainEvents: DomainEvents,
    private readonly repo: EventRepository,
  ) {}

  /** A data-subject request: the event's data and its attempts' response bodies go, its metadata
   * stays; pending deliveries end failed (there is nothing left to send). Idempotent: again, it
   * answers the same expungedAt. */
  async expunge(tenantId: string, eventId: string): Promise<ExpungedEvent> {
    const done = await this.repo.expunge(tenantId, eventId);
    if (!done) throw new NotFoundError('event');
    for (const f of done.failed) this.domainEvents.emit('delivery.abandoned', { tenantId, deliveryId: f.deliveryId, endpointId: f.endpointId, reason: 'event expunged' });
    return done.event;
  }

  /** For resend, replay and recovery: 404 for an unknown event, 409 for an expunged one. */
  async assertNotExpunged(tenantId: string, eventId: string): Promise<void> {
    const event = await this.repo.findExpungedAt(tenantId, eventId);
    if (!event) throw new NotFoundError('event');
    assertNotExpunged(event);
  }

  /** Accepts an event: once this returns it is in Postgres, and its deliveries are too (or, for a
   * large fan-out, will be created by a worker job), even if an enqueue below fails: the reconciler
   * finds pending deliveries and events not yet fanned out that have no job. */
  async dispatch(tenantId: string, input: DispatchInput): Promise<DispatchResult> {
    const refused = refuseReserved(input);
    if (refused) throw refused;
    return this.store(tenantId, input);
  }

  /** Accepts a batch: every valid item is stored, with its deliveries, in ONE statement; each item
   * stands alone (a reserved type or an idempotency conflict refuses that item only). Idempotency
   * is per item, duplicates within the batch included: the first item with a key decides, a later
   * one with the same event is a replay of it and one with a different event a 409. */
  async dispatchBatch(tenantId: string, inputs: readonly DispatchInput[]): Promise<BatchItemResult[]> {
    const results: Array<BatchItemResult | undefined> = inputs.map((i) => {
      const refused = refuseReserved(i);
      return refused ? { error: refused } : undefined;
    });
    const prepared = inputs.map((i) => ({ id: uuidv7(), type: i.type, dataJson: i.dataJson ?? JSON.stringify(i.data), idempotencyKey: i.idempotencyKey ?? null }));
    const toWrite: number[] = [];
    const firstWithKey = new Set<string>();
    inputs.forEach((_, n) => {
      const key = prepared[n]!.idempotencyKey;
      if (results[n] || (key !== null && firstWithKey.has(key))) return;
      if (key !== null) firstWithKey.add(key);
      toWrite.push(n);
    });
    let written: WriteResult[] = [];
    if (toWrite.length > 0) {
      try {
        written = await this.events.writeBatch(tenantId, toWrite.map((n) => prepared[n]!));
      } catch (err) {
        if (isDatabaseUnavailable(err)) throw new ServiceUnavailableError('the database is unavailable; no event of the batch was accepted, retry later');
        throw err;
      }
    }
    // The event each idempotency key now names, to judge the items that reuse it.
    const underKey = new Map<string, StoredEvent>();
    const created = new Set<number>();
    toWrite.forEach((n, w) => {
      const r = written[w]!;
      const event = r.created ? r.accepted.event : r.event;
      if (r.created) created.add(n);
      if (prepared[n]!.idempotencyKey !== null) underKey.set(prepared[n]!.idempotencyKey!, event);
      if (r.created) results[n] = { ok: { event, replayed: false } };
    });
    prepared.forEach((p, n) => {
      if (results[n]) return;
      const event = underKey.get(p.idempotencyKey!)!;
      results[n] = sameEvent(event, p.type, p.dataJson, inputs[n]!.data) ? { ok: { event, replayed: true } } : { error: idempotencyConflict() };
    });
    await this.enqueue(
      tenantId,
      toWrite.flatMap((n, w) => {
        const r = written[w]!;
        return created.has(n) && r.created ? [r.accepted] : [];
      }),
    );
    return results as BatchItemResult[];
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
      if (!sameEvent(result.event, input.type, dataJson, input.data)) throw idempotencyConflict();
      return { event: result.event, replayed: true };
    }
    await this.enqueue(tenantId, [result.accepted]);
    return { event: result.accepted.event, replayed: false };
  }

  /** After commit: the fan-out job of each event whose fan-out was too large to be inline (the
   * writer added the jobs of the deliveries created with their event). Best effort: a failure is
   * logged, and the reconciler finds what has no job. */
  private async enqueue(tenantId: string, accepted: readonly AcceptedEvent[]): Promise<void> {
    if (accepted.length === 0) return;
    this.announce(tenantId, accepted);
    await Promise.all(accepted.filter((a) => !a.fannedOut).map((a) => this.producer.enqueueFanOut(tenantId, a.event.id).catch((err: unknown) => this.enqueueFailed(tenantId, [a], err))));
  }

  private enqueueFailed(tenantId: string, accepted: readonly AcceptedEvent[], err: unknown): void {
    const eventIds = accepted.map((a) => a.event.id);
    this.logger.warn({ tenantId, eventId: eventIds.length === 1 ? eventIds[0] : undefined, events: eventIds.length, err: (err as Error).message }, 'enqueue failed; the reconciler will pick the events up');
  }

  /** After commit, once per new event (the single and the batch paths both come through here). */
  private announce(tenantId: string, accepted: readonly AcceptedEvent[]): void {
    for (const a of accepted) this.domainEvents.emit('event.accepted', { tenantId, eventId: a.event.id, eventType: a.event.type });
  }
}

function refuseReserved(input: DispatchInput): ValidationFailedError | null {
  if (!isReservedEventType(input.type)) return null;
  return new ValidationFailedError(`type: event types starting with ${RESERVED_EVENT_TYPE_PREFIX} are reserved for the platform's own operational events`, { field: 'type' });
}

/** The same type and data: the same data sent with other spacing is the same event. */
function sameEvent(stored: StoredEvent, type: string, dataJson: string, data: Record<string, unknown>): boolean {
  if (stored.type !== type) return false;
  return stored.dataJson === dataJson || JSON.stringify(JSON.parse(stored.dataJson)) === JSON.stringify(data);
}

function idempotencyConflict(): ConflictError {
  return new ConflictError('idempotency key was already used for a different event');
}
