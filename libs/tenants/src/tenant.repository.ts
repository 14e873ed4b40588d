import { Injectable } from '@nestjs/common';
import { PrismaService, type Tenant } from '#libs/database';
import { uuidv7 } from '#libs/common';
import type { GeneratedApiKey } from './api-key.js';

@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the tenant and its first API key together. */
  async createWithKey(name: string, key: GeneratedApiKey): Promise<Tenant> {
    const id = uuidv7();
    const [tenant] = await this.prisma.$transaction([
      this.prisma.tenant.create({ data: { id, name } }),
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
}
