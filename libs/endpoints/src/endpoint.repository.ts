import { Injectable } from '@nestjs/common';
import { PrismaService, type Endpoint, type EndpointStatus } from '#libs/database';

export interface NewEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  secret: string;
}

export interface EndpointChanges {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  status?: EndpointStatus;
}

/** Endpoints of one tenant. Every method takes the tenant; deleted endpoints are invisible. */
@Injectable()
export class EndpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(tenantId: string, e: NewEndpoint): Promise<Endpoint> {
    return this.prisma.endpoint.create({ data: { ...e, tenantId } });
  }

  findById(tenantId: string, id: string): Promise<Endpoint | null> {
    return this.prisma.endpoint.findFirst({ where: { id, tenantId, deletedAt: null } });
  }

  list(tenantId: string, limit: number, beforeId?: string): Promise<Endpoint[]> {
    return this.prisma.endpoint.findMany({
      where: { tenantId, deletedAt: null, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  async update(tenantId: string, id: string, changes: EndpointChanges): Promise<Endpoint | null> {
    const { count } = await this.prisma.endpoint.updateMany({ where: { id, tenantId, deletedAt: null }, data: changes });
    return count === 0 ? null : this.findById(tenantId, id);
  }

  /** Soft delete: the delivery log keeps referring to the endpoint. */
  async softDelete(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.endpoint.updateMany({
      where: { id, tenantId, deletedAt: null },
      data: { deletedAt: new Date(), status: 'disabled' },
    });
    return count > 0;
  }
}
