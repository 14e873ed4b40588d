import { Injectable } from '@nestjs/common';
import { PrismaService, type Tenant } from '#libs/database';
import { uuidv7 } from '#libs/common';
import type { GeneratedApiKey } from './api-key.js';

@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the tenant and its first API key together. */
  async createWithKey(name: string, key: GeneratedApiKey, alertEmails: string[] = []): Promise<Tenant> {
    const id = uuidv7();
    const [tenant] = await this.prisma.$transaction([
      this.prisma.tenant.create({ data: { id, name, alertEmails } }),
      this.prisma.apiKey.create({ data: { id: uuidv7(), tenantId: id, name: 'default', prefix: key.prefix, keyHash: key.hash } }),
    ]);
    return tenant;
  }

  /** Admin only: every tenant, newest first. */
  async listAll(limit: number, beforeId?: string): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({
      where: beforeId ? { id: { lt: beforeId } } : undefined,
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  /** The tenant's own settings. */
  async findSettings(tenantId: string): Promise<{ alertEmails: string[] } | null> {
    return this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { alertEmails: true } });
  }

  async updateSettings(tenantId: string, changes: { alertEmails: string[] }): Promise<{ alertEmails: string[] } | null> {
    const { count } = await this.prisma.tenant.updateMany({ where: { id: tenantId }, data: { alertEmails: changes.alertEmails } });
    return count === 0 ? null : this.findSettings(tenantId);
  }

  /** Admin only: changes any tenant; null when there is no such tenant. */
  async updateAcrossTenants(id: string, changes: { name?: string; alertEmails?: string[] }): Promise<Tenant | null> {
    const { count } = await this.prisma.tenant.updateMany({ where: { id }, data: changes });
    return count === 0 ? null : this.prisma.tenant.findUnique({ where: { id } });
  }
}
