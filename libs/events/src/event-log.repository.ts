import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '#libs/common';
import { PrismaService, type DeliveryStatus } from '#libs/database';

export interface EventFilter {
  /** An exact event type. */
  type?: string;
  since?: Date;
  until?: Date;
  /** Page size, 1..100. */
  limit: number;
  /** Only events older than this id (the cursor). */
  beforeId?: string;
}

export interface EventView {
  id: string;
  type: string;
  idempotencyKey: string | null;
  createdAt: Date;
  /** Set when the event was expunged (POST /v1/events/:id/expunge): its data is gone. */
  expungedAt: Date | null;
}

export interface EventDeliveryView {
  id: string;
  endpointId: string;
  status: DeliveryStatus;
  attemptCount: number;
}

export interface EventWithDeliveriesView extends EventView {
  /** null once the event was expunged. */
  data: unknown;
  deliveries: EventDeliveryView[];
  /** More deliveries than listed (a large fan-out): GET /v1/deliveries?eventId= pages through all of them. */
  moreDeliveries: boolean;
}

/** One event's deliveries listed at most, oldest first. */
export const EVENT_DELIVERIES_LISTED = 1000;

/** The events a tenant dispatched (and the platform's hookrelay.* events for it), as the tenant reads
 * them: every query is scoped by tenant. Newest first, paged by id like the delivery log. */
@Injectable()
export class EventLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, f: EventFilter): Promise<Page<EventView>> {
    const rows = await this.prisma.event.findMany({
      where: {
        tenantId,
        ...(f.type ? { type: f.type } : {}),
        ...(f.since || f.until ? { createdAt: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } } : {}),
        ...(f.beforeId ? { id: { lt: f.beforeId } } : {}),
      },
      select: { id: true, type: true, idempotencyKey: true, createdAt: true, expungedAt: true },
      orderBy: { id: 'desc' },
      take: f.limit + 1,
    });
    return toPage(rows, f.limit, (r) => r);
  }

  async get(tenantId: string, id: string): Promise<EventWithDeliveriesView | null> {
    const e = await this.prisma.event.findFirst({
      where: { id, tenantId },
      select: {
        id: true,
        type: true,
        idempotencyKey: true,
        createdAt: true,
        expungedAt: true,
        data: true,
        deliveries: { where: { tenantId }, select: { id: true, endpointId: true, status: true, attemptCount: true }, orderBy: { id: 'asc' }, take: EVENT_DELIVERIES_LISTED + 1 },
      },
    });
    if (!e) return null;
    const { deliveries, ...event } = e;
    return { ...event, data: event.expungedAt ? null : event.data, deliveries: deliveries.slice(0, EVENT_DELIVERIES_LISTED), moreDeliveries: deliveries.length > EVENT_DELIVERIES_LISTED };
  }
}
