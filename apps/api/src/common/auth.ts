import { applyDecorators, createParamDecorator, Inject, Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiHeader } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { LOGGER, TooManyRequestsError, UnauthorizedError, type Logger } from '#libs/common';
import { RateLimitStore } from '#libs/queue';
import { AppConfig } from '#libs/config';
import {
  checkAdminRouteAccess,
  otherTenant,
  PORTAL_TOKEN_PREFIX,
  PortalSessionService,
  SERVICE_KEY_PREFIX,
  ServiceKeyService,
  TENANT_HEADER,
  TENANT_KEY_PREFIX,
  tenantNotFound,
  tenantRouteAccess,
  TenantService,
  type Caller,
  type Scope,
} from '#libs/tenants';

type AuthedRequest = FastifyRequest & { tenantId?: string; caller?: Caller };

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

export const SCOPES_METADATA = 'hookrelay:scopes';

/** The scopes a handler declares; the start-up check wants exactly one on a tenant route. */
export function declaredScopes(handler: object): string[] {
  return (Reflect.getMetadata(SCOPES_METADATA, handler) as string[] | undefined) ?? [];
}

/** The one scope a service key needs for this route (tenant keys hold every tenant scope; the admin
 * key holds all). Declaring it twice is caught at start-up, hence an append, not a set. */
export function RequireScope(scope: Scope): MethodDecorator {
  return applyDecorators(
    (_target: object, _key: string | symbol, descriptor: PropertyDescriptor) => {
      const handler = descriptor.value as object;
      Reflect.defineMetadata(SCOPES_METADATA, [...declaredScopes(handler), scope], handler);
    },
    ApiExtension('x-hookrelay-scope', scope),
    ApiForbiddenResponse({ description: `a service key without the scope ${scope}` }),
  );
}

/** Who the bearer key belongs to: a tenant key, a portal link's token, a service key or the admin key; 401 otherwise. */
@Injectable()
export class CallerAuthenticator {
  private readonly adminHash: Buffer;

  constructor(
    private readonly tenants: TenantService,
    private readonly serviceKeys: ServiceKeyService,
    private readonly portalSessions: PortalSessionService,
    config: AppConfig,
  ) {
    this.adminHash = createHash('sha256').update(config.adminApiKey).digest();
  }

  async identify(req: FastifyRequest, route: 'tenant' | 'admin'): Promise<Caller> {
    const key = bearer(req);
    if (!key) {
      throw new UnauthorizedError(route === 'admin' ? 'missing bearer admin key: send Authorization: Bearer <ADMIN_API_KEY>' : 'missing bearer API key: send Authorization: Bearer <key>');
    }
    if (key.startsWith(SERVICE_KEY_PREFIX)) {
      const found = await this.serviceKeys.authenticate(key);
      if (!found) throw new UnauthorizedError('invalid service key');
      return { kind: 'service', keyId: found.keyId, scopes: found.scopes };
    }
    if (key.startsWith(PORTAL_TOKEN_PREFIX)) {
      const s = await this.portalSessions.authenticate(key);
      return { kind: 'portal', tenantId: s.tenantId, sessionId: s.sessionId, readOnly: s.readOnly };
    }
    if (key.startsWith(TENANT_KEY_PREFIX)) {
      const tenantId = await this.tenants.authenticate(key);
      if (!tenantId) throw new UnauthorizedError('invalid API key');
      return { kind: 'tenant', tenantId };
    }
    if (timingSafeEqual(createHash('sha256').update(key).digest(), this.adminHash)) return { kind: 'admin' };
    throw new UnauthorizedError(route === 'admin' ? 'invalid admin key' : 'invalid API key');
  }
}

/** Tenant routes: decides the tenant every query is scoped to (a tenant key's or portal link's own, or the one the
 * Hookrelay-Tenant header names for a service key or the admin key), checks the route's scope, and
 * enforces the tenant's request rate (RATE_LIMIT_PER_SECOND, counted in Redis across API instances)
 * whoever calls for it. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(
    private readonly callers: CallerAuthenticator,
    private readonly tenants: TenantService,
    private readonly rates: RateLimitStore,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const caller = await this.callers.identify(req, 'tenant');
    // The start-up check guarantees exactly one scope on every tenant route.
    const scope = declaredScopes(ctx.getHandler())[0] as Scope;
    const header = req.headers[TENANT_HEADER.toLowerCase()];
    const access = tenantRouteAccess(caller, scope, Array.isArray(header) ? header.join(',') : header);
    let tenantId: string;
    if ('tenantId' in access) tenantId = access.tenantId;
    else {
      const found = await this.tenants.resolveTenant(access.resolve);
      if (access.mustBe !== undefined && found !== access.mustBe) throw otherTenant(caller.kind === 'portal' ? 'a portal link' : undefined);
      if (!found) throw tenantNotFound();
      tenantId = found;
    }
    req.caller = caller;
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

/** Admin routes: the admin key; a service key too where the route declares a `tenants:*` scope
 * the key holds. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(private readonly callers: CallerAuthenticator) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const caller = await this.callers.identify(ctx.switchToHttp().getRequest<FastifyRequest>(), 'admin');
    checkAdminRouteAccess(caller, declaredScopes(ctx.getHandler())[0] as Scope | undefined);
    return true;
  }
}

const TENANT_HEADER_DOC = {
  name: TENANT_HEADER,
  required: false,
  description:
    'The tenant to act for: `<tenant id>` or `ext:<externalId>`. Required with a service key (hrs_...) or the admin key; ' +
    'a tenant key (whk_...) may only name its own tenant.',
};

/** A tenant route controller: the guard, the bearer key and the Hookrelay-Tenant header in OpenAPI. */
export function TenantRoutes(): ClassDecorator {
  return applyDecorators(UseGuards(TenantAuthGuard), ApiBearerAuth(), ApiHeader(TENANT_HEADER_DOC));
}

/** The authenticated tenant's id. */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const id = ctx.switchToHttp().getRequest<AuthedRequest>().tenantId;
  if (!id) throw new UnauthorizedError('not authenticated');
  return id;
});
