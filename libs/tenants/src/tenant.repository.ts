import { Injectable } from '@nestjs/common';
import { PrismaService, type Tenant } from '#libs/database';
import { uuidv7 } from '#libs/common';
import type { GeneratedApiKey } from './api-key.js';
import type { TenantRef } from './scopes.js';

interface TenantRow {
  id: string;
  name: string;
  external_id: string | null;
  alert_emails: string[];
  created_at: Date;
}

const TENANT_COLUMNS = 'id, name, external_id, alert_emails, created_at';

function toTenant(r: TenantRow): Tenant {
  return { id: r.id, name: r.name, externalId: r.external_id, alertEmails: r.alert_emails, createdAt: r.created_at };
}

/** What deleting a tenant left for the caller to clean up outside Postgres. */
export interface DeletedTenant {
  /** Hashes of its API keys and live portal tokens, to drop from every instance's lookup cache. */
  keyHashes: string[];
  /** Its deliveries that were still pending, whose queued jobs can go. */
  pendingDeliveries: Array<{ id: string; series: number }>;
  /** Its events still waiting for a fan-out job. */
  pendingFanOutEventIds: string[];
  /** Its batches still pending, whose queued jobs can go. */
  pendingBatchIds: string[];
  /** The job groups of its deliveries still waiting for their first attempt (one job each). */
  pendingGroupIds: string[];
}

@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the tenant and its first API key together (one statement). A taken externalId is a
   * unique violation. */
  async createWithKey(name: string, key: GeneratedApiKey, alertEmails: string[] = [], externalId: string | null = null): Promise<Tenant> {
    const rows = await this.prisma.rows<TenantRow>(
      `WITH t AS (
         INSERT INTO tenants (id, name, alert_emails, external_id) VALUES ($1, $2, $3, $4) RETURNING ${TENANT_COLUMNS}
       ),
       k AS (
         INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash) SELECT $5, t.id, 'default', $6, $7 FROM t
       )
       SELECT * FROM t`,
      [uuidv7(), name, alertEmails, externalId, uuidv7(), key.prefix, key.hash],
    );
    return toTenant(rows[0]!);
  }

  /** Inserts a tenant under this external id unless one exists; null when it exists. Concurrent
   * calls wait on the unique index: exactly one inserts. */
  async insertIfAbsent(externalId: string, name: string): Promise<Tenant | null> {
    const rows = await this.prisma.rows<TenantRow>(
      `INSERT INTO tenants (id, name, external_id) VALUES ($1, $2, $3) ON CONFLICT (external_id) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
      [uuidv7(), name, externalId],
    );
    return rows[0] ? toTenant(rows[0]) : null;
  }

  /** Admin only: any tenant, by id. */
  async findAcrossTenants(id: string): Promise<Tenant | null> {
    const rows = await this.prisma.rows<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1::uuid`, [id]);
    return rows[0] ? toTenant(rows[0]) : null;
  }

  async findByExternalId(externalId: string): Promise<Tenant | null> {
    const rows = await this.prisma.rows<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE external_id = $1`, [externalId]);
    return rows[0] ? toTenant(rows[0]) : null;
  }

  /** The id of the tenant a Hookrelay-Tenant header names, if it exists. Runs for every request made
   * with the header: one index lookup, no cache, so a deleted tenant is refused at once. */
  async idOf(ref: TenantRef): Promise<string | null> {
    const rows =
      'id' in ref
        ? await this.prisma.rows<{ id: string }>('SELECT id FROM tenants WHERE id = $1::uuid', [ref.id])
        : await this.prisma.rows<{ id: string }>('SELECT id FROM tenants WHERE external_id = $1', [ref.externalId]);
    return rows[0]?.id ?? null;
  }

  /** Admin only: every tenant (or the one with this external id), newest first. */
  async listAll(limit: number, beforeId?: string, externalId?: string): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({
      where: { ...(beforeId ? { id: { lt: beforeId } } : {}), ...(externalId !== undefined ? { externalId } : {}) },
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

  /** Admin only: changes any tenant; null when there is no such tenant. A taken externalId is a
   * unique violation. */
  async updateAcrossTenants(id: string, changes: { name?: string; alertEmails?: string[]; externalId?: string | null }): Promise<Tenant | null> {
    const { count } = await this.prisma.tenant.updateMany({ where: { id }, data: changes });
    return count === 0 ? null : this.prisma.tenant.findUnique({ where: { id } });
  }

  /** Admin only: deletes a tenant and, by ON DELETE CASCADE, everything it owns (keys, endpoints and
   * their secrets, events, deliveries, batches, attempts, alert outbox rows) in one statement. Returns what
   * the caller must still clean up in Redis and caches, or null when there is no such tenant. */
  async deleteAcrossTenants(id: string): Promise<DeletedTenant | null> {
    // The CTEs' SELECTs see the rows as they were when the statement began, before the cascade.
    const rows = await this.prisma.rows<{ kind: 't' | 'k' | 'd' | 'g' | 'f' | 'b'; v: string }>(
      `WITH gone AS (DELETE FROM tenants WHERE id = $1::uuid RETURNING id)
       SELECT 't' AS kind, id::text AS v FROM gone
       UNION ALL SELECT 'k', key_hash FROM api_keys WHERE tenant_id = $1::uuid AND EXISTS (SELECT 1 FROM gone)
       UNION ALL SELECT 'k', token_hash FROM portal_sessions WHERE tenant_id = $1::uuid AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM gone)
       UNION ALL SELECT 'd', id::text || ' ' || series FROM deliveries WHERE tenant_id = $1::uuid AND status = 'pending' AND EXISTS (SELECT 1 FROM gone)
       UNION ALL SELECT DISTINCT 'g', job_group::text FROM deliveries WHERE tenant_id = $1::uuid AND status = 'pending' AND series = 0 AND job_group IS NOT NULL AND EXISTS (SELECT 1 FROM gone)
       UNION ALL SELECT 'f', id::text FROM events WHERE tenant_id = $1::uuid AND fanned_out_at IS NULL AND EXISTS (SELECT 1 FROM gone)
       UNION ALL SELECT 'b', id::text FROM delivery_batches WHERE tenant_id = $1::uuid AND status = 'pending' AND EXISTS (SELECT 1 FROM gone)`,
      [id],
    );
    if (!rows.some((r) => r.kind === 't')) return null;
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.v);
    const pendingDeliveries = of('d').map((v) => {
      const [deliveryId, series] = v.split(' ');
      return { id: deliveryId!, series: Number(series) };
    });
    return { keyHashes: of('k'), pendingDeliveries, pendingFanOutEventIds: of('f'), pendingBatchIds: of('b'), pendingGroupIds: of('g') };
  }
}
