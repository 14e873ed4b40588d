import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { toPage, type Page } from '#libs/common';
import { deliveryWhere, toAttemptView, toDeliveryView, type AttemptView, type DeliveryFilter, type DeliveryView } from './delivery-log.js';

/** The delivery log as a tenant sees it: every query is scoped by tenant. */
@Injectable()
export class DeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(tenantId: string, filter: DeliveryFilter): Promise<Page<DeliveryView>> {
    const rows = await this.prisma.delivery.findMany({
      where: { tenantId, ...deliveryWhere(filter) },
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, toDeliveryView);
  }

  async get(tenantId: string, id: string): Promise<(DeliveryView & { attempts: AttemptView[] }) | null> {
    const d = await this.prisma.delivery.findFirst({ where: { id, tenantId }, include: { attempts: { orderBy: { attemptNumber: 'asc' } } } });
    return d ? { ...toDeliveryView(d), attempts: d.attempts.map(toAttemptView) } : null;
  }
}
