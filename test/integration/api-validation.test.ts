import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertErrorBody, dbState } from '../support/assertions.js';
import type { CallOptions } from '../support/http-client.js';
import { TestPlatform, type Tenant } from '../support/platform.js';
import { TEST_ADMIN_KEY } from '../support/test-env.js';

type Who = 'tenant' | 'admin' | 'none' | string;

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** `:ep` is replaced by an existing endpoint's id. */
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  who?: Who;
  status: number;
  message: RegExp;
}

const UNKNOWN_ID = '0192f0c8-7d4e-7abc-8def-0123456789ab';
const BIG = 'x'.repeat(260 * 1024);
const good = (url: string) => ({ url, eventTypes: ['order.completed'] });

// Every input the API takes, each bad in one way. Each must be a 4xx naming the problem and change nothing.
const cases: Case[] = [
  // POST /v1/endpoints
  { name: 'endpoint without url', method: 'POST', path: '/v1/endpoints', body: { eventTypes: ['a'] }, status: 400, message: /^url is required$/ },
  { name: 'endpoint eventTypes a string', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: 'order.*' }, status: 400, message: /^eventTypes must be an array of strings$/ },
  { name: 'endpoint with eventType for eventTypes', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventType: ['a.*'] }, status: 400, message: /^eventTypes is required; unknown property eventType \(did you mean eventTypes\?\)$/ },
  { name: 'endpoint without eventTypes', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h' }, status: 400, message: /^eventTypes is required$/ },
  { name: 'endpoint with an unknown field', method: 'POST', path: '/v1/endpoints', body: { ...good('https://example.com/h'), color: 'red' }, status: 400, message: /^unknown property color$/ },
  { name: 'endpoint url of the wrong type', method: 'POST', path: '/v1/endpoints', body: { url: 42, eventTypes: ['a'] }, status: 400, message: /url must be a string/ },
  { name: 'endpoint eventTypes of the wrong type', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: 'a' }, status: 400, message: /eventTypes must be an array/ },
  { name: 'endpoint eventTypes entry of the wrong type', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: [1] }, status: 400, message: /entries must be strings/ },
  { name: 'endpoint with empty eventTypes', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: [] }, status: 400, message: /at least one event type/ },
  { name: 'endpoint eventType a..b', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: ['a..b'] }, status: 400, message: /invalid: "a\.\.b"/ },
  { name: 'endpoint eventType *.x', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: ['ok.type', '*.x'] }, status: 400, message: /invalid: "\*\.x"/ },
  { name: 'endpoint eventType order.*.x', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: ['order.*.x'] }, status: 400, message: /invalid: "order\.\*\.x"/ },
  { name: 'endpoint eventType empty string', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: [''] }, status: 400, message: /invalid: ""/ },
  { name: 'endpoint with 101 eventTypes', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.com/h', eventTypes: Array.from({ length: 101 }, (_, i) => `t${i}`) }, status: 400, message: /no more than 100/ },
  { name: 'endpoint url that is not a URL', method: 'POST', path: '/v1/endpoints', body: good('not a url'), status: 400, message: /absolute URL/ },
  { name: 'endpoint url empty', method: 'POST', path: '/v1/endpoints', body: good(''), status: 400, message: /absolute URL/ },
  { name: 'endpoint url with another scheme', method: 'POST', path: '/v1/endpoints', body: good('ftp://example.com/h'), status: 400, message: /url must use http or https/ },
  { name: 'endpoint url with credentials', method: 'POST', path: '/v1/endpoints', body: good('https://user:pw@example.com/h'), status: 400, message: /credentials/ },
  { name: 'endpoint url with a fragment', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h#x'), status: 400, message: /fragment/ },
  { name: 'endpoint url too long', method: 'POST', path: '/v1/endpoints', body: good(`https://example.com/${'a'.repeat(2100)}`), status: 400, message: /url/ },
  { name: 'endpoint description of the wrong type', method: 'POST', path: '/v1/endpoints', body: { ...good('https://example.com/h'), description: 5 }, status: 400, message: /description must be a string/ },
  { name: 'endpoint description with a NUL', method: 'POST', path: '/v1/endpoints', body: { ...good('https://example.com/h'), description: 'a\u0000b' }, status: 400, message: /description must not contain NUL/ },
  { name: 'endpoint malformed JSON', method: 'POST', path: '/v1/endpoints', raw: '{"url": "https://example.com/h",', status: 400, message: /not valid JSON/ },
  { name: 'endpoint body that is an array', method: 'POST', path: '/v1/endpoints', raw: '[]', status: 400, message: /request body must be a JSON object/ },
  { name: 'endpoint body that is null', method: 'POST', path: '/v1/endpoints', raw: 'null', status: 400, message: /JSON object/ },
  { name: 'endpoint body that is a string', method: 'POST', path: '/v1/endpoints', raw: '"https://example.com"', status: 400, message: /JSON object/ },
  { name: 'endpoint body with __proto__', method: 'POST', path: '/v1/endpoints', raw: '{"url":"https://example.com/h","eventTypes":["a"],"__proto__":{"admin":true}}', status: 400, message: /__proto__/ },
  { name: 'endpoint empty body', method: 'POST', path: '/v1/endpoints', raw: '', status: 400, message: /empty/ },
  { name: 'endpoint text/plain body', method: 'POST', path: '/v1/endpoints', raw: JSON.stringify(good('https://example.com/h')), headers: { 'content-type': 'text/plain' }, status: 415, message: /content-type must be application\/json/ },
  { name: 'endpoint form body', method: 'POST', path: '/v1/endpoints', raw: 'url=https://example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, message: /application\/json/ },
  { name: 'endpoint body over 256 KiB', method: 'POST', path: '/v1/endpoints', body: { ...good('https://example.com/h'), description: BIG }, status: 413, message: /256 KiB/ },
  { name: 'endpoint without a key', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), who: 'none', status: 401, message: /missing bearer API key/ },
  { name: 'endpoint with a wrong key', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), who: 'whk_not-a-real-key', status: 401, message: /invalid API key/ },
  { name: 'endpoint with the admin key and no Hookrelay-Tenant', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), who: 'admin', status: 400, message: /admin key acts for a tenant on tenant routes: send Hookrelay-Tenant/ },
  { name: 'endpoint with a wrong service key', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), who: 'hrs_not-a-real-key', status: 401, message: /invalid service key/ },
  { name: 'endpoint with a malformed Hookrelay-Tenant', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), headers: { 'hookrelay-tenant': 'acme' }, status: 400, message: /Hookrelay-Tenant must be a tenant id \(a UUID\) or ext:<externalId>/ },
  { name: 'endpoint with Hookrelay-Tenant ext: and nothing after it', method: 'POST', path: '/v1/endpoints', body: good('https://example.com/h'), headers: { 'hookrelay-tenant': 'ext:' }, status: 400, message: /external id after ext: must be 1 to 255/ },

  // PATCH /v1/endpoints/:id
  { name: 'patch url null', method: 'PATCH', path: '/v1/endpoints/:ep', body: { url: null }, status: 400, message: /url must be a string/ },
  { name: 'patch eventTypes null', method: 'PATCH', path: '/v1/endpoints/:ep', body: { eventTypes: null }, status: 400, message: /eventTypes must be an array/ },
  { name: 'patch status null', method: 'PATCH', path: '/v1/endpoints/:ep', body: { status: null }, status: 400, message: /status must be active or disabled/ },
  { name: 'patch unknown status', method: 'PATCH', path: '/v1/endpoints/:ep', body: { status: 'paused' }, status: 400, message: /status must be active or disabled/ },
  { name: 'patch empty eventTypes', method: 'PATCH', path: '/v1/endpoints/:ep', body: { eventTypes: [] }, status: 400, message: /at least one event type/ },
  { name: 'patch eventType a..b', method: 'PATCH', path: '/v1/endpoints/:ep', body: { eventTypes: ['a..b'] }, status: 400, message: /invalid: "a\.\.b"/ },
  { name: 'patch url with another scheme', method: 'PATCH', path: '/v1/endpoints/:ep', body: { url: 'ftp://example.com' }, status: 400, message: /url must use http or https/ },
  { name: 'patch url with credentials', method: 'PATCH', path: '/v1/endpoints/:ep', body: { url: 'https://u:p@example.com' }, status: 400, message: /credentials/ },
  { name: 'patch description with a NUL', method: 'PATCH', path: '/v1/endpoints/:ep', body: { description: '\u0000' }, status: 400, message: /description must not contain NUL/ },
  { name: 'patch body that is an array', method: 'PATCH', path: '/v1/endpoints/:ep', raw: '[{"status":"disabled"}]', status: 400, message: /request body must be a JSON object/ },
  { name: 'patch with an unknown field', method: 'PATCH', path: '/v1/endpoints/:ep', body: { secret: 'whsec_x' }, status: 400, message: /^unknown property secret$/ },
  { name: 'patch malformed JSON', method: 'PATCH', path: '/v1/endpoints/:ep', raw: '{"status":', status: 400, message: /not valid JSON/ },
  { name: 'patch text/plain', method: 'PATCH', path: '/v1/endpoints/:ep', raw: '{"status":"disabled"}', headers: { 'content-type': 'text/plain' }, status: 415, message: /application\/json/ },
  { name: 'patch unknown id', method: 'PATCH', path: `/v1/endpoints/${UNKNOWN_ID}`, body: { status: 'disabled' }, status: 404, message: /endpoint not found/ },
  { name: 'patch malformed id', method: 'PATCH', path: '/v1/endpoints/not-an-id', body: { status: 'disabled' }, status: 404, message: /endpoint not found/ },
  { name: 'patch with a wrong key', method: 'PATCH', path: '/v1/endpoints/:ep', body: { status: 'disabled' }, who: 'whk_wrong', status: 401, message: /invalid API key/ },

  // GET / DELETE /v1/endpoints
  { name: 'get endpoint id with broken percent-encoding', method: 'GET', path: '/v1/endpoints/%E0%A4%A', status: 400, message: /not a valid url component/ },
  { name: 'get unknown endpoint', method: 'GET', path: `/v1/endpoints/${UNKNOWN_ID}`, status: 404, message: /endpoint not found/ },
  { name: 'get malformed endpoint id', method: 'GET', path: '/v1/endpoints/1%27%20OR%201=1', status: 404, message: /endpoint not found/ },
  { name: 'delete unknown endpoint', method: 'DELETE', path: `/v1/endpoints/${UNKNOWN_ID}`, status: 404, message: /endpoint not found/ },
  { name: 'delete malformed endpoint id', method: 'DELETE', path: '/v1/endpoints/xyz', status: 404, message: /endpoint not found/ },
  { name: 'delete without a key', method: 'DELETE', path: '/v1/endpoints/:ep', who: 'none', status: 401, message: /missing bearer/ },
  { name: 'endpoint list limit 0', method: 'GET', path: '/v1/endpoints?limit=0', status: 400, message: /limit must be at least 1/ },
  { name: 'endpoint list limit 101', method: 'GET', path: '/v1/endpoints?limit=101', status: 400, message: /limit must be at most 100/ },
  { name: 'endpoint list limit abc', method: 'GET', path: '/v1/endpoints?limit=abc', status: 400, message: /limit must be a whole number/ },
  { name: 'endpoint list bad cursor', method: 'GET', path: '/v1/endpoints?cursor=not!a!cursor', status: 400, message: /cursor is invalid/ },
  { name: 'endpoint list unknown query field', method: 'GET', path: '/v1/endpoints?sort=asc', status: 400, message: /^unknown query parameter sort$/ },

  // POST /v1/events
  { name: 'event without type', method: 'POST', path: '/v1/events', body: { data: {} }, status: 400, message: /^type is required$/ },
  { name: 'event without data', method: 'POST', path: '/v1/events', body: { type: 'a.b' }, status: 400, message: /^data is required$/ },
  { name: 'event type of the wrong type', method: 'POST', path: '/v1/events', body: { type: 7, data: {} }, status: 400, message: /type must be a string/ },
  { name: 'event type a..b', method: 'POST', path: '/v1/events', body: { type: 'a..b', data: {} }, status: 400, message: /dot-separated/ },
  { name: 'event type with a wildcard', method: 'POST', path: '/v1/events', body: { type: 'order.*', data: {} }, status: 400, message: /dot-separated/ },
  { name: 'event data that is an array', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: [1] }, status: 400, message: /data must be a JSON object/ },
  { name: 'event data that is a string', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: 'x' }, status: 400, message: /data must be a JSON object/ },
  { name: 'event with an unknown field', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {}, tenantId: UNKNOWN_ID }, status: 400, message: /^unknown property tenantId$/ },
  { name: 'event idempotencyKey of the wrong type', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {}, idempotencyKey: 5 }, status: 400, message: /idempotencyKey must be a string/ },
  { name: 'event empty idempotencyKey', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {}, idempotencyKey: '' }, status: 400, message: /idempotencyKey/ },
  { name: 'event idempotencyKey too long', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {}, idempotencyKey: 'k'.repeat(256) }, status: 400, message: /idempotencyKey/ },
  { name: 'event idempotencyKey with a NUL', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {}, idempotencyKey: 'a\u0000b' }, status: 400, message: /idempotencyKey must not contain control characters/ },
  { name: 'event Idempotency-Key header too long', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {} }, headers: { 'idempotency-key': 'k'.repeat(256) }, status: 400, message: /Idempotency-Key header/ },
  { name: 'event malformed JSON', method: 'POST', path: '/v1/events', raw: '{"type":"a.b","data":{}', status: 400, message: /not valid JSON/ },
  { name: 'event body over 256 KiB', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: { blob: BIG } }, status: 413, message: /256 KiB/ },
  { name: 'event text/plain body', method: 'POST', path: '/v1/events', raw: '{"type":"a.b","data":{}}', headers: { 'content-type': 'text/plain' }, status: 415, message: /application\/json/ },
  { name: 'event without a key', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {} }, who: 'none', status: 401, message: /missing bearer/ },
  { name: 'event with a wrong key', method: 'POST', path: '/v1/events', body: { type: 'a.b', data: {} }, who: 'whk_wrong', status: 401, message: /invalid API key/ },

  // GET /v1/deliveries
  { name: 'deliveries limit 0', method: 'GET', path: '/v1/deliveries?limit=0', status: 400, message: /limit must be at least 1/ },
  { name: 'deliveries limit 101', method: 'GET', path: '/v1/deliveries?limit=101', status: 400, message: /limit must be at most 100/ },
  { name: 'deliveries limit abc', method: 'GET', path: '/v1/deliveries?limit=abc', status: 400, message: /^limit must be a whole number$/ },
  { name: 'deliveries misspelt query parameter', method: 'GET', path: '/v1/deliveries?stauts=failed', status: 400, message: /^unknown query parameter stauts \(did you mean status\?\)$/ },
  { name: 'deliveries limit 1.5', method: 'GET', path: '/v1/deliveries?limit=1.5', status: 400, message: /limit must be a whole number/ },
  { name: 'deliveries bad since', method: 'GET', path: '/v1/deliveries?since=yesterday', status: 400, message: /since must be an ISO 8601/ },
  { name: 'deliveries impossible until', method: 'GET', path: '/v1/deliveries?until=2026-02-30T00:00:00Z', status: 400, message: /until must be an ISO 8601/ },
  { name: 'deliveries since as a week date', method: 'GET', path: '/v1/deliveries?since=2026-W01', status: 400, message: /since must be an ISO 8601 date-time/ },
  { name: 'deliveries until in basic format', method: 'GET', path: '/v1/deliveries?until=20260101T000000Z', status: 400, message: /until must be an ISO 8601 date-time/ },
  { name: 'admin deliveries since as a week date', method: 'GET', path: '/v1/admin/deliveries?since=2026-W01-1', who: 'admin', status: 400, message: /since must be an ISO 8601 date-time/ },
  { name: 'deliveries since after until', method: 'GET', path: '/v1/deliveries?since=2026-02-02T00:00:00Z&until=2026-02-01T00:00:00Z', status: 400, message: /since must be before until/ },
  { name: 'deliveries garbage cursor', method: 'GET', path: '/v1/deliveries?cursor=%%%', status: 400, message: /cursor/ },
  { name: 'deliveries cursor that is not ours', method: 'GET', path: `/v1/deliveries?cursor=${Buffer.from('hello').toString('base64url')}`, status: 400, message: /cursor is invalid/ },
  { name: 'deliveries endpointId not an id', method: 'GET', path: '/v1/deliveries?endpointId=abc', status: 400, message: /endpointId must be an endpoint id/ },
  { name: 'deliveries eventId not an id', method: 'GET', path: '/v1/deliveries?eventId=abc', status: 400, message: /eventId must be an event id/ },
  { name: 'deliveries unknown status', method: 'GET', path: '/v1/deliveries?status=done', status: 400, message: /status must be pending, succeeded or failed/ },
  { name: 'deliveries eventType a..b', method: 'GET', path: '/v1/deliveries?eventType=a..b', status: 400, message: /eventType must be/ },
  { name: 'deliveries repeated limit', method: 'GET', path: '/v1/deliveries?limit=1&limit=2', status: 400, message: /limit/ },
  { name: 'deliveries broken percent-encoding in the query', method: 'GET', path: '/v1/deliveries?eventType=%zz', status: 400, message: /eventType/ },
  { name: 'deliveries unknown query field', method: 'GET', path: '/v1/deliveries?order=asc', status: 400, message: /^unknown query parameter order$/ },
  { name: 'delivery unknown id', method: 'GET', path: `/v1/deliveries/${UNKNOWN_ID}`, status: 404, message: /delivery not found/ },
  { name: 'delivery malformed id', method: 'GET', path: '/v1/deliveries/123', status: 404, message: /delivery not found/ },
  { name: 'deliveries with a wrong key', method: 'GET', path: '/v1/deliveries', who: 'whk_wrong', status: 401, message: /invalid API key/ },

  // Routes that do not exist
  { name: 'unknown route', method: 'GET', path: '/v1/nothing-here', status: 404, message: /Cannot GET \/v1\/nothing-here/ },
  { name: 'unsupported method', method: 'PUT', path: '/v1/endpoints/:ep', body: { status: 'disabled' }, status: 404, message: /Cannot PUT/ },

  // Admin
  { name: 'tenant without name', method: 'POST', path: '/v1/admin/tenants', body: {}, who: 'admin', status: 400, message: /^name is required$/ },
  { name: 'tenant with empty name', method: 'POST', path: '/v1/admin/tenants', body: { name: '' }, who: 'admin', status: 400, message: /name must be 1 to 200 characters/ },
  { name: 'tenant name of the wrong type', method: 'POST', path: '/v1/admin/tenants', body: { name: ['a'] }, who: 'admin', status: 400, message: /name must be a string/ },
  { name: 'tenant name with control characters', method: 'POST', path: '/v1/admin/tenants', body: { name: 'a\u0000b' }, who: 'admin', status: 400, message: /control characters/ },
  { name: 'tenant with an unknown field', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x', plan: 'pro' }, who: 'admin', status: 400, message: /^unknown property plan$/ },
  { name: 'tenant malformed JSON', method: 'POST', path: '/v1/admin/tenants', raw: '{name: x}', who: 'admin', status: 400, message: /not valid JSON/ },
  { name: 'tenant without the admin key', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x' }, who: 'none', status: 401, message: /missing bearer admin key/ },
  { name: 'tenant with a wrong admin key', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x' }, who: 'wrong-admin-key-0123456789', status: 401, message: /invalid admin key/ },
  { name: 'tenant with a tenant key', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x' }, who: 'tenant', status: 403, message: /admin routes take the admin key or a service key/ },
  { name: 'tenant with an externalId with a space', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x', externalId: 'a b' }, who: 'admin', status: 400, message: /externalId must be 1 to 255 visible ASCII/ },
  { name: 'tenant with a 256-character externalId', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x', externalId: 'e'.repeat(256) }, who: 'admin', status: 400, message: /externalId must be 1 to 255/ },
  { name: 'tenant with an externalId of the wrong type', method: 'POST', path: '/v1/admin/tenants', body: { name: 'x', externalId: 7 }, who: 'admin', status: 400, message: /externalId must be 1 to 255/ },
  { name: 'get-or-create without name', method: 'PUT', path: '/v1/admin/tenants/by-external-id/cus_1', body: {}, who: 'admin', status: 400, message: /^name is required$/ },
  { name: 'get-or-create with a control character in the path', method: 'PUT', path: '/v1/admin/tenants/by-external-id/a%01b', body: { name: 'x' }, who: 'admin', status: 400, message: /externalId in the path must be 1 to 255 visible ASCII/ },
  { name: 'get-or-create with a tenant key', method: 'PUT', path: '/v1/admin/tenants/by-external-id/cus_1', body: { name: 'x' }, who: 'tenant', status: 403, message: /admin routes/ },
  { name: 'admin tenants by an externalId with a space', method: 'GET', path: '/v1/admin/tenants?externalId=a%20b', who: 'admin', status: 400, message: /externalId must be 1 to 255/ },
  { name: 'admin tenant unknown id', method: 'GET', path: `/v1/admin/tenants/${UNKNOWN_ID}`, who: 'admin', status: 404, message: /tenant not found/ },
  { name: 'admin delete unknown tenant', method: 'DELETE', path: `/v1/admin/tenants/${UNKNOWN_ID}`, who: 'admin', status: 404, message: /tenant not found/ },
  { name: 'admin tenant patch externalId with a space', method: 'PATCH', path: `/v1/admin/tenants/${UNKNOWN_ID}`, body: { externalId: 'a b' }, who: 'admin', status: 400, message: /externalId must be 1 to 255/ },
  { name: 'service key with an unknown scope', method: 'POST', path: '/v1/admin/service-keys', body: { name: 'svc', scopes: ['events:write', 'events:read'] }, who: 'admin', status: 400, message: /unknown scope "events:read": allowed scopes are events:write, endpoints:read, endpoints:write, deliveries:read, deliveries:write, tenants:read, tenants:write/ },
  { name: 'service key without scopes', method: 'POST', path: '/v1/admin/service-keys', body: { name: 'svc', scopes: [] }, who: 'admin', status: 400, message: /scopes must name at least one/ },
  { name: 'service key with scopes of the wrong type', method: 'POST', path: '/v1/admin/service-keys', body: { name: 'svc', scopes: 'events:write' }, who: 'admin', status: 400, message: /scopes must be an array/ },
  { name: 'service key without name', method: 'POST', path: '/v1/admin/service-keys', body: { scopes: ['events:write'] }, who: 'admin', status: 400, message: /^name is required$/ },
  { name: 'service key with a tenant key', method: 'POST', path: '/v1/admin/service-keys', body: { name: 'svc', scopes: ['events:write'] }, who: 'tenant', status: 403, message: /admin routes/ },
  { name: 'revoke an unknown service key', method: 'DELETE', path: `/v1/admin/service-keys/${UNKNOWN_ID}`, who: 'admin', status: 404, message: /service key not found/ },

  // POST /v1/events/batch (refusals of the whole batch; items refused one by one are in batch-dispatch.test.ts)
  { name: 'batch without events', method: 'POST', path: '/v1/events/batch', body: {}, status: 400, message: /^events is required$/ },
  { name: 'batch with events that is not an array', method: 'POST', path: '/v1/events/batch', body: { events: { type: 'a.b', data: {} } }, status: 400, message: /events must be an array of 1 to 1000 events/ },
  { name: 'batch with no event', method: 'POST', path: '/v1/events/batch', body: { events: [] }, status: 400, message: /events must hold 1 to 1000 events/ },
  { name: 'batch with 1,001 events', method: 'POST', path: '/v1/events/batch', body: { events: Array.from({ length: 1001 }, () => ({ type: 'a.b', data: {} })) }, status: 400, message: /events must hold 1 to 1000 events/ },
  { name: 'batch with an unknown field', method: 'POST', path: '/v1/events/batch', body: { events: [{ type: 'a.b', data: {} }], mode: 'all' }, status: 400, message: /unknown property mode/ },
  { name: 'batch with an Idempotency-Key header', method: 'POST', path: '/v1/events/batch', body: { events: [{ type: 'a.b', data: {} }] }, headers: { 'idempotency-key': 'k' }, status: 400, message: /does not apply to a batch/ },
  { name: 'batch over 5 MiB', method: 'POST', path: '/v1/events/batch', raw: JSON.stringify({ events: [{ type: 'a.b', data: { x: 'x'.repeat(5.1 * 1024 * 1024) } }] }), status: 413, message: /larger than 5 MiB/ },
  { name: 'admin tenants bad cursor', method: 'GET', path: '/v1/admin/tenants?cursor=zzz', who: 'admin', status: 400, message: /cursor is invalid/ },
  { name: 'admin tenants limit 101', method: 'GET', path: '/v1/admin/tenants?limit=101', who: 'admin', status: 400, message: /limit must be at most 100/ },
  { name: 'admin deliveries tenantId not an id', method: 'GET', path: '/v1/admin/deliveries?tenantId=acme', who: 'admin', status: 400, message: /tenantId must be a tenant id/ },
  { name: 'admin deliveries limit 0', method: 'GET', path: '/v1/admin/deliveries?limit=0', who: 'admin', status: 400, message: /limit must be at least 1/ },
  { name: 'admin delivery unknown id', method: 'GET', path: `/v1/admin/deliveries/${UNKNOWN_ID}`, who: 'admin', status: 404, message: /delivery not found/ },
  { name: 'admin delivery malformed id', method: 'GET', path: '/v1/admin/deliveries/nope', who: 'admin', status: 404, message: /delivery not found/ },
  { name: 'admin deliveries with a wrong key', method: 'GET', path: '/v1/admin/deliveries', who: 'wrong-admin-key-0123456789', status: 401, message: /invalid admin key/ },
];

describe('API input validation: every bad input is a 4xx that says why and changes nothing', () => {
  let platform: TestPlatform;
  let tenant: Tenant;
  let endpointId: string;

  before(async () => {
    platform = await TestPlatform.start({ worker: false });
    tenant = await platform.createTenant('validation');
    const ep = await tenant.client.post('/v1/endpoints', good('https://example.com/hooks'));
    assert.equal(ep.status, 201, ep.text);
    endpointId = ep.body.id;
    // Something in every table, so "no change" is measured against real rows.
    const ev = await tenant.client.post('/v1/events', { type: 'order.completed', data: { n: 1 } });
    assert.equal(ev.status, 202, ev.text);
  });
  after(async () => {
    await platform?.stop();
  });

  function keyFor(who: Who | undefined): string | undefined {
    if (who === undefined || who === 'tenant') return tenant.apiKey;
    if (who === 'admin') return TEST_ADMIN_KEY;
    if (who === 'none') return undefined;
    return who;
  }

  for (const c of cases) {
    it(`${c.method} ${c.name} -> ${c.status}`, async () => {
      const before = await dbState(platform);
      const key = keyFor(c.who);
      const opts: CallOptions = { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...c.headers } };
      if (c.raw !== undefined) {
        opts.rawBody = c.raw;
        opts.headers!['content-type'] ??= 'application/json';
      } else if (c.body !== undefined) opts.body = c.body;
      const res = await platform.client().call(c.method, c.path.replace(':ep', endpointId), opts);
      assertErrorBody(res, c.status, c.message);
      assert.deepEqual(await dbState(platform), before, 'a rejected request must change nothing');
    });
  }

  it('says one thing per problem, in the message and in details: a missing field, a misspelt one', async () => {
    const res = await tenant.client.post('/v1/endpoints', { url: 'https://example.com/h', eventType: ['order.*'] });
    assertErrorBody(res, 400, /^eventTypes is required; unknown property eventType \(did you mean eventTypes\?\)$/);
    assert.deepEqual(res.body.details, [
      { field: 'eventTypes', problems: ['eventTypes is required'] },
      { field: 'eventType', problems: ['unknown property eventType (did you mean eventTypes?)'] },
    ]);
    // Two real problems with one field are both said.
    const both = await tenant.client.post('/v1/endpoints', { url: 'https://example.com/h', eventTypes: ['a'], description: `${'x'.repeat(1001)}\u0000` });
    assertErrorBody(both, 400, /description must be shorter than or equal to 1000 characters; description must not contain NUL characters/);
  });

  it('accepts a valid request on the same routes (the cases above fail for their one fault)', async () => {
    const created = await tenant.client.post('/v1/endpoints', { url: 'http://127.0.0.1:9/h', eventTypes: ['a.b', 'a.*', '*'], description: 'ok' });
    assert.equal(created.status, 201, created.text);
    const patched = await tenant.client.patch(`/v1/endpoints/${endpointId}`, { description: null, status: 'disabled' });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((await tenant.client.post('/v1/events', { type: 'a.b', data: { big: 'x'.repeat(200 * 1024) } })).status, 202);
    // NUL is fine inside the payload: it is stored as JSON text, escaped.
    assert.equal((await tenant.client.post('/v1/events', { type: 'a.b', data: { s: 'a\u0000b' } })).status, 202);
    const list = await tenant.client.get('/v1/deliveries?limit=100&since=2026-01-01T00:00:00Z&status=pending');
    assert.equal(list.status, 200, list.text);
    const batch = await tenant.client.post('/v1/events/batch', { events: [{ type: 'a.b', data: { big: 'x'.repeat(4 * 1024 * 1024) } }] });
    assert.equal(batch.status, 200, batch.text.slice(0, 300));
    assert.equal(batch.body.results[0].status, 202);
    const key = await platform.admin.post('/v1/admin/service-keys', { name: 'svc', scopes: ['tenants:write', 'events:write'] });
    assert.equal(key.status, 201, key.text);
    assert.deepEqual(key.body.scopes, ['events:write', 'tenants:write']);
    assert.equal((await platform.admin.call('PUT', '/v1/admin/tenants/by-external-id/a%2Fb~!', { body: { name: 'slash' } })).status, 201);
    assert.equal((await platform.admin.get('/v1/admin/tenants?externalId=a%2Fb~!')).body.data[0].name, 'slash');
  });
});

describe('API input validation with ALLOW_INSECURE_URLS=false', () => {
  let platform: TestPlatform;
  let tenant: Tenant;

  before(async () => {
    platform = await TestPlatform.start({ worker: false, env: { ALLOW_INSECURE_URLS: 'false' } });
    tenant = await platform.createTenant('strict');
  });
  after(async () => {
    await platform?.stop();
  });

  it('rejects an http url on create and on update, and accepts https', async () => {
    const before = await dbState(platform);
    assertErrorBody(await tenant.client.post('/v1/endpoints', good('http://example.com/h')), 400, /url must use https/);
    assert.deepEqual(await dbState(platform), before);
    const ok = await tenant.client.post('/v1/endpoints', good('https://example.com/h'));
    assert.equal(ok.status, 201, ok.text);
    const afterCreate = await dbState(platform);
    assertErrorBody(await tenant.client.patch(`/v1/endpoints/${ok.body.id}`, { url: 'http://example.com/other' }), 400, /url must use https/);
    assert.deepEqual(await dbState(platform), afterCreate);
  });
});
