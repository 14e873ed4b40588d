import type { AttemptRecordedEvent } from '#libs/domain-events';

/** What the health flush needs of one recorded attempt. */
export type HealthAttempt = Pick<AttemptRecordedEvent, 'tenantId' | 'endpointId' | 'deliveryId' | 'startedAt' | 'durationMs' | 'deliveryStatus' | 'responseStatus' | 'errorKind' | 'reason'>;

/** Failed delivery ids an alert lists (the count says how many there were in all). */
export const MAX_ALERT_DELIVERY_IDS = 5;

/** One endpoint's attempts of one buffer, folded in the order they were recorded, for the flush
 * statement to apply to the stored health in one step (see EndpointHealthRepository.apply). */
export interface EndpointHealthSummary {
  tenantId: string;
  endpointId: string;
  lastSuccessAt: Date | null;
  /** The last failed attempt, retried or final. */
  lastFailureAt: Date | null;
  /** A delivery succeeded in this buffer: the stored streak is over, only `streakFailures` remain. */
  reset: boolean;
  /** Deliveries that ended failed after the last success of the buffer (all of them if none). */
  streakFailures: number;
  /** When the first of those failed. */
  streakSince: Date | null;
  /** The last failed attempt's reason, response status and error kind. */
  lastError: string | null;
  lastResponseStatus: number | null;
  lastErrorKind: string | null;
  /** Every delivery that ended failed in this buffer, and the first few ids. */
  failedDeliveries: number;
  failedDeliveryIds: string[];
}

/** Folds attempts per endpoint. A success after failures resets the streak, failures after the
 * last success start a new one; attempts that will be retried move only `lastFailureAt` and the
 * last error, since the streak counts deliveries, not attempts. */
export function summarise(attempts: readonly HealthAttempt[]): EndpointHealthSummary[] {
  const byEndpoint = new Map<string, EndpointHealthSummary>();
  for (const a of attempts) {
    let s = byEndpoint.get(a.endpointId);
    if (!s) {
      s = {
        tenantId: a.tenantId,
        endpointId: a.endpointId,
        lastSuccessAt: null,
        lastFailureAt: null,
        reset: false,
        streakFailures: 0,
        streakSince: null,
        lastError: null,
        lastResponseStatus: null,
        lastErrorKind: null,
        failedDeliveries: 0,
        failedDeliveryIds: [],
      };
      byEndpoint.set(a.endpointId, s);
    }
    const at = new Date(a.startedAt.getTime() + a.durationMs);
    if (a.deliveryStatus === 'succeeded') {
      s.lastSuccessAt = later(s.lastSuccessAt, at);
      s.reset = true;
      s.streakFailures = 0;
      s.streakSince = null;
      continue;
    }
    if (s.lastFailureAt === null || at >= s.lastFailureAt) {
      s.lastError = a.reason;
      s.lastResponseStatus = a.responseStatus;
      s.lastErrorKind = a.errorKind;
    }
    s.lastFailureAt = later(s.lastFailureAt, at);
    if (a.deliveryStatus === 'failed') {
      s.streakFailures++;
      s.streakSince ??= at;
      s.failedDeliveries++;
      if (s.failedDeliveryIds.length < MAX_ALERT_DELIVERY_IDS) s.failedDeliveryIds.push(a.deliveryId);
    }
  }
  return [...byEndpoint.values()];
}

function later(a: Date | null, b: Date): Date {
  return a === null || b > a ? b : a;
}
