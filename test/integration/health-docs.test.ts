import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { EnvDto } from '#libs/config';
import { TestPlatform } from '../support/platform.js';

// Every route the API serves, as OpenAPI writes it.
const ROUTES: Record<string, string[]> = {
  '/v1/admin/tenants': ['get', 'post'],
  '/v1/admin/tenants/{id}': ['patch'],
  '/v1/admin/deliveries': ['get'],
  '/v1/admin/deliveries/{id}': ['get'],
  '/v1/endpoints': ['get', 'post'],
  '/v1/endpoints/{id}': ['delete', 'get', 'patch'],
  '/v1/endpoints/{id}/rotate-secret': ['post'],
  '/v1/api-keys': ['get', 'post'],
  '/v1/api-keys/{id}': ['delete'],
  '/v1/events': ['post'],
  '/v1/deliveries': ['get'],
  '/v1/deliveries/{id}': ['get'],
  '/v1/settings': ['get', 'patch'],
  '/health': ['get'],
  '/health/live': ['get'],
};

const SCHEMAS: Record<string, string[]> = {
  CreateTenantDto: ['name', 'alertEmails'],
  UpdateTenantDto: ['name', 'alertEmails'],
  UpdatedTenantResponse: ['id', 'name', 'alertEmails', 'createdAt'],
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
  DeliveryResponse: ['id', 'eventId', 'endpointId', 'eventType', 'status', 'attemptCount', 'lastStatusCode', 'createdAt'],
  DeliveryWithAttemptsResponse: ['attempts'],
  AttemptResponse: ['attemptNumber', 'responseStatus', 'errorKind', 'durationMs'],
  DeliveryPage: ['data', 'nextCursor'],
};

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
    // Each tenant and admin route says how it is authenticated, and each body route which DTO it takes.
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; responses: object }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (p.startsWith('/v1/')) assert.ok(op.security?.length, `${method} ${p} documents its bearer key`);
        if (method === 'post' || method === 'patch') assert.ok(op.requestBody, `${method} ${p} documents its body`);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${p} documents a response`);
      }
    }
    const listQuery = doc.paths['/v1/deliveries'].get.parameters.map((q: { name: string }) => q.name).sort();
    assert.deepEqual(listQuery, ['cursor', 'endpointId', 'eventId', 'eventType', 'limit', 'since', 'status', 'until']);
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
