import { RequestMethod } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { routeScopeProblems } from '#libs/tenants';
import { AdminAuthGuard, declaredScopes, TenantAuthGuard } from './auth.js';

export interface RouteEntry {
  method: string;
  /** As Nest declares it, e.g. `/v1/endpoints/:id`. */
  path: string;
  kind: 'tenant' | 'admin' | 'public';
  scopes: string[];
}

/** Every route of the application, read from its own controllers: the one route table that the
 * start-up scope check and the tenant-isolation test both walk. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      if (!cls) continue;
      const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, cls) ?? [];
      const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = cls.prototype[name] as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (sub === undefined) continue;
        const all = [...guards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) as unknown[] | undefined) ?? [])];
        const kind = all.includes(TenantAuthGuard) ? 'tenant' : all.includes(AdminAuthGuard) ? 'admin' : 'public';
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]!;
        const path = `/${[base, sub].map((p: string) => p.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        routes.push({ method, path, kind, scopes: declaredScopes(handler) });
      }
    }
  }
  return routes;
}

/** Start-up check: every tenant route declares exactly one scope (and admin routes at most one
 * tenants:* scope); otherwise the API refuses to start, naming the routes. */
export function assertRouteScopes(app: INestApplication): void {
  const problems = routeScopeProblems(
    routeTable(app)
      .filter((r): r is RouteEntry & { kind: 'tenant' | 'admin' } => r.kind !== 'public')
      .map((r) => ({ route: `${r.method} ${r.path}`, kind: r.kind, scopes: r.scopes })),
  );
  if (problems.length > 0) throw new Error(`route scopes: ${problems.join('; ')}`);
}
