import { Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { toPage, type Page } from '#libs/common';
import { deliveryWhere, toAttemptView, toDeliveryView, type AttemptView, type DeliveryFilter, type DeliveryView } from './delivery-log.js';

export type AdminDeliveryView = DeliveryView & { tenantId: string };

/** Admin only: the delivery log across tenants. The one cross-tenant reader of deliveries. */
@Injectable()
export class AdminDeliveryLogRepository {
  constructor(private readonly prisma: PrismaService) {}

  async listAcrossTenants(filter: DeliveryFilter & { tenantId?: string }): Promise<Page<AdminDeliveryView>> {
    const rows = await this.prisma.delivery.findMany({
      where: { ...(filter.tenantId ? { tenantId: filter.tenantId } : {}), ...deliveryWhere(filter) },
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    return toPage(rows, filter.limit, (d) => ({ ...toDeliveryView(d), tenantId: d.tenantId }));
  }

  async getAcrossTenants(id: string): Promise<(AdminDeliveryView & { attempts: AttemptView[] }) | null> {
    const d = await this.prisma.delivery.findUnique({ where: { id }, include: { attempts: { orderBy: { attemptNumber: 'asc' } } } });
    return d ? { ...toDeliveryView(d), tenantId: d.tenantId, attempts: d.attempts.map(toAttemptView) } : null;
  }
}
