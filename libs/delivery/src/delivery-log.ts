import type { Delivery, DeliveryAttempt, DeliveryStatus } from '#libs/database';
import type { Page } from '#libs/common';

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  since?: Date;
  until?: Date;
  /** Page size, 1..100. */
  limit: number;
  /** Only deliveries older than this id (the cursor). */
  beforeId?: string;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  endpointId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  /** The batch that will send this delivery while it waits in one; null otherwise (a finished delivery
   * has left its batch: each attempt keeps its own batchId). */
  batchId: string | null;
}

export interface AttemptView {
  attemptNumber: number;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  errorKind: string | null;
  errorMessage: string | null;
  responseBody: string | null;
  /** The batch this attempt sent the delivery in (its webhook-id); null when it went alone. */
  batchId: string | null;
}

export function toDeliveryView(d: Delivery): DeliveryView {
  return {
    id: d.id,
    eventId: d.eventId,
    endpointId: d.endpointId,
    eventType: d.eventType,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    completedAt: d.completedAt,
    batchId: d.batchId,
  };
}

export function toAttemptView(a: DeliveryAttempt): AttemptView {
  return {
    attemptNumber: a.attemptNumber,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    responseStatus: a.responseStatus,
    errorKind: a.errorKind,
    errorMessage: a.errorMessage,
    responseBody: a.responseBody,
    batchId: a.batchId,
  };
}

export function deliveryWhere(f: DeliveryFilter) {
  return {
    ...(f.endpointId ? { endpointId: f.endpointId } : {}),
    ...(f.eventId ? { eventId: f.eventId } : {}),
    ...(f.eventType ? { eventType: f.eventType } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.since || f.until ? { createdAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } } : {}),
    ...(f.beforeId ? { id: { lt: f.beforeId } } : {}),
  };
}

