import { Injectable } from '@nestjs/common';
import { uuidv7 } from '#libs/common';
import { PrismaService, type ApiKey } from '#libs/database';
import type { GeneratedApiKey } from './api-key.js';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The authentication lookup: from a key's hash to its tenant. Revoked keys do not match. */
  async findByHash(hash: string): Promise<{ tenantId: string; keyHash: string } | null> {
    // On the pool, not Prisma: this runs for every API request (see PrismaService.rows).
    const rows = await this.prisma.rows<{ tenant_id: string; key_hash: string }>(
      'SELECT tenant_id, key_hash FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    return rows[0] ? { tenantId: rows[0].tenant_id, keyHash: rows[0].key_hash } : null;
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
  /** Revokes a live key; its hash (to drop it from lookup caches), or null if this tenant has no such live key. */
  async revoke(tenantId: string, id: string): Promise<string | null> {
    const rows = await this.prisma.rows<{ key_hash: string }>(
      'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND tenant_id = $2 AND revoked_at IS NULL RETURNING key_hash',
      [id, tenantId],
    );
    return rows[0]?.key_hash ?? null;
  }
}
