import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Hookrelay,
  HookrelayConflictError,
  HookrelayError,
  HookrelayNotFoundError,
  HookrelayPermissionError,
  HookrelayValidationError,
  Page,
} from '@hookrelay/client';
import { Loopback } from './loopback.js';

describe('Page', () => {
  // Pages of 2 over 1..5: the cursor is the last number shown.
  const fetchPage = async (cursor: string): Promise<Page<number>> => {
    const from = Number(cursor) + 1;
    const data = [from, from + 1].filter((n) => n <= 5);
    return new Page(data, data.at(-1)! < 5 ? String(data.at(-1)) : null, fetchPage);
  };
  const first = new Page([1, 2], '2', fetchPage);

  it('iterates the items of every page from this one on', async () => {
    const seen: number[] = [];
    for await (const n of first) seen.push(n);
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.deepEqual(await first.toArray(), [1, 2, 3, 4, 5]);
  });

  it('walks pages, stopping after the one without a cursor', async () => {
    const pages: number[][] = [];
    for await (const p of first.pages()) pages.push(p.data);
    assert.deepEqual(pages, [[1, 2], [3, 4], [5]]);
    const last = new Page([5], null, fetchPage);
    assert.equal(last.hasMore, false);
    assert.equal(await last.next(), undefined);
  });

  it('stops fetching when the loop breaks', async () => {
    let fetched = 0;
    const counting = async (c: string) => {
      fetched++;
      return fetchPage(c);
    };
    for await (const n of new Page([1, 2], '2', counting)) if (n === 2) break;
    assert.equal(fetched, 0);
  });
});

describe('errors and pages over HTTP', () => {
  let server: Loopback;
  let hr: Hookrelay;
  before(async () => {
    server = await Loopback.start((req) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/v1/endpoints') {
        const cursor = url.searchParams.get('cursor');
        const page = cursor === null ? { data: [{ id: 'a' }, { id: 'b' }], nextCursor: 'c1' } : cursor === 'c1' ? { data: [{ id: 'c' }], nextCursor: null } : undefined;
        return page ? { status: 200, body: page } : { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'cursor is invalid' } };
      }
      const errors: Record<string, [number, unknown]> = {
        '/v1/deliveries/d404': [404, { statusCode: 404, error: 'Not Found', message: 'delivery not found' }],
        '/v1/deliveries/d409/resend': [409, { statusCode: 409, error: 'Conflict', message: 'the delivery is pending' }],
        '/v1/settings': [403, { statusCode: 403, error: 'Forbidden', message: 'a service key without the scope endpoints:read', details: { scope: 'endpoints:read' } }],
        '/v1/events/bad': [502, 'Bad Gateway from a proxy'],
      };
      const [status, body] = errors[url.pathname] ?? [400, { statusCode: 400, error: 'Bad Request', message: 'limit must be at most 100' }];
      return { status, body };
    });
    hr = new Hookrelay({ baseUrl: `${server.url}/`, apiKey: 'hrs_x' });
  });
  after(() => server.close());

  it('a list resolves to its first page and iterates the rest with the cursor, keeping the filters', async () => {
    const page = await hr.endpoints.list({ limit: 2 });
    assert.deepEqual(page.data.map((e) => e.id), ['a', 'b']);
    assert.deepEqual((await page.toArray()).map((e) => e.id), ['a', 'b', 'c']);
    const urls = server.seen.filter((r) => r.url.startsWith('/v1/endpoints')).map((r) => r.url);
    // the first page is not fetched again
    assert.deepEqual(urls, ['/v1/endpoints?limit=2', '/v1/endpoints?limit=2&cursor=c1']);
  });

  const cases: [string, () => Promise<unknown>, typeof HookrelayError, number, string][] = [
    ['404', () => hr.deliveries.get('d404'), HookrelayNotFoundError, 404, 'delivery not found'],
    ['409', () => hr.deliveries.resend('d409'), HookrelayConflictError, 409, 'the delivery is pending'],
    ['403', () => hr.settings.get(), HookrelayPermissionError, 403, 'a service key without the scope endpoints:read'],
    ['400', () => hr.events.list({ limit: 1000 }), HookrelayValidationError, 400, 'limit must be at most 100'],
    ['a status without a class of its own, with a text body', () => hr.events.get('bad'), HookrelayError, 502, 'Bad Gateway from a proxy'],
  ];
  for (const [name, call, ErrorClass, status, message] of cases) {
    it(`maps ${name} to ${ErrorClass.name} with the status and the message`, async () => {
      const err = await call().then(() => assert.fail('expected an error'), (e: unknown) => e);
      assert.ok(err instanceof ErrorClass, `${String(err)}`);
      assert.ok(err instanceof HookrelayError);
      assert.equal(err.status, status);
      assert.equal(err.message, message);
    });
  }

  it('keeps the error body: its status text and details', async () => {
    const err = await hr.settings.get().then(() => assert.fail('expected a 403'), (e: unknown) => e as HookrelayError);
    assert.equal(err.error, 'Forbidden');
    assert.deepEqual(err.details, { scope: 'endpoints:read' });
    assert.equal(err.name, 'HookrelayPermissionError');
  });

  it('forTenant sends Hookrelay-Tenant with the id or ext:<externalId>', async () => {
    await hr.forTenant('8c0d3f4e-0000-4000-8000-000000000000').endpoints.list();
    await hr.forTenant({ externalId: 'cus_8311' }).endpoints.list();
    const tenants = server.seen.slice(-2).map((r) => r.headers['hookrelay-tenant']);
    assert.deepEqual(tenants, ['8c0d3f4e-0000-4000-8000-000000000000', 'ext:cus_8311']);
    assert.equal(server.seen.at(-1)!.headers.authorization, 'Bearer hrs_x');
  });
});
