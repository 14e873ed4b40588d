import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EnvDto } from '#libs/config';
import { TestPlatform } from '../support/platform.js';

// Every route the API serves, as OpenAPI writes it.
const ROUTES: Record<string, string[]> = {
  '/v1/admin/tenants': ['get', 'post'],
  '/v1/admin/tenants/{id}': ['delete', 'get', 'patch'],
  '/v1/admin/tenants/by-external-id/{externalId}': ['put'],
  '/v1/admin/service-keys': ['get', 'post'],
  '/v1/admin/service-keys/{id}': ['delete'],
  '/v1/admin/deliveries': ['get'],
  '/v1/admin/deliveries/{id}': ['get'],
  '/v1/admin/overview': ['get'],
  '/v1/admin/tenants/{id}/portal-sessions': ['get', 'post'],
  '/v1/admin/portal-sessions/{id}': ['delete'],
  '/v1/endpoints': ['get', 'post'],
  '/v1/endpoints/{id}': ['delete', 'get', 'patch'],
  '/v1/endpoints/{id}/rotate-secret': ['post'],
  '/v1/endpoints/{id}/recover': ['post'],
  '/v1/endpoints/{id}/recoveries': ['get'],
  '/v1/recoveries/{id}': ['delete', 'get'],
  '/v1/endpoints/{id}/stats': ['get'],
  '/v1/api-keys': ['get', 'post'],
  '/v1/api-keys/{id}': ['delete'],
  '/v1/events': ['get', 'post'],
  '/v1/events/{id}': ['get'],
  '/v1/events/{id}/replay': ['post'],
  '/v1/events/batch': ['post'],
  '/v1/events/{id}/expunge': ['post'],
  '/v1/deliveries': ['get'],
  '/v1/deliveries/{id}': ['get'],
  '/v1/deliveries/{id}/resend': ['post'],
  '/v1/settings': ['get', 'patch'],
  '/health': ['get'],
  '/health/live': ['get'],
  '/metrics': ['get'],
};

const SCHEMAS: Record<string, string[]> = {
  CreateTenantDto: ['name', 'alertEmails', 'externalId'],
  UpdateTenantDto: ['name', 'alertEmails', 'externalId'],
  PutTenantByExternalIdDto: ['name'],
  TenantResponse: ['id', 'name', 'externalId', 'alertEmails', 'createdAt'],
  UpdatedTenantResponse: ['id', 'name', 'externalId', 'alertEmails', 'createdAt'],
  CreateServiceKeyDto: ['name', 'scopes'],
  CreatedServiceKeyResponse: ['id', 'name', 'scopes', 'key', 'prefix', 'createdAt'],
  ServiceKeyResponse: ['id', 'name', 'scopes', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt'],
  ServiceKeyPage: ['data', 'nextCursor'],
  DispatchBatchDto: ['events'],
  BatchDispatchResponse: ['results'],
  BatchItemResult: ['status', 'id', 'type', 'createdAt', 'replayed', 'error'],
  UpdateSettingsDto: ['alertEmails'],
  SettingsResponse: ['alertEmails'],
  EndpointHealthResponse: ['lastSuccessAt', 'lastFailureAt', 'failingSince', 'consecutiveFailures'],
  CreatedTenantResponse: ['id', 'name', 'createdAt', 'apiKey'],
  TenantPage: ['data', 'nextCursor'],
  CreateEndpointDto: ['url', 'eventTypes', 'description'],
  UpdateEndpointDto: ['url', 'eventTypes', 'description', 'status'],
  EndpointResponse: ['id', 'url', 'description', 'eventTypes', 'status', 'disabledReason', 'disabledAt', 'health', 'createdAt', 'updatedAt'],
  CreatedEndpointResponse: ['secret'],
  EndpointPage: ['data', 'nextCursor'],
  DispatchEventDto: ['type', 'data', 'idempotencyKey'],
  EventAcceptedResponse: ['id', 'type', 'createdAt'],
  EventExpungedResponse: ['id', 'type', 'createdAt', 'expungedAt'],
  DeliveryResponse: ['id', 'eventId', 'endpointId', 'eventType', 'status', 'attemptCount', 'lastStatusCode', 'createdAt'],
  DeliveryWithAttemptsResponse: ['attempts'],
  AttemptResponse: ['attemptNumber', 'responseStatus', 'errorKind', 'durationMs'],
  DeliveryPage: ['data', 'nextCursor'],
  ReplayEventDto: ['force'],
  ReplayResponse: ['deliveries'],
  RecoverEndpointDto: ['since', 'until'],
  RecoveryResponse: ['id', 'endpointId', 'since', 'until', 'status', 'total', 'enqueued', 'reason', 'createdAt', 'completedAt'],
  RecoveryPage: ['data', 'nextCursor'],
  EventResponse: ['id', 'type', 'idempotencyKey', 'createdAt', 'expungedAt'],
  EventPage: ['data', 'nextCursor'],
  EventWithDeliveriesResponse: ['data', 'deliveries', 'moreDeliveries'],
  EventDeliveryResponse: ['id', 'endpointId', 'status', 'attemptCount'],
  EndpointStatsResponse: ['window', 'from', 'to', 'bucketMinutes', 'attempts', 'succeeded', 'failed', 'successRate', 'latencyMs', 'byResult', 'series'],
  LatencyPercentilesResponse: ['p50', 'p95', 'p99'],
  AttemptsByResultResponse: ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network'],
  StatsBucketResponse: ['start', 'attempts', 'succeeded', 'failed', 'p95Ms'],
  ErrorBodyResponse: ['statusCode', 'error', 'message', 'details'],
  CreatePortalSessionDto: ['expiresInSeconds', 'readOnly'],
  CreatedPortalSessionResponse: ['id', 'tenantId', 'url', 'prefix', 'readOnly', 'createdAt', 'expiresAt'],
  PortalSessionResponse: ['id', 'tenantId', 'prefix', 'readOnly', 'createdAt', 'expiresAt', 'revokedAt'],
  PortalSessionPage: ['data', 'nextCursor'],
  OverviewResponse: ['generatedAt', 'perMinute', 'lastHour', 'backlog', 'endpoints'],
  OverviewMinute: ['minute', 'attempts', 'succeeded', 'failed'],
  OverviewLastHour: ['attempts', 'succeeded', 'failed', 'successRate'],
  OverviewBacklog: ['pendingDeliveries', 'pendingDeliveriesCapped', 'queues'],
  OverviewQueues: ['fanout', 'delivery', 'recovery'],
  OverviewQueueCounts: ['waiting', 'delayed', 'active'],
  OverviewEndpoints: ['total', 'disabled', 'failing', 'failingLongest'],
  OverviewFailingEndpoint: ['id', 'tenantId', 'url', 'status', 'failingSince', 'lastError'],
};

/** POST routes that take no body (an action on the resource named in the path). */
const BODYLESS = new Set(['post /v1/deliveries/{id}/resend', 'post /v1/events/{id}/expunge']);

describe('health and API docs', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await TestPlatform.start({ worker: false });
  });
  after(async () => {
    await platform?.stop();
  });

  it('reports ready with the database and Redis up, and live', async () => {
    const ready = await platform.client().get('/health');
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.body, { status: 'ok', checks: { database: 'up', redis: 'up' } });
    const live = await platform.client().get('/health/live');
    assert.equal(live.status, 200);
    assert.deepEqual(live.body, { status: 'ok' });
  });

  it('serves the docs page', async () => {
    const res = await platform.client().get('/docs');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.text, /swagger/i);
  });

  it('lists every route and the DTO schemas in /docs-json', async () => {
    const res = await platform.client().get('/docs-json');
    assert.equal(res.status, 200, res.text);
    const doc = res.body;
    assert.match(doc.openapi, /^3\./);
    const routes = Object.fromEntries(Object.entries(doc.paths as Record<string, object>).map(([p, ops]) => [p, Object.keys(ops).sort()]));
    assert.deepEqual(routes, ROUTES);
    for (const [name, props] of Object.entries(SCHEMAS)) {
      const schema = doc.components.schemas[name];
      assert.ok(schema, `schema ${name} is documented`);
      // allOf: a response that extends another one.
      const own = { ...schema.properties, ...Object.assign({}, ...(schema.allOf ?? []).map((s: { properties?: object }) => s.properties ?? {})) };
      for (const p of props) assert.ok(p in own, `${name}.${p} is documented`);
    }
    assert.deepEqual([...doc.components.schemas.CreateEndpointDto.required].sort(), ['eventTypes', 'url']);
    assert.deepEqual([...doc.components.schemas.DispatchEventDto.required].sort(), ['data', 'type']);
    assert.deepEqual([...doc.components.schemas.RecoverEndpointDto.required], ['since']);
    // Each tenant and admin route says how it is authenticated, and each body route which DTO it takes.
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses: object }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (p.startsWith('/v1/')) assert.ok(op.security?.length, `${method} ${p} documents its bearer key`);
        if ((method === 'post' || method === 'patch') && !BODYLESS.has(`${method} ${p}`)) assert.ok(op.requestBody, `${method} ${p} documents its body`);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${p} documents a response`);
      }
    }
    const listQuery = doc.paths['/v1/deliveries'].get.parameters.filter((q: { in: string }) => q.in === 'query').map((q: { name: string }) => q.name).sort();
    assert.deepEqual(listQuery, ['cursor', 'endpointId', 'eventId', 'eventType', 'limit', 'since', 'status', 'until']);
    const eventsQuery = doc.paths['/v1/events'].get.parameters.filter((q: { in: string }) => q.in === 'query').map((q: { name: string }) => q.name).sort();
    assert.deepEqual(eventsQuery, ['cursor', 'limit', 'since', 'type', 'until']);
    const statsQuery = doc.paths['/v1/endpoints/{id}/stats'].get.parameters.find((q: { name: string }) => q.name === 'window');
    assert.deepEqual(statsQuery.schema.enum, ['1h', '24h', '7d']);
    const tenantsQuery = doc.paths['/v1/admin/tenants'].get.parameters.map((q: { name: string }) => q.name).sort();
    assert.deepEqual(tenantsQuery, ['cursor', 'externalId', 'limit']);
    // Every tenant route documents the Hookrelay-Tenant header and the one scope a service key needs.
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; 'x-hookrelay-scope'?: string }>>)) {
      if (!p.startsWith('/v1/') || p.startsWith('/v1/admin/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.parameters?.some((q) => q.in === 'header' && q.name === 'Hookrelay-Tenant'), `${method} ${p} documents Hookrelay-Tenant`);
        assert.match(op['x-hookrelay-scope'] ?? '', /^(events|endpoints|deliveries|tenants):(read|write)$/, `${method} ${p} documents its scope`);
      }
    }
    assert.equal(doc.paths['/v1/admin/tenants/{id}'].delete['x-hookrelay-scope'], 'tenants:write');
  });

  it('documents in the README Configuration table exactly the variables the config reads', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!).sort();
    // ADMIN_API_KEY and SECRETS_KEY have no default, so `new EnvDto()` has no key for them.
    const read = [...new Set([...Object.keys(new EnvDto()), 'ADMIN_API_KEY', 'SECRETS_KEY'])].sort();
    assert.deepEqual(documented, read);
  });
});
