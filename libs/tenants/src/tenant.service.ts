import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { ApiKeyCache } from './api-key-cache.js';

/** How long a successful key lookup is reused: a revoked key is refused at most this long after. */
export const API_KEY_CACHE_TTL_MS = 1_000;

export interface CreatedTenant {
  id: string;
  name: string;
  apiKey: string;
  createdAt: Date;
}

@Injectable()
export class TenantService {
  private readonly keyCache = new ApiKeyCache(API_KEY_CACHE_TTL_MS, 10_000);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async create(name: string): Promise<CreatedTenant> {
    const key = generateApiKey();
    const tenant = await this.tenants.createWithKey(name, key);
    return { id: tenant.id, name: tenant.name, apiKey: key.key, createdAt: tenant.createdAt };
  }

  async listAll(limit: number, beforeId?: string) {
    return this.tenants.listAll(limit, beforeId);
  }

  /** The tenant a bearer key belongs to, or null. */
  async authenticate(key: string): Promise<string | null> {
    if (!key.startsWith('whk_') || key.length > 200) return null;
    const hash = hashApiKey(key);
    const cached = this.keyCache.get(hash);
    if (cached) return cached;
    const tenantId = await this.apiKeys.findTenantIdByHash(hash);
    if (tenantId) this.keyCache.set(hash, tenantId);
    return tenantId;
  }
}
