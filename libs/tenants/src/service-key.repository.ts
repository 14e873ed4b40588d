import { Injectable } from '@nestjs/common';
import { uuidv7 } from '#libs/common';
import { PrismaService, type ServiceKey } from '#libs/database';
import type { GeneratedApiKey } from './api-key.js';

/** Service keys are not tenant data: the admin manages them, and they reach tenants only through
 * the Hookrelay-Tenant header. */
@Injectable()
export class ServiceKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The authentication lookup, on a cache miss (about once a second per key and API instance while
   * in use), which is also what keeps `last_used_at` current. Revoked keys do not match. */
  async useByHash(hash: string): Promise<{ id: string; keyHash: string; scopes: string[] } | null> {
    const rows = await this.prisma.rows<{ id: string; key_hash: string; scopes: string[] }>(
      'UPDATE service_keys SET last_used_at = now() WHERE key_hash = $1 AND revoked_at IS NULL RETURNING id, key_hash, scopes',
      [hash],
    );
    return rows[0] ? { id: rows[0].id, keyHash: rows[0].key_hash, scopes: rows[0].scopes } : null;
  }

  create(name: string, scopes: string[], key: GeneratedApiKey): Promise<ServiceKey> {
    return this.prisma.serviceKey.create({ data: { id: uuidv7(), name, scopes, prefix: key.prefix, keyHash: key.hash } });
  }

  list(limit: number, beforeId?: string): Promise<ServiceKey[]> {
    return this.prisma.serviceKey.findMany({ where: beforeId ? { id: { lt: beforeId } } : undefined, orderBy: { id: 'desc' }, take: limit });
  }

  /** Revokes a live key; its hash (to drop it from lookup caches), or null if there is no such live key. */
  async revoke(id: string): Promise<string | null> {
    const rows = await this.prisma.rows<{ key_hash: string }>('UPDATE service_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING key_hash', [id]);
    return rows[0]?.key_hash ?? null;
  }
}
