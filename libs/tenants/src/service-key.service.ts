import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '#libs/common';
import type { ServiceKey } from '#libs/database';
import { KeyRevocationChannel } from '#libs/queue';
import { generateApiKey, hashApiKey, SERVICE_KEY_PREFIX } from './api-key.js';
import { ApiKeyCache } from './api-key-cache.js';
import { isScope, parseScopes, type Scope } from './scopes.js';
import { ServiceKeyRepository } from './service-key.repository.js';
import { API_KEY_CACHE_TTL_MS } from './tenant.service.js';

/** What the admin sees of a service key: never the key or its hash. */
export interface ServiceKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function toView(k: ServiceKey): ServiceKeyView {
  return { id: k.id, name: k.name, scopes: k.scopes.filter(isScope), prefix: k.prefix, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt };
}

export interface AuthenticatedServiceKey {
  keyId: string;
  scopes: Scope[];
}

/** Keys for internal services that act for many tenants: hashed, cached and revoked exactly as
 * tenant API keys are (the same cache, TTL and cross-instance revocation channel). */
@Injectable()
export class ServiceKeyService {
  private readonly cache = new ApiKeyCache<AuthenticatedServiceKey>(API_KEY_CACHE_TTL_MS, 1_000);

  constructor(
    private readonly keys: ServiceKeyRepository,
    private readonly revocations: KeyRevocationChannel,
  ) {
    revocations.onRevoked((hash) => this.cache.delete(hash));
  }

  /** The key is returned here and never again. An unknown scope is a 400 naming it and the allowed ones. */
  async create(name: string, scopes: readonly unknown[]): Promise<Omit<ServiceKeyView, 'lastUsedAt' | 'revokedAt'> & { key: string }> {
    const parsed = parseScopes(scopes);
    const key = generateApiKey(SERVICE_KEY_PREFIX);
    const k = await this.keys.create(name, parsed, key);
    return { id: k.id, name: k.name, scopes: parsed, prefix: k.prefix, key: key.key, createdAt: k.createdAt };
  }

  async list(limit: number, beforeId?: string): Promise<ServiceKeyView[]> {
    return (await this.keys.list(limit, beforeId)).map(toView);
  }

  /** Refused on the next request, on every API instance (see TenantService.revokeApiKey). */
  async revoke(id: string): Promise<void> {
    const hash = await this.keys.revoke(id);
    if (!hash) throw new NotFoundError('service key');
    this.cache.delete(hash);
    await this.revocations.publish(hash);
  }

  /** The live service key a bearer key is, or null. */
  async authenticate(key: string): Promise<AuthenticatedServiceKey | null> {
    if (!key.startsWith(SERVICE_KEY_PREFIX) || key.length > 200) return null;
    const hash = hashApiKey(key);
    return this.cache.lookup(hash, async () => {
      const row = await this.keys.useByHash(hash);
      if (!row || row.keyHash.length !== hash.length) return null;
      if (!timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) return null;
      // A scope this version does not know (a newer release wrote it) grants nothing.
      return { keyId: row.id, scopes: row.scopes.filter(isScope) };
    });
  }
}

