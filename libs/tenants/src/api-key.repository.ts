import { Injectable } from '@nestjs/common';
import { uuidv7 } from '#libs/common';
import { PrismaService, type ApiKey } from '#libs/database';
import type { GeneratedApiKey } from './api-key.js';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The authentication lookup: from a key's hash to its tenant. Revoked keys do not match. */
  async findByHash(hash: string): Promise<{ tenantId: string; keyHash: string } | null> {
    const row = await this.prisma.apiKey.findUnique({ where: { keyHash: hash }, select: { tenantId: true, keyHash: true, revokedAt: true } });
    return row && !row.revokedAt ? row : null;
  }

  create(tenantId: string, name: string | null, key: GeneratedApiKey): Promise<ApiKey> {
    return this.prisma.apiKey.create({ data: { id: uuidv7(), tenantId, name, prefix: key.prefix, keyHash: key.hash } });
  }

  list(tenantId: string, limit: number, beforeId?: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({
      where: { tenantId, ...(beforeId ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }

  /** Revokes a live key; false if this tenant has no such live key. */
  async revoke(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.apiKey.updateMany({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
    return count > 0;
  }
}
