import { ValidationFailedError } from '#libs/common';
import type { DeliveryFilter } from '#libs/delivery';
import { cursorToId } from '../common/pagination.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

export function toDeliveryFilter(q: ListDeliveriesQuery): DeliveryFilter {
  const since = toDate('since', q.since);
  const until = toDate('until', q.until);
  if (since && until && since >= until) throw new ValidationFailedError('since must be before until');
  return {
    endpointId: q.endpointId?.toLowerCase(),
    eventId: q.eventId?.toLowerCase(),
    eventType: q.eventType,
    status: q.status,
    since,
    until,
    limit: q.limit ?? 50,
    beforeId: cursorToId(q.cursor),
  };
}

/** IsISO8601 also passes forms Date cannot read (week dates 2026-W01, basic 20260101T000000Z):
 * those are a 400 here rather than an Invalid Date that fails the query with a 500. */
function toDate(field: string, value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new ValidationFailedError(`${field} must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z`);
  return date;
}
