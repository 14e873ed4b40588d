import assert from 'node:assert/strict';
import type { ApiResponse } from './http-client.js';
import type { TestPlatform } from './platform.js';

/** Asserts the shared error shape `{statusCode, error, message, details?}` with the given status,
 * and a message that says what is wrong. */
export function assertErrorBody(res: ApiResponse, status: number, message: RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, `error body must be JSON: ${res.text}`);
  const body = res.body as Record<string, unknown>;
  assert.ok(body && typeof body === 'object', `error body must be an object: ${res.text}`);
  const extra = Object.keys(body).filter((k) => !['statusCode', 'error', 'message', 'details'].includes(k));
  assert.deepEqual(extra, [], `unexpected keys in error body: ${res.text}`);
  assert.equal(body.statusCode, status);
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  assert.match(body.message as string, message);
}

/** Every row count, plus a digest of the endpoint and event rows, so an update in place shows. */
export async function dbState(platform: TestPlatform): Promise<Record<string, string>> {
  const [row] = await platform.query(`
    SELECT (SELECT count(*) FROM tenants)::text AS tenants,
           (SELECT count(*) FROM api_keys)::text AS api_keys,
           (SELECT count(*) FROM service_keys)::text AS service_keys,
           (SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t.id)), '') FROM tenants t) AS tenant_rows,
           (SELECT count(*) FROM endpoints)::text AS endpoints,
           (SELECT count(*) FROM events)::text AS events,
           (SELECT count(*) FROM deliveries)::text AS deliveries,
           (SELECT count(*) FROM delivery_attempts)::text AS attempts,
           (SELECT coalesce(md5(string_agg(e::text, ',' ORDER BY e.id)), '') FROM endpoints e) AS endpoint_rows,
           (SELECT coalesce(md5(string_agg(ev.id::text || ev.data::text, ',' ORDER BY ev.id)), '') FROM events ev) AS event_rows`);
  return row;
}
