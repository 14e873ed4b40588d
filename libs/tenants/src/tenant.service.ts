import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { generateApiKey, hashApiKey } from './api-key.js';

export interface CreatedTenant {
  id: string;
  name: string;
  apiKey: string;
  createdAt: Date;
}

@Injectable()
export class TenantService {
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
    return this.apiKeys.findTenantIdByHash(hashApiKey(key));
  }
}
