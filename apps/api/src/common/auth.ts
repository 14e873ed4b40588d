import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { TenantService } from '#libs/tenants';

type AuthedRequest = FastifyRequest & { tenantId?: string };

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/** Tenant routes: the bearer key decides the tenant every query is scoped to. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(private readonly tenants: TenantService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = bearer(req);
    if (!key) throw new UnauthorizedError('missing bearer API key: send Authorization: Bearer <key>');
    const tenantId = await this.tenants.authenticate(key);
    if (!tenantId) throw new UnauthorizedError('invalid API key');
    req.tenantId = tenantId;
    return true;
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
