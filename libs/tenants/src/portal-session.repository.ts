import { Injectable } from '@nestjs/common';
import { uuidv7 } from '#libs/common';
import { PrismaService, type PortalSession } from '#libs/database';
import type { GeneratedApiKey } from './api-key.js';

interface SessionRow {
  id: string;
  tenant_id: string;
  prefix: string;
  token_hash: string;
  read_only: boolean;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

function toSession(r: SessionRow): PortalSession {
  return { id: r.id, tenantId: r.tenant_id, prefix: r.prefix, tokenHash: r.token_hash, readOnly: r.read_only, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at };
}

const COLUMNS = 'id, tenant_id, prefix, token_hash, read_only, created_at, expires_at, revoked_at';

/** Expired (or revoked, which expire within a day anyway) sessions stay listed this long after they expire. */
export const PORTAL_SESSION_KEEP_DAYS = 30;
/** The most old sessions one new link removes. */
export const PORTAL_SESSION_PURGE_BATCH = 10;

/** Portal links. Made and revoked by the admin for one tenant; a token finds its own tenant. */
@Injectable()
export class PortalSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new session for the tenant, or null if there is no such tenant. Its expiry is computed by
   * Postgres, so a clock skew between API instances does not shift it. The same statement removes
   * up to PORTAL_SESSION_PURGE_BATCH of the tenant's sessions that expired more than
   * PORTAL_SESSION_KEEP_DAYS ago: a tenant that gets a link per console visit does not grow the table
   * for ever, and each new link removes more old ones than it adds. */
  async create(tenantId: string, token: GeneratedApiKey, expiresInSeconds: number, readOnly: boolean): Promise<PortalSession | null> {
    const rows = await this.prisma.rows<SessionRow>(
      `WITH old AS (
         DELETE FROM portal_sessions WHERE id IN (
           SELECT id FROM portal_sessions WHERE tenant_id = $2::uuid AND expires_at < now() - make_interval(days => $7::int)
           ORDER BY expires_at LIMIT $8::int FOR UPDATE SKIP LOCKED)
       )
       INSERT INTO portal_sessions (id, tenant_id, prefix, token_hash, read_only, expires_at)
       SELECT $1::uuid, t.id, $3, $4, $5, now() + make_interval(secs => $6::int) FROM tenants t WHERE t.id = $2::uuid
       RETURNING ${COLUMNS}`,
      [uuidv7(), tenantId, token.prefix, token.hash, readOnly, expiresInSeconds, PORTAL_SESSION_KEEP_DAYS, PORTAL_SESSION_PURGE_BATCH],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  /** The authentication lookup, on a cache miss: the unrevoked session with this token hash,
   * expired or not (the caller says which), and the database's clock. */
  async findLiveByHash(hash: string): Promise<{ session: PortalSession; now: Date } | null> {
    const rows = await this.prisma.rows<SessionRow & { now: Date }>(`SELECT ${COLUMNS}, now() AS now FROM portal_sessions WHERE token_hash = $1 AND revoked_at IS NULL`, [hash]);
    return rows[0] ? { session: toSession(rows[0]), now: rows[0].now } : null;
  }

  list(tenantId: string, limit: number, beforeId?: string): Promise<PortalSession[]> {
    return this.prisma.portalSession.findMany({ where: { tenantId, ...(beforeId ? { id: { lt: beforeId } } : {}) }, orderBy: { id: 'desc' }, take: limit });
  }

  /** Revokes a live session (any tenant's: the admin names it by id); its token hash, or null if
   * there is no such unrevoked session. */
  async revoke(id: string): Promise<string | null> {
    const rows = await this.prisma.rows<{ token_hash: string }>('UPDATE portal_sessions SET revoked_at = now() WHERE id = $1::uuid AND revoked_at IS NULL RETURNING token_hash', [id]);
    return rows[0]?.token_hash ?? null;
  }
}
