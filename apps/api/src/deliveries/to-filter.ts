import type { DeliveryFilter } from '#libs/delivery';
import { cursorToId, toTimeRange } from '../common/pagination.js';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query.js';

export function toDeliveryFilter(q: ListDeliveriesQuery): DeliveryFilter {
  return {
    endpointId: q.endpointId?.toLowerCase(),
    eventId: q.eventId?.toLowerCase(),
    eventType: q.eventType,
    status: q.status,
    ...toTimeRange(q),
    limit: q.limit ?? 50,
    beforeId: cursorToId(q.cursor),
  };
}
