import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { NotFoundError, UnauthorizedError, ValidationFailedError } from '#libs/common';
import type { PortalSession } from '#libs/database';
import { KeyRevocationChannel } from '#libs/queue';
import { generateApiKey, hashApiKey, PORTAL_TOKEN_PREFIX } from './api-key.js';
import { ApiKeyCache } from './api-key-cache.js';
import { PortalSessionRepository } from './portal-session.repository.js';
import { API_KEY_CACHE_TTL_MS } from './tenant.service.js';

export const PORTAL_SESSION_DEFAULT_SECONDS = 3600;
export const PORTAL_SESSION_MAX_SECONDS = 24 * 3600;
export const PORTAL_SESSION_MIN_SECONDS = 60;

/** What the admin sees of a portal session: never the token or its hash. */
export interface PortalSessionView {
  id: string;
  tenantId: string;
  prefix: string;
  readOnly: boolean;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export function toPortalSessionView(s: PortalSession): PortalSessionView {
  return { id: s.id, tenantId: s.tenantId, prefix: s.prefix, readOnly: s.readOnly, createdAt: s.createdAt, expiresAt: s.expiresAt, revokedAt: s.revokedAt };
}

export interface AuthenticatedPortalSession {
  sessionId: string;
  tenantId: string;
  readOnly: boolean;
  /** Epoch ms. */
  expiresAt: number;
}

/** How long a new session lasts: 1 hour unless asked, 60 s to 24 h. */
export function portalSessionSeconds(requested: number | undefined): number {
  if (requested === undefined) return PORTAL_SESSION_DEFAULT_SECONDS;
  if (!Number.isInteger(requested) || requested < PORTAL_SESSION_MIN_SECONDS || requested > PORTAL_SESSION_MAX_SECONDS) {
    throw new ValidationFailedError(`expiresInSeconds must be a whole number from ${PORTAL_SESSION_MIN_SECONDS} to ${PORTAL_SESSION_MAX_SECONDS} (24 hours)`, {
      field: 'expiresInSeconds',
      min: PORTAL_SESSION_MIN_SECONDS,
      max: PORTAL_SESSION_MAX_SECONDS,
    });
  }
  return requested;
}

/** Portal links: a bearer token (hrp_...) that acts for one tenant until it expires or is revoked.
 * Hashed, cached and revoked across instances exactly as API keys are. */
@Injectable()
export class PortalSessionService {
  private readonly cache = new ApiKeyCache<AuthenticatedPortalSession>(API_KEY_CACHE_TTL_MS, 10_000);

  constructor(
    private readonly sessions: PortalSessionRepository,
    private readonly revocations: KeyRevocationChannel,
  ) {
    revocations.onRevoked((hash) => this.cache.delete(hash));
  }

  /** The token is returned here and never again. */
  async create(tenantId: string, opts: { expiresInSeconds?: number; readOnly?: boolean }): Promise<PortalSessionView & { token: string }> {
    const seconds = portalSessionSeconds(opts.expiresInSeconds);
    const token = generateApiKey(PORTAL_TOKEN_PREFIX);
    const s = await this.sessions.create(tenantId, token, seconds, opts.readOnly ?? false);
    if (!s) throw new NotFoundError('tenant');
    return { ...toPortalSessionView(s), token: token.key };
  }

  async list(tenantId: string, limit: number, beforeId?: string): Promise<PortalSessionView[]> {
    return (await this.sessions.list(tenantId, limit, beforeId)).map(toPortalSessionView);
  }

  /** Refused on the next request, on every API instance (see TenantService.revokeApiKey). */
  async revoke(id: string): Promise<void> {
    const hash = await this.sessions.revoke(id);
    if (!hash) throw new NotFoundError('portal session');
    this.cache.delete(hash);
    await this.revocations.publish(hash);
  }

  /** The live session a bearer token opens; 401 saying why when it does not. */
  async authenticate(token: string): Promise<AuthenticatedPortalSession> {
    if (!token.startsWith(PORTAL_TOKEN_PREFIX) || token.length > 200) throw new UnauthorizedError('invalid portal token');
    const hash = hashApiKey(token);
    const cached = this.cache.get(hash);
    if (cached) {
      if (cached.expiresAt <= Date.now()) {
        this.cache.delete(hash);
        throw expired();
      }
      return cached;
    }
    const found = await this.sessions.findLiveByHash(hash);
    if (!found || found.session.tokenHash.length !== hash.length || !timingSafeEqual(Buffer.from(found.session.tokenHash), Buffer.from(hash))) {
      throw new UnauthorizedError('invalid portal token (revoked, or never issued)');
    }
    if (found.session.expiresAt.getTime() <= found.now.getTime()) throw expired();
    const s = found.session;
    const auth = { sessionId: s.id, tenantId: s.tenantId, readOnly: s.readOnly, expiresAt: s.expiresAt.getTime() };
    this.cache.set(hash, auth);
    return auth;
  }
}

function expired(): UnauthorizedError {
  return new UnauthorizedError('this portal link has expired: ask for a new one');
}
