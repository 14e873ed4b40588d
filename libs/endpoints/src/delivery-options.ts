import { ValidationFailedError } from '#libs/common';

/** `envelope`: `{id, type, timestamp, data}`; `data`: the dispatched data alone, byte for byte. */
export const PAYLOAD_FORMATS = ['envelope', 'data'] as const;
export type PayloadFormatName = (typeof PAYLOAD_FORMATS)[number];

/** Several pending deliveries of an endpoint in one request (`{"events": [...]}`). */
export interface BatchOptions {
  maxEvents: number;
  /** How long the oldest pending delivery may wait for a batch to fill before a partial one goes. */
  maxWaitMs: number;
}

export const BATCH_MIN_EVENTS = 2;
export const BATCH_MAX_EVENTS = 500;
export const BATCH_MAX_WAIT_MS = 60_000;
export const DEFAULT_BATCH_WAIT_MS = 1_000;
export const MIN_TIMEOUT_MS = 100;

const wholeIn = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

export function parsePayloadFormat(raw: unknown): PayloadFormatName {
  if (typeof raw !== 'string' || !(PAYLOAD_FORMATS as readonly string[]).includes(raw)) {
    throw new ValidationFailedError(`payload must be one of ${PAYLOAD_FORMATS.join(', ')}`, { field: 'payload' });
  }
  return raw as PayloadFormatName;
}

export function parseBatchOptions(raw: unknown): BatchOptions {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationFailedError('batch must be an object such as {"maxEvents": 100, "maxWaitMs": 1000}, or null', { field: 'batch' });
  const { maxEvents, maxWaitMs = DEFAULT_BATCH_WAIT_MS, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new ValidationFailedError(`batch.${unknown} is not a batch option (maxEvents, maxWaitMs)`, { field: `batch.${unknown}` });
  if (!wholeIn(maxEvents, BATCH_MIN_EVENTS, BATCH_MAX_EVENTS)) {
    throw new ValidationFailedError(`batch.maxEvents must be a whole number from ${BATCH_MIN_EVENTS} to ${BATCH_MAX_EVENTS}`, { field: 'batch.maxEvents' });
  }
  if (!wholeIn(maxWaitMs, 0, BATCH_MAX_WAIT_MS)) {
    throw new ValidationFailedError(`batch.maxWaitMs must be a whole number from 0 to ${BATCH_MAX_WAIT_MS}`, { field: 'batch.maxWaitMs' });
  }
  return { maxEvents, maxWaitMs };
}

/** `maxMs` is DELIVERY_TIMEOUT_MS: an endpoint can only shorten the platform's budget. */
export function parseTimeoutMs(raw: unknown, maxMs: number): number {
  if (!wholeIn(raw, MIN_TIMEOUT_MS, maxMs)) {
    throw new ValidationFailedError(`timeoutMs must be a whole number from ${MIN_TIMEOUT_MS} to ${maxMs} (DELIVERY_TIMEOUT_MS)`, { field: 'timeoutMs' });
  }
  return raw;
}
