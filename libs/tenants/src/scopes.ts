import { ForbiddenError, NotFoundError, ValidationFailedError } from '#libs/common';

/** What a service key may do. Every tenant route declares exactly one of these (`@RequireScope`);
 * `tenants:*` also open the admin tenant routes. */
export const SCOPES = ['events:write', 'endpoints:read', 'endpoints:write', 'deliveries:read', 'deliveries:write', 'tenants:read', 'tenants:write'] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(s: unknown): s is Scope {
  return typeof s === 'string' && (SCOPES as readonly string[]).includes(s);
}

/** Scopes as given to POST /v1/admin/service-keys: each known, each once, at least one. */
export function parseScopes(input: readonly unknown[]): Scope[] {
  const unknown = input.filter((s) => !isScope(s));
  if (unknown.length > 0) {
    throw new ValidationFailedError(`unknown scope ${unknown.map((s) => JSON.stringify(s)).join(', ')}: allowed scopes are ${SCOPES.join(', ')}`, { field: 'scopes', allowed: SCOPES });
  }
  if (input.length === 0) throw new ValidationFailedError(`scopes must name at least one of ${SCOPES.join(', ')}`, { field: 'scopes', allowed: SCOPES });
  return SCOPES.filter((s) => input.includes(s));
}

export const TENANT_HEADER = 'Hookrelay-Tenant';
export const EXTERNAL_ID_PREFIX = 'ext:';
/** External ids: 1 to 255 visible ASCII characters, so one travels unchanged in a header and a path. */
export const EXTERNAL_ID_RE = /^[\x21-\x7e]{1,255}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type TenantRef = { id: string } | { externalId: string };

/** The tenant a Hookrelay-Tenant header names: `<tenant id>` or `ext:<externalId>`. */
export function parseTenantHeader(value: string): TenantRef {
  if (value.startsWith(EXTERNAL_ID_PREFIX)) {
    const externalId = value.slice(EXTERNAL_ID_PREFIX.length);
    if (!EXTERNAL_ID_RE.test(externalId)) throw new ValidationFailedError(`${TENANT_HEADER}: the external id after ext: must be 1 to 255 visible ASCII characters`);
    return { externalId };
  }
  if (UUID_RE.test(value)) return { id: value.toLowerCase() };
  throw new ValidationFailedError(`${TENANT_HEADER} must be a tenant id (a UUID) or ext:<externalId>`);
}

/** A scope a route declares that changes something: a read-only portal link is refused by these. */
export function isWriteScope(scope: Scope): boolean {
  return scope.endsWith(':write');
}

/** What a portal link may do on its tenant's routes: everything a tenant key may, except minting or
 * revoking API keys and changing tenant settings (`tenants:write`): a key made from a link would
 * outlive it. A read-only link holds only the `:read` scopes. */
export function portalScopes(readOnly: boolean): Scope[] {
  return SCOPES.filter((s) => s !== 'tenants:write' && !(readOnly && isWriteScope(s)));
}

/** Who is calling, from the bearer key. */
export type Caller =
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'portal'; tenantId: string; sessionId: string; readOnly: boolean }
  | { kind: 'service'; keyId: string; scopes: readonly Scope[] }
  | { kind: 'admin' };

/** What a tenant route must do next for this caller: use the tenant as is, or resolve the header
 * (`mustBe`: a tenant key may name only its own tenant). Decides 400 and 403 without any I/O. */
export type TenantRouteAccess = { tenantId: string } | { resolve: TenantRef; mustBe?: string };

export function tenantRouteAccess(caller: Caller, scope: Scope, header: string | undefined): TenantRouteAccess {
  const ref = header === undefined ? undefined : parseTenantHeader(header.trim());
  switch (caller.kind) {
    case 'tenant':
      if (!ref) return { tenantId: caller.tenantId };
      if ('id' in ref) {
        if (ref.id !== caller.tenantId) throw otherTenant();
        return { tenantId: caller.tenantId };
      }
      return { resolve: ref, mustBe: caller.tenantId };
    case 'portal':
      if (!portalScopes(caller.readOnly).includes(scope)) throw portalRefused(caller.readOnly, scope);
      if (!ref) return { tenantId: caller.tenantId };
      if ('id' in ref) {
        if (ref.id !== caller.tenantId) throw otherTenant('a portal link');
        return { tenantId: caller.tenantId };
      }
      return { resolve: ref, mustBe: caller.tenantId };
    case 'service':
      if (!caller.scopes.includes(scope)) throw missingScope(scope);
      if (!ref) throw new ValidationFailedError(`a service key acts for a tenant: send ${TENANT_HEADER}: <tenant id> or ${TENANT_HEADER}: ext:<externalId>`);
      return { resolve: ref };
    case 'admin':
      if (!ref) throw new ValidationFailedError(`the admin key acts for a tenant on tenant routes: send ${TENANT_HEADER}: <tenant id> or ${TENANT_HEADER}: ext:<externalId>`);
      return { resolve: ref };
  }
}

/** Admin routes: the admin key always; a service key only where the route declares a scope it holds. */
export function checkAdminRouteAccess(caller: Caller, scope: Scope | undefined): void {
  switch (caller.kind) {
    case 'admin':
      return;
    case 'service':
      if (scope === undefined) throw new ForbiddenError('this route takes the admin key only');
      if (!caller.scopes.includes(scope)) throw missingScope(scope);
      return;
    case 'tenant':
      throw new ForbiddenError('admin routes take the admin key or a service key, not a tenant API key');
    case 'portal':
      throw new ForbiddenError('admin routes take the admin key or a service key, not a portal link');
  }
}

/** The header named a tenant, but not the one this tenant key belongs to. */
export function otherTenant(who = 'a tenant API key'): ValidationFailedError {
  return new ValidationFailedError(`${TENANT_HEADER} names another tenant: ${who} acts only for its own tenant`);
}

/** 403 for a portal link on a route whose scope it does not hold, saying why. */
function portalRefused(readOnly: boolean, scope: Scope): ForbiddenError {
  if (scope === 'tenants:write') return new ForbiddenError('a portal link cannot manage API keys or tenant settings (tenants:write): use a tenant API key', { scope });
  if (readOnly) return new ForbiddenError(`this portal link is read-only: it cannot use routes that change data (${scope})`, { scope, readOnly: true });
  return new ForbiddenError(`a portal link lacks the scope ${scope}`, { scope });
}

function missingScope(scope: Scope): ForbiddenError {
  return new ForbiddenError(`this service key lacks the scope ${scope}`, { scope });
}

export function tenantNotFound(): NotFoundError {
  return new NotFoundError('tenant');
}

/** A route as the start-up check sees it: which guard it has and the scopes it declares. */
export interface ScopedRoute {
  route: string;
  kind: 'tenant' | 'admin';
  scopes: readonly string[];
}

/** Every tenant route declares exactly one known scope; an admin route at most one, a `tenants:*`
 * one (that is what lets a service key in). One line per problem, naming the route. */
export function routeScopeProblems(routes: readonly ScopedRoute[]): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    const unknown = r.scopes.filter((s) => !isScope(s));
    if (unknown.length > 0) problems.push(`${r.route} declares unknown scope ${unknown.join(', ')}`);
    if (r.kind === 'tenant' && r.scopes.length !== 1) problems.push(`${r.route} is a tenant route and must declare exactly one scope with @RequireScope (it declares ${r.scopes.length})`);
    if (r.kind === 'admin' && r.scopes.length > 1) problems.push(`${r.route} declares ${r.scopes.length} scopes; at most one`);
    if (r.kind === 'admin' && r.scopes.some((s) => !s.startsWith('tenants:'))) problems.push(`${r.route} is an admin route: only tenants:read or tenants:write may open it to service keys`);
  }
  return problems;
}
