import { createParamDecorator, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LOGGER, TooManyRequestsError, UnauthorizedError, type Logger } from '#libs/common';
import { RateLimitStore } from '#libs/queue';
import { AppConfig } from '#libs/config';
import { TenantService } from '#libs/tenants';

type AuthedRequest = FastifyRequest & { tenantId?: string };

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** Tenant routes: the bearer key decides the tenant every query is scoped to, and the tenant's
 * request rate (RATE_LIMIT_PER_SECOND, counted in Redis across API instances) is enforced. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(
    private readonly tenants: TenantService,
    private readonly rates: RateLimitStore,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = bearer(req);
    if (!key) throw new UnauthorizedError('missing bearer API key: send Authorization: Bearer <key>');
    const tenantId = await this.tenants.authenticate(key);
    if (!tenantId) throw new UnauthorizedError('invalid API key');
    req.tenantId = tenantId;
    await this.enforceRate(tenantId);
    return true;
  }

  private async enforceRate(tenantId: string): Promise<void> {
    const { rateLimitPerSecond: perSecond, rateLimitWindowMs: windowMs } = this.config;
    if (perSecond === 0) return;
    const limit = Math.max(1, Math.round((perSecond * windowMs) / 1000));
    let decision;
    try {
      decision = await this.rates.hit(`tenant:${tenantId}`, limit, windowMs);
    } catch (err) {
      // Redis down: serve rather than refuse (Postgres, the truth, is what protects the data).
      this.logger.warn({ tenantId, reason: (err as Error).message }, 'tenant rate limit unavailable');
      return;
    }
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new TooManyRequestsError(`rate limit of ${perSecond} requests per second exceeded; retry after ${seconds} s`, seconds);
    }
  }
}

/** Admin routes: the key from ADMIN_API_KEY, compared in constant time. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(config: AppConfig) {
    this.expected = createHash('sha256').update(config.adminApiKey).digest();
  }

  canActivate(ctx: ExecutionContext): boolean {
    const key = bearer(ctx.switchToHttp().getRequest<FastifyRequest>());
    if (!key) throw new UnauthorizedError('missing bearer admin key: send Authorization: Bearer <ADMIN_API_KEY>');
    if (!timingSafeEqual(createHash('sha256').update(key).digest(), this.expected)) throw new UnauthorizedError('invalid admin key');
    return true;
  }
}

/** The authenticated tenant's id. */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().tenantId;
  if (!id) throw new UnauthorizedError('not authenticated');
  return id;
});
