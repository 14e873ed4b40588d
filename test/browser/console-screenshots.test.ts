import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { useBrowser, useConsolePlatform } from './support/browser.js';
import { see, signIn } from './support/console-pages.js';
import { TEST_ADMIN_KEY, waitUntil } from '../support/test-env.js';

/** The README's pictures of the console. Every run takes them (and checks each page renders);
 * CONSOLE_SCREENSHOTS=1 writes them to docs/console/ instead of a temporary directory. */
const DOCS_DIR = fileURLToPath(new URL('../../../docs/console/', import.meta.url));

describe('console screenshots', () => {
  const f = useConsolePlatform();
  const b = useBrowser();
  let dir = '';
  let tmp: string | undefined;

  before(async () => {
    if (process.env.CONSOLE_SCREENSHOTS === '1') {
      dir = DOCS_DIR;
      await mkdir(dir, { recursive: true });
    } else {
      tmp = await mkdtemp(join(tmpdir(), 'hookrelay-shots-'));
      dir = tmp;
    }
  });
  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  async function shot(page: Page, name: string): Promise<void> {
    const path = join(dir, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    assert.ok((await stat(path)).size > 5_000, `${name}.png has content`);
  }

  it('takes the main pages with data in them', async () => {
    const tenant = await f.platform.createTenant('Acme Inc.');
    // One receiver in four answers 503 (retried), and answers take a little time: the charts have both.
    f.receiver.on('/orders', (_req, nth) => (nth % 4 === 3 ? { status: 503, body: 'busy, try later' } : { status: 200, body: '{"ok":true}', delayMs: 5 + (nth % 7) * 6 }));
    f.receiver.on('/billing', { status: 200 });
    const orders = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/orders'), eventTypes: ['order.*'], description: 'Orders service, production' });
    await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/billing'), eventTypes: ['invoice.paid', 'invoice.failed'], signature: { scheme: 'stripe' } });
    for (let i = 0; i < 24; i++) {
      await tenant.client.post('/v1/events', { type: i % 3 === 0 ? 'invoice.paid' : 'order.completed', data: { orderId: `o_${1000 + i}`, total: 4200 + i, currency: 'EUR' } });
    }
    await f.receiver.waitFor(24);

    const page = await b.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(f.consoleUrl('/'));
    await see(page.getByRole('button', { name: 'Sign in' }));
    await shot(page, 'sign-in');

    await signIn(page, f.consoleUrl('/'), tenant.apiKey);
    await see(page.getByRole('table', { name: 'Endpoints' }).getByText(/succeeded in 24 h/));
    await shot(page, 'endpoints');

    await page.getByRole('link', { name: f.receiver.url('/orders') }).click();
    await waitUntil(async () => (await page.getByRole('img', { name: /Attempts by result, last 1h: succeeded [1-9]/ }).count()) > 0 || (await page.getByRole('button', { name: '24h' }).click(), await page.getByRole('button', { name: '1h' }).click(), false), 30_000, 'the charts');
    await see(page.getByRole('table', { name: 'Recent deliveries' }));
    await shot(page, 'endpoint-detail');

    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await see(page.getByRole('table', { name: 'Deliveries' }));
    await shot(page, 'deliveries');

    const retried = await waitUntil(async () => {
      const r = await tenant.client.get(`/v1/deliveries?endpointId=${orders.body.id}&status=succeeded&limit=100`);
      return (r.body.data as Array<{ id: string; attemptCount: number }>).find((d) => d.attemptCount > 1);
    }, 30_000, 'a delivery that took two attempts');
    await page.goto(f.consoleUrl(`/deliveries/${retried.id}`));
    await see(page.getByRole('list', { name: 'Attempts' }).getByRole('listitem').filter({ hasText: 'HTTP 503' }));
    await shot(page, 'delivery-detail');

    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await see(page.getByRole('table', { name: 'Events' }));
    await shot(page, 'events');

    const admin = await b.newPage();
    await admin.setViewportSize({ width: 1280, height: 800 });
    await signIn(admin, f.consoleUrl('/'), TEST_ADMIN_KEY);
    await admin.getByRole('link', { name: 'Tenants' }).click();
    await see(admin.getByRole('listitem', { name: 'Tenant Acme Inc.' }));
    await shot(admin, 'operator-tenants');
    await admin.getByRole('link', { name: 'Overview' }).click();
    await see(admin.getByRole('heading', { name: 'Overview', level: 1 }));
    await shot(admin, 'operator-overview');
  });
});
