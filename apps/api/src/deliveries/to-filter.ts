import { ValidationFailedError } from '#libs/common';
import type { DeliveryFilter } from '#libs/delivery';
import { cursorToId } from '../common/pagination.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

export function toDeliveryFilter(q: ListDeliveriesQuery): DeliveryFilter {
  const since = q.since ? new Date(q.since) : undefined;
  const until = q.until ? new Date(q.until) : undefined;
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
