import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { NotFoundError } from '#libs/common';
import type { ApiKey } from '#libs/database';
import { ApiKeyRepository } from './api-key.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { generateApiKey, hashApiKey } from './api-key.js';
import { ApiKeyCache } from './api-key-cache.js';
import { KeyRevocationChannel } from '#libs/queue';

/** How long a successful key lookup is reused: a revoked key is refused at most this long after. */
export const API_KEY_CACHE_TTL_MS = 1_000;

/** What a tenant may see of its keys: never the key or its hash, only the visible prefix. */
export interface ApiKeyView {
  id: string;
  name: string | null;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function toApiKeyView(k: ApiKey): ApiKeyView {
  return { id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt };
}

export interface CreatedTenant {
  id: string;
  name: string;
  alertEmails: string[];
  apiKey: string;
  createdAt: Date;
}

export interface TenantSettings {
  /** Where failing, disabled and recovered alerts are emailed (when SMTP_URL is set). */
  alertEmails: string[];
}

/** Alert addresses as stored: trimmed, each address once (compared without case). */
export function normaliseAlertEmails(emails: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of emails.map((x) => x.trim())) {
    if (seen.has(e.toLowerCase())) continue;
    seen.add(e.toLowerCase());
    out.push(e);
  }
  return out;
}

@Injectable()
export class TenantService {
  private readonly keyCache = new ApiKeyCache(API_KEY_CACHE_TTL_MS, 10_000);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly revocations: KeyRevocationChannel,
  ) {
    revocations.onRevoked((hash) => this.keyCache.delete(hash));
  }

  async create(name: string, alertEmails: readonly string[] = []): Promise<CreatedTenant> {
    const key = generateApiKey();
    const tenant = await this.tenants.createWithKey(name, key, normaliseAlertEmails(alertEmails));
    return { id: tenant.id, name: tenant.name, alertEmails: tenant.alertEmails, apiKey: key.key, createdAt: tenant.createdAt };
  }

  /** Admin: renames a tenant or sets its alert emails. */
  async updateTenant(id: string, changes: { name?: string; alertEmails?: readonly string[] }): Promise<{ id: string; name: string; alertEmails: string[]; createdAt: Date }> {
    const t = await this.tenants.updateAcrossTenants(id, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.alertEmails !== undefined ? { alertEmails: normaliseAlertEmails(changes.alertEmails) } : {}),
    });
    if (!t) throw new NotFoundError('tenant');
    return { id: t.id, name: t.name, alertEmails: t.alertEmails, createdAt: t.createdAt };
  }

  async getSettings(tenantId: string): Promise<TenantSettings> {
    const s = await this.tenants.findSettings(tenantId);
    if (!s) throw new NotFoundError('tenant');
    return s;
  }

  async updateSettings(tenantId: string, changes: { alertEmails?: readonly string[] }): Promise<TenantSettings> {
    if (changes.alertEmails === undefined) return this.getSettings(tenantId);
    const s = await this.tenants.updateSettings(tenantId, { alertEmails: normaliseAlertEmails(changes.alertEmails) });
    if (!s) throw new NotFoundError('tenant');
    return s;
  }

  async listAll(limit: number, beforeId?: string) {
    return this.tenants.listAll(limit, beforeId);
  }

  /** The tenant a bearer key belongs to, or null. The lookup is by SHA-256 of the key, so its
   * timing says nothing about the key; the final comparison is constant-time all the same. */
  async authenticate(key: string): Promise<string | null> {
    if (!key.startsWith('whk_') || key.length > 200) return null;
    const hash = hashApiKey(key);
    const cached = this.keyCache.get(hash);
    if (cached) return cached;
    const row = await this.apiKeys.findByHash(hash);
    if (!row || row.keyHash.length !== hash.length) return null;
    if (!timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) return null;
    this.keyCache.set(hash, row.tenantId);
    return row.tenantId;
  }

  /** A new API key for the tenant; the key is returned here and never again. */
  async createApiKey(tenantId: string, name: string | null): Promise<ApiKeyView & { key: string }> {
    const key = generateApiKey();
    return { ...toApiKeyView(await this.apiKeys.create(tenantId, name, key)), key: key.key };
  }

  async listApiKeys(tenantId: string, limit: number, beforeId?: string): Promise<ApiKeyView[]> {
    return (await this.apiKeys.list(tenantId, limit, beforeId)).map(toApiKeyView);
  }

  /** Takes effect on the next request, on every API instance: the key leaves this instance's
   * lookup cache now and the others' as soon as they hear of it (the cache TTL bounds a missed message). */
  async revokeApiKey(tenantId: string, id: string): Promise<void> {
    const hash = await this.apiKeys.revoke(tenantId, id);
    if (!hash) throw new NotFoundError('api key');
    this.keyCache.delete(hash);
    await this.revocations.publish(hash);
  }
}
