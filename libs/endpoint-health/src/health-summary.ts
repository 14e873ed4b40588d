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

/** Attempts folded per endpoint as they are recorded, in the order they were recorded: memory grows
 * with the endpoints seen, not with the attempts, and no attempt is kept (so none outlives its
 * delivery in the worker's heap). A success after failures resets the streak, failures after the
 * last success start a new one; attempts that will be retried move only `lastFailureAt` and the
 * last error, since the streak counts deliveries, not attempts. */
export class HealthFold {
  private readonly byEndpoint = new Map<string, EndpointHealthSummary>();
  /** Attempts folded in. */
  attempts = 0;

  add(a: HealthAttempt): void {
    this.attempts++;
    let s = this.byEndpoint.get(a.endpointId);
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
      this.byEndpoint.set(a.endpointId, s);
    }
    const at = new Date(a.startedAt.getTime() + a.durationMs);
    if (a.deliveryStatus === 'succeeded') {
      s.lastSuccessAt = later(s.lastSuccessAt, at);
      s.reset = true;
      s.streakFailures = 0;
      s.streakSince = null;
      return;
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

  /** Folds in `newer`, whose attempts were all recorded after this fold's: the result is what
   * folding this fold's attempts and then `newer`'s would give (a failed flush is kept this way,
   * ahead of what arrived meanwhile). */
  append(newer: HealthFold): this {
    this.attempts += newer.attempts;
    for (const [id, n] of newer.byEndpoint) {
      const s = this.byEndpoint.get(id);
      if (!s) {
        this.byEndpoint.set(id, n);
        continue;
      }
      s.lastSuccessAt = s.lastSuccessAt === null ? n.lastSuccessAt : n.lastSuccessAt === null ? s.lastSuccessAt : later(s.lastSuccessAt, n.lastSuccessAt);
      // The newer attempts' latest failure wins when it is at least as late, as it would one by one.
      if (n.lastFailureAt !== null && (s.lastFailureAt === null || n.lastFailureAt >= s.lastFailureAt)) {
        s.lastError = n.lastError;
        s.lastResponseStatus = n.lastResponseStatus;
        s.lastErrorKind = n.lastErrorKind;
        s.lastFailureAt = n.lastFailureAt;
      }
      if (n.reset) {
        s.streakFailures = n.streakFailures;
        s.streakSince = n.streakSince;
      } else {
        s.streakFailures += n.streakFailures;
        s.streakSince ??= n.streakSince;
      }
      s.reset ||= n.reset;
      s.failedDeliveries += n.failedDeliveries;
      s.failedDeliveryIds = [...s.failedDeliveryIds, ...n.failedDeliveryIds].slice(0, MAX_ALERT_DELIVERY_IDS);
    }
    return this;
  }

  summaries(): EndpointHealthSummary[] {
    return [...this.byEndpoint.values()];
  }
}

/** The attempts folded (see HealthFold), one summary per endpoint. */
export function summarise(attempts: readonly HealthAttempt[]): EndpointHealthSummary[] {
  const fold = new HealthFold();
  for (const a of attempts) fold.add(a);
  return fold.summaries();
}

function later(a: Date | null, b: Date): Date {
  return a === null || b > a ? b : a;
}
