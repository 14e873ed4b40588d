import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_ASSETS, writeConsoleFixture, type ConsoleFixture } from '../support/console-fixture.js';
import { TestPlatform } from '../support/platform.js';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self' https://app.example.com";

describe('the console served at /console', () => {
  let fixture: ConsoleFixture;
  let platform: TestPlatform;

  before(async () => {
    fixture = await writeConsoleFixture();
    platform = await TestPlatform.start({ worker: false, env: { CONSOLE_DIR: fixture.dir, PORTAL_FRAME_ANCESTORS: "'self' https://app.example.com" } });
  });
  after(async () => {
    await platform?.stop();
    await fixture?.remove();
  });

  const get = (path: string, method = 'GET') => platform.client().call(method, path);

  function assertSecurityHeaders(res: { headers: Record<string, unknown> }, what: string): void {
    assert.equal(res.headers['content-security-policy'], CSP, what);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', what);
  }

  it('serves index.html at /console and /console/, not cached, with the strict CSP', async () => {
    for (const path of ['/console', '/console/', '/console/index.html']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, /<h1 id="marker">fixture console<\/h1>/, path);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assertSecurityHeaders(res, path);
    }
  });

  it('hashed assets are cached for a year as immutable, with their content type', async () => {
    const js = await get(`/console/${FIXTURE_ASSETS.script}`);
    assert.equal(js.status, 200);
    assert.match(js.text, /securitypolicyviolation/);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assertSecurityHeaders(js, 'script');
    const css = await get(`/console/${FIXTURE_ASSETS.style}`);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    const head = await get(`/console/${FIXTURE_ASSETS.script}`, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(js.text)));
  });

  it('other files are revalidated (no-cache), not kept for a year', async () => {
    const res = await get('/console/favicon.svg');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/svg+xml');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assertSecurityHeaders(res, 'favicon');
  });

  it('any other /console path is a console route: index.html (SPA fallback)', async () => {
    for (const path of ['/console/portal', '/console/portal/', '/console/endpoints/0192f0c8-7d4e-7abc-8def-0123456789ab', '/console/deliveries?status=failed']) {
      const res = await get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.text, /fixture console/, path);
      assert.equal(res.headers['cache-control'], 'no-cache', path);
      assertSecurityHeaders(res, path);
    }
  });

  it('a missing hashed asset is a 404 JSON error, not index.html', async () => {
    const res = await get('/console/assets/app-00000000.js');
    assert.equal(res.status, 404);
    assert.equal(res.body.statusCode, 404);
    assert.match(res.body.message, /no such console asset: assets\/app-00000000\.js/);
    assertSecurityHeaders(res, 'missing asset');
  });

  it('refuses paths that would leave the console directory, however they are written', async () => {
    const attempts = [
      '/console/../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
      '/console/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/console/..%5csecret.txt',
      '/console/assets//app.js',
      `/console/${encodeURIComponent(join(fixture.dir, '..', 'secret.txt'))}`,
    ];
    for (const path of attempts) {
      const res = await get(path);
      assert.ok(!res.text.includes('outside the console'), `${path} reached the file outside the console`);
      assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status} ${res.text}`);
      assert.equal(res.body?.statusCode, res.status, `${path} answers a JSON error: ${res.text}`);
    }
  });

  it('the API routes are untouched: JSON, no console CSP', async () => {
    const res = await get('/health');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], undefined);
  });

  it('without a built console, /console answers 404 JSON saying to build it (and the API keeps serving)', async () => {
    await rm(join(fixture.dir, 'index.html'));
    for (const path of ['/console', '/console/portal', `/console/${FIXTURE_ASSETS.script}`]) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.body.message, /the console is not built: build apps\/console .* or point CONSOLE_DIR at a built console/, path);
      assertSecurityHeaders(res, path);
    }
    assert.equal((await get('/health')).status, 200);
  });
});

describe('the console with the default settings', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await TestPlatform.start({ worker: false, env: { CONSOLE_DIR: '/nonexistent/hookrelay-console' } });
  });
  after(async () => platform?.stop());

  it("frame-ancestors is 'none' when PORTAL_FRAME_ANCESTORS is empty; the API starts without a console", async () => {
    const res = await platform.client().get('/console');
    assert.equal(res.status, 404);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'$/);
  });
});
