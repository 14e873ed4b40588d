/** The domain-event catalogue: everything that happened and that other parts of the platform may
 * react to (health, alerts, metrics, live views). Each event is published once, after what it
 * describes has committed, by the code that made it happen; subscribers live in their own libs. */

/** How an attempt ended, as the stats and metrics count it. */
export type AttemptResultClass = '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'network';

export interface AttemptRecordedEvent {
  tenantId: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  attemptNumber: number;
  /** The batch whose request carried this attempt (one event per delivery of the batch); null when it went alone. */
  batchId: string | null;
  startedAt: Date;
  durationMs: number;
  result: AttemptResultClass;
  responseStatus: number | null;
  /** timeout | connection_refused | dns | tls | reset | network | blocked; null when a response arrived. */
  errorKind: string | null;
  /** The delivery after this attempt: `pending` (a retry is scheduled), `succeeded` or `failed` (for good). */
  deliveryStatus: 'pending' | 'succeeded' | 'failed';
  nextAttemptAt: Date | null;
  /** Why the attempt did not succeed, in words; null on success. */
  reason: string | null;
}

export interface EndpointDisabledEvent {
  tenantId: string;
  endpointId: string;
  /** "failing since <ISO time>: <last error>" */
  reason: string;
  disabledAt: Date;
}

export interface AlertsQueuedEvent {
  /** Endpoints whose alerts were just written to the outbox. */
  endpoints: number;
}

export type AlertChannelName = 'webhook' | 'email';

export interface AlertSentEvent {
  channel: AlertChannelName;
  /** endpoint.failing | endpoint.disabled | endpoint.recovered | delivery.failed */
  kind: string;
  tenantId: string;
  endpointId: string;
  /** `failed`: will be retried; `given_up`: retried for 24 h, dropped. */
  outcome: 'sent' | 'failed' | 'given_up';
}

export interface EventAcceptedEvent {
  tenantId: string;
  eventId: string;
  eventType: string;
}

/** A pending delivery ended `failed` without an attempt (its endpoint was disabled or deleted, or its
 * event expunged). */
export interface DeliveryAbandonedEvent {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
  reason: string;
}

export interface ReconcilerReenqueuedEvent {
  fanOuts: number;
  deliveries: number;
  batches: number;
  recoveries: number;
}

export interface RetentionPurgedEvent {
  events: number;
  deliveries: number;
  attempts: number;
}

export interface DomainEventMap {
  /** A new event (not an idempotent replay) has committed, with its deliveries when fanned out inline;
   * once per event, whether it came alone or in a batch. */
  'event.accepted': EventAcceptedEvent;
  /** See DeliveryAbandonedEvent; committed. */
  'delivery.abandoned': DeliveryAbandonedEvent;
  /** A reconciler pass put back jobs that Redis had lost (only when it did). */
  'reconciler.reenqueued': ReconcilerReenqueuedEvent;
  /** One retention batch removed these rows; committed. */
  'retention.purged': RetentionPurgedEvent;
  /** An attempt row and the delivery's new state have committed. */
  'attempt.recorded': AttemptRecordedEvent;
  /** The endpoint-health flush disabled an endpoint (ENDPOINT_DISABLE_AFTER_HOURS); committed. */
  'endpoint.disabled': EndpointDisabledEvent;
  /** Alert rows were committed to the outbox (wakes this process's alert sender). */
  'alerts.queued': AlertsQueuedEvent;
  /** One outcome of sending an alert (an email sent, failed for now or given up; a webhook alert stored as an event). */
  'alert.sent': AlertSentEvent;
}

export type DomainEventName = keyof DomainEventMap;

/** The class of an attempt's outcome from its status or error kind. */
export function classifyAttempt(responseStatus: number | null, errorKind: string | null): AttemptResultClass {
  if (responseStatus !== null) {
    if (responseStatus >= 200 && responseStatus < 300) return '2xx';
    if (responseStatus >= 300 && responseStatus < 400) return '3xx';
    if (responseStatus >= 400 && responseStatus < 500) return '4xx';
    return '5xx';
  }
  return errorKind === 'timeout' ? 'timeout' : 'network';
}
