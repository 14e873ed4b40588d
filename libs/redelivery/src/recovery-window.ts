import { ValidationFailedError } from '#libs/common';

/** How far back a recovery may start. */
export const RECOVERY_MAX_AGE_DAYS = 14;
const MAX_AGE_MS = RECOVERY_MAX_AGE_DAYS * 24 * 3600 * 1000;

export interface RecoveryWindow {
  since: Date;
  until: Date;
}

/** Checks a recovery's [since, until) at `now`: since at most 14 days back and not in the future,
 * until after since. A missing or future until is now: events not yet accepted are delivered the
 * usual way. Throws a 400 that says which bound is wrong. */
export function checkRecoveryWindow(since: Date, until: Date | undefined, now: number): RecoveryWindow {
  const earliest = now - MAX_AGE_MS;
  if (since.getTime() < earliest) {
    throw new ValidationFailedError(`since must be at most ${RECOVERY_MAX_AGE_DAYS} days ago (not before ${new Date(earliest).toISOString()})`, { field: 'since' });
  }
  if (since.getTime() > now) throw new ValidationFailedError('since must not be in the future', { field: 'since' });
  if (until !== undefined && until.getTime() <= since.getTime()) throw new ValidationFailedError('until must be after since', { field: 'until' });
  return { since, until: new Date(Math.min(until?.getTime() ?? now, now)) };
}
