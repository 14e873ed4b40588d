import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '#libs/common';
import { checkAdminRouteAccess, parseScopes, parseTenantHeader, portalScopes, routeScopeProblems, tenantRouteAccess, type Caller, type Scope } from './scopes.js';

const OWN = '0192f0c8-7d4e-7abc-8def-0123456789ab';
const OTHER = '0192f0c8-7d4e-7abc-8def-ffffffffffff';

/** The status and message of what `f` throws, or what it returns. */
function outcome<T>(f: () => T): T | { status: number; message: string } {
  try {
    return f();
  } catch (err) {
    if (err instanceof DomainError) return { status: err.status, message: err.message };
    throw err;
  }
}

describe('parseScopes', () => {
  it('keeps known scopes once, in the catalogue order', () => {
    assert.deepEqual(parseScopes(['tenants:read', 'events:write', 'events:write']), ['events:write', 'tenants:read']);
  });
  it('names an unknown scope and the allowed ones', () => {
    const o = outcome(() => parseScopes(['events:write', 'events:*']));
    assert.equal((o as { status: number }).status, 400);
    assert.match((o as { message: string }).message, /unknown scope "events:\*": allowed scopes are events:write, endpoints:read, endpoints:write, deliveries:read, deliveries:write, tenants:read, tenants:write/);
  });
  it('wants at least one', () => assert.equal((outcome(() => parseScopes([])) as { status: number }).status, 400));
});

describe('parseTenantHeader', () => {
  const cases: Array<[string, unknown]> = [
    [OWN, { id: OWN }],
    [OWN.toUpperCase(), { id: OWN }],
    ['ext:cus_42', { externalId: 'cus_42' }],
    ['ext:a/b:c', { externalId: 'a/b:c' }],
    ['ext:', 400],
    ['ext:has space', 400],
    [`ext:${'x'.repeat(256)}`, 400],
    ['cus_42', 400],
    ['', 400],
  ];
  for (const [value, expected] of cases) {
    it(JSON.stringify(value.slice(0, 40)), () => {
      const o = outcome(() => parseTenantHeader(value));
      assert.deepEqual(typeof expected === 'number' ? (o as { status: number }).status : o, expected);
    });
  }
});

describe('tenantRouteAccess: who may act for which tenant on a tenant route', () => {
  const tenant: Caller = { kind: 'tenant', tenantId: OWN };
  const service: Caller = { kind: 'service', keyId: 'k', scopes: ['events:write', 'endpoints:read'] };
  const admin: Caller = { kind: 'admin' };
  const cases: Array<[string, Caller, Scope, string | undefined, unknown]> = [
    ['tenant key, no header', tenant, 'endpoints:write', undefined, { tenantId: OWN }],
    ['tenant key naming itself', tenant, 'endpoints:write', OWN, { tenantId: OWN }],
    ['tenant key naming another tenant', tenant, 'endpoints:write', OTHER, 400],
    ['tenant key naming an external id: resolved, must be its own', tenant, 'deliveries:read', 'ext:me', { resolve: { externalId: 'me' }, mustBe: OWN }],
    ['service key with the scope', service, 'events:write', OTHER, { resolve: { id: OTHER } }],
    ['service key by external id', service, 'endpoints:read', 'ext:cus_1', { resolve: { externalId: 'cus_1' } }],
    ['service key without the scope', service, 'endpoints:write', OTHER, 403],
    ['service key without the scope and without the header: the scope first', service, 'deliveries:write', undefined, 403],
    ['service key without the header', service, 'events:write', undefined, 400],
    ['service key with a malformed header', service, 'events:write', 'acme', 400],
    ['admin key with the header', admin, 'tenants:write', OTHER, { resolve: { id: OTHER } }],
    ['admin key without the header', admin, 'tenants:write', undefined, 400],
    ['portal link, no header', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: false }, 'endpoints:write', undefined, { tenantId: OWN }],
    ['portal link naming itself', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: false }, 'deliveries:read', OWN, { tenantId: OWN }],
    ['portal link naming another tenant', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: false }, 'deliveries:read', OTHER, 400],
    ['portal link by external id: resolved, must be its own', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: true }, 'endpoints:read', 'ext:me', { resolve: { externalId: 'me' }, mustBe: OWN }],
    ['portal link on a tenants:write route', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: false }, 'tenants:write', undefined, 403],
    ['read-only portal link on a write route', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: true }, 'events:write', undefined, 403],
    ['read-only portal link on a write route naming another tenant: the 403 first', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: true }, 'deliveries:write', OTHER, 403],
  ];
  for (const [name, caller, scope, header, expected] of cases) {
    it(name, () => {
      const o = outcome(() => tenantRouteAccess(caller, scope, header));
      assert.deepEqual(typeof expected === 'number' ? (o as { status: number }).status : o, expected);
    });
  }
  it('a 403 names the missing scope', () => {
    assert.match((outcome(() => tenantRouteAccess(service, 'deliveries:write', OTHER)) as { message: string }).message, /lacks the scope deliveries:write/);
  });
});

describe('checkAdminRouteAccess', () => {
  const service: Caller = { kind: 'service', keyId: 'k', scopes: ['tenants:read'] };
  const cases: Array<[string, Caller, Scope | undefined, number | undefined]> = [
    ['admin key, any route', { kind: 'admin' }, undefined, undefined],
    ['service key on a route it holds the scope of', service, 'tenants:read', undefined],
    ['service key without the scope', service, 'tenants:write', 403],
    ['service key on an admin-only route', service, undefined, 403],
    ['tenant key', { kind: 'tenant', tenantId: OWN }, 'tenants:read', 403],
    ['portal link', { kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: false }, 'tenants:read', 403],
  ];
  for (const [name, caller, scope, status] of cases) {
    it(name, () => assert.equal((outcome(() => checkAdminRouteAccess(caller, scope)) as { status?: number } | undefined)?.status, status));
  }
});

describe('routeScopeProblems: the start-up check', () => {
  it('passes one scope per tenant route, none or one tenants:* per admin route', () => {
    assert.deepEqual(
      routeScopeProblems([
        { route: 'GET /v1/endpoints', kind: 'tenant', scopes: ['endpoints:read'] },
        { route: 'GET /v1/admin/deliveries', kind: 'admin', scopes: [] },
        { route: 'GET /v1/admin/tenants', kind: 'admin', scopes: ['tenants:read'] },
      ]),
      [],
    );
  });
  it('names each route that breaks the rule', () => {
    const problems = routeScopeProblems([
      { route: 'GET /v1/things', kind: 'tenant', scopes: [] },
      { route: 'POST /v1/things', kind: 'tenant', scopes: ['endpoints:write', 'events:write'] },
      { route: 'GET /v1/odd', kind: 'tenant', scopes: ['things:read'] },
      { route: 'GET /v1/admin/deliveries', kind: 'admin', scopes: ['deliveries:read'] },
    ]);
    assert.equal(problems.length, 4, problems.join('\n'));
    for (const [n, route] of ['GET /v1/things', 'POST /v1/things', 'GET /v1/odd', 'GET /v1/admin/deliveries'].entries()) assert.match(problems[n]!, new RegExp(`^${route.replace(/\//g, '\\/')} `));
  });
});

describe('portalScopes', () => {
  it('a link holds every scope but tenants:write; a read-only one only the :read scopes', () => {
    assert.deepEqual(portalScopes(false), ['events:write', 'endpoints:read', 'endpoints:write', 'deliveries:read', 'deliveries:write', 'tenants:read']);
    assert.deepEqual(portalScopes(true), ['endpoints:read', 'deliveries:read', 'tenants:read']);
  });
  it('a read-only refusal says why', () => {
    const o = outcome(() => tenantRouteAccess({ kind: 'portal', tenantId: OWN, sessionId: 's', readOnly: true }, 'endpoints:write', undefined)) as { message: string };
    assert.match(o.message, /this portal link is read-only: it cannot use routes that change data \(endpoints:write\)/);
  });
});
