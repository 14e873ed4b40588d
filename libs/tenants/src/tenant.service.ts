import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ConflictError, LOGGER, NotFoundError, type Logger } from '#libs/common';
import { isUniqueViolation, type ApiKey, type Tenant } from '#libs/database';
import { JobProducer, KeyRevocationChannel } from '#libs/queue';
import { ApiKeyRepository } from './api-key.repository.js';
import { TenantRepository } from './tenant.repository.js';
import { generateApiKey, hashApiKey, TENANT_KEY_PREFIX } from './api-key.js';
import { ApiKeyCache } from './api-key-cache.js';
import type { TenantRef } from './scopes.js';

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

/** A tenant as the admin routes show it. */
export interface TenantView {
  id: string;
  name: string;
  externalId: string | null;
  alertEmails: string[];
  createdAt: Date;
}

export function toTenantView(t: Tenant): TenantView {
  return { id: t.id, name: t.name, externalId: t.externalId, alertEmails: t.alertEmails, createdAt: t.createdAt };
}

export interface CreatedTenant extends TenantView {
  apiKey: string;
}

const EXTERNAL_ID_TAKEN = 'externalId is already used by another tenant';

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
    private readonly producer: JobProducer,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    revocations.onRevoked((hash) => this.keyCache.delete(hash));
  }

  async create(name: string, alertEmails: readonly string[] = [], externalId: string | null = null): Promise<CreatedTenant> {
    const key = generateApiKey();
    let tenant: Tenant;
    try {
      tenant = await this.tenants.createWithKey(name, key, normaliseAlertEmails(alertEmails), externalId);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(EXTERNAL_ID_TAKEN, { field: 'externalId' });
      throw err;
    }
    return { ...toTenantView(tenant), apiKey: key.key };
  }

  /** The tenant with this external id, created (without an API key: services reach it with the
   * Hookrelay-Tenant header) if there is none. Concurrent calls make one tenant. */
  async getOrCreateByExternalId(externalId: string, name: string): Promise<{ tenant: TenantView; created: boolean }> {
    // Two tries: the tenant found taken by the INSERT could be deleted before the SELECT reads it.
    for (let i = 0; i < 2; i++) {
      const inserted = await this.tenants.insertIfAbsent(externalId, name);
      if (inserted) return { tenant: toTenantView(inserted), created: true };
      const existing = await this.tenants.findByExternalId(externalId);
      if (existing) return { tenant: toTenantView(existing), created: false };
    }
    throw new ConflictError('the tenant with this externalId was being deleted; retry');
  }

  async getTenant(id: string): Promise<TenantView> {
    const t = await this.tenants.findAcrossTenants(id);
    if (!t) throw new NotFoundError('tenant');
    return toTenantView(t);
  }

  /** Admin: renames a tenant, sets its alert emails or its external id (null removes it). */
  async updateTenant(id: string, changes: { name?: string; alertEmails?: readonly string[]; externalId?: string | null }): Promise<TenantView> {
    let t: Tenant | null;
    try {
      t = await this.tenants.updateAcrossTenants(id, {
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.alertEmails !== undefined ? { alertEmails: normaliseAlertEmails(changes.alertEmails) } : {}),
        ...(changes.externalId !== undefined ? { externalId: changes.externalId } : {}),
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(EXTERNAL_ID_TAKEN, { field: 'externalId' });
      throw err;
    }
    if (!t) throw new NotFoundError('tenant');
    return toTenantView(t);
  }

  /** Admin: deletes the tenant and everything it owns. Its keys are refused at once on every
   * instance; its pending deliveries stop: their queued jobs are removed (best effort) and any job
   * still left finds no row and ends without an attempt. */
  async deleteTenant(id: string): Promise<void> {
    const gone = await this.tenants.deleteAcrossTenants(id);
    if (!gone) throw new NotFoundError('tenant');
    for (const hash of gone.keyHashes) {
      this.keyCache.delete(hash);
      await this.revocations.publish(hash);
    }
    try {
      const removed = await this.producer.removeJobsOf(gone.pendingDeliveries, gone.pendingFanOutEventIds, gone.pendingBatchIds, gone.pendingGroupIds);
      this.logger.info({ tenantId: id, pendingDeliveries: gone.pendingDeliveries.length, jobsRemoved: removed }, 'tenant deleted');
    } catch (err) {
      // Redis down: the jobs stay and end on their own when they find no row.
      this.logger.warn({ tenantId: id, reason: (err as Error).message }, 'tenant deleted; its queued jobs were not removed');
    }
  }

  /** The id of the tenant a Hookrelay-Tenant header names, or null if there is none. */
  resolveTenant(ref: TenantRef): Promise<string | null> {
    return this.tenants.idOf(ref);
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

  async listAll(limit: number, beforeId?: string, externalId?: string): Promise<TenantView[]> {
    return (await this.tenants.listAll(limit, beforeId, externalId)).map(toTenantView);
  }

  /** The tenant a bearer key belongs to, or null. The lookup is by SHA-256 of the key, so its
   * timing says nothing about the key; the final comparison is constant-time all the same. */
  async authenticate(key: string): Promise<string | null> {
    if (!key.startsWith(TENANT_KEY_PREFIX) || key.length > 200) return null;
    const hash = hashApiKey(key);
    return this.keyCache.lookup(hash, async () => {
      const row = await this.apiKeys.findByHash(hash);
      if (!row || row.keyHash.length !== hash.length) return null;
      if (!timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) return null;
      return row.tenantId;
    });
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
