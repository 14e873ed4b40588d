import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useBrowser, useConsolePlatform } from './support/browser.js';
import { assertKeyOnlyInSessionStorage, see, signIn, UI_WAIT_MS } from './support/console-pages.js';
import { TEST_ADMIN_KEY, waitUntil } from '../support/test-env.js';

// A tenant's journeys through the built console, against the real API and worker and a loopback receiver.
describe('console: a tenant manages endpoints and follows deliveries', () => {
  const f = useConsolePlatform();
  const b = useBrowser();

  it('signs in, creates an endpoint (its secret shown once), and watches a dispatched delivery appear and succeed', async () => {
    const tenant = await f.platform.createTenant('journeys');
    const page = await b.newPage();
    await signIn(page, f.consoleUrl('/'), tenant.apiKey);
    await see(page.getByRole('heading', { name: 'Endpoints', level: 1 }));
    await see(page.getByText('No endpoints yet'));
    await assertKeyOnlyInSessionStorage(page, tenant.apiKey);

    await page.getByRole('link', { name: 'New endpoint' }).click();
    await page.getByLabel('URL').fill(f.receiver.url('/orders'));
    await page.getByLabel('Event types').fill('order.completed');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await see(page.getByRole('heading', { name: 'Endpoint created' }));
    await see(page.getByText(/^whsec_/));
    await see(page.getByRole('button', { name: 'Copy signing secret' }));

    await page.getByRole('link', { name: 'Open the endpoint' }).click();
    await see(page.getByText('No deliveries yet'));
    const res = await tenant.client.post('/v1/events', { type: 'order.completed', data: { orderId: 'o_1' } });
    assert.equal(res.status, 202);
    await f.receiver.waitFor(1, '/orders');
    const recent = page.getByRole('table', { name: 'Recent deliveries' });
    await see(recent.getByRole('row').filter({ hasText: 'order.completed' }).filter({ hasText: 'succeeded' }));

    // The endpoint list shows it with its status and event types.
    await page.getByRole('link', { name: 'Endpoints', exact: true }).first().click();
    const row = page.getByRole('table', { name: 'Endpoints' }).getByRole('row').filter({ hasText: f.receiver.url('/orders') });
    await see(row.filter({ hasText: 'active' }).filter({ hasText: 'order.completed' }));
  });

  it('shows a failed delivery with its attempts, hostile bodies as text only, and a resend that succeeds', async () => {
    const tenant = await f.platform.createTenant('resend');
    const hostileBody = '<img src=x onerror="window.__pwned=1;alert(1)">';
    let failing = true;
    f.receiver.on('/flaky', () => (failing ? { status: 500, body: hostileBody } : { status: 200, body: 'ok' }));
    const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/flaky'), eventTypes: ['invoice.paid'] });
    assert.equal(ep.status, 201);
    const ev = await tenant.client.post('/v1/events', { type: 'invoice.paid', data: { note: '<script>window.__pwned=2</script>', amount: 42 } });
    assert.equal(ev.status, 202);

    const page = await b.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(page, f.consoleUrl('/deliveries'), tenant.apiKey);
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    const row = page.getByRole('table', { name: 'Deliveries' }).getByRole('row').filter({ hasText: 'invoice.paid' });
    await see(row.filter({ hasText: 'failed' }));
    await row.getByRole('link').click();

    await see(page.getByRole('heading', { name: /Delivery of invoice\.paid/ }));
    await see(page.getByRole('list', { name: 'Attempts' }).getByRole('listitem').filter({ hasText: 'HTTP 500' }));
    // The receiver's answer and the event's data are text on the page, not elements.
    const body = page.getByLabel('Response body of attempt 1');
    assert.equal(await body.textContent(), hostileBody);
    assert.match((await page.getByLabel('Event payload').textContent()) ?? '', /"note": "<script>window.__pwned=2<\/script>"/);
    assert.equal(await page.locator('main img').count(), 0, 'no <img> element came from the response body');
    assert.equal(await page.locator('main script').count(), 0, 'no <script> element came from the event data');
    // The signature is never shown.
    await see(page.getByRole('table', { name: 'Request headers' }).getByRole('row').filter({ hasText: 'elided' }));

    failing = false;
    await page.getByRole('button', { name: 'Resend' }).click();
    await see(page.getByRole('list', { name: 'Attempts' }).getByRole('listitem').filter({ hasText: 'HTTP 200' }));
    await see(page.locator('dd').getByText('succeeded', { exact: true }));
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined, 'no hostile script ran');
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });

  it('recovers since a time with live progress, and charts the attempts', async () => {
    const tenant = await f.platform.createTenant('recover');
    // Events accepted before any endpoint subscribed: only a recovery sends them.
    for (let i = 0; i < 3; i++) assert.equal((await tenant.client.post('/v1/events', { type: 'user.created', data: { n: i } })).status, 202);
    const ep = await tenant.client.post('/v1/endpoints', { url: f.receiver.url('/users'), eventTypes: ['user.*'] });
    assert.equal(ep.status, 201);

    const page = await b.newPage();
    await signIn(page, f.consoleUrl('/'), tenant.apiKey);
    await page.getByRole('link', { name: f.receiver.url('/users') }).click();
    await see(page.getByRole('heading', { name: 'Recover since…' }));
    await page.getByRole('button', { name: 'Start recovery' }).click();
    const progress = page.getByRole('status', { name: 'Recovery progress' });
    await see(progress.filter({ hasText: 'completed' }).filter({ hasText: '3 of 3 sent again' }));
    await f.receiver.waitFor(3, '/users');

    // The stats route counts the attempts (a second or so behind): the bar chart shows them.
    await waitUntil(async () => {
      await page.getByRole('button', { name: '24h' }).click();
      await page.getByRole('button', { name: '1h' }).click();
      return (await page.getByRole('img', { name: /Attempts by result, last 1h: succeeded 3, failed 0/ }).count()) > 0;
    }, UI_WAIT_MS, 'the chart to count 3 attempts');
    const bars = page.getByRole('img', { name: /Attempts by result/ }).locator('rect.bar');
    assert.ok((await bars.count()) >= 1, 'the chart draws bars');
    await see(page.getByRole('img', { name: /p95 latency, last 1h: highest \d+ ms/ }));
  });
});

describe('console: an operator creates a tenant and hands it a portal link', () => {
  const f = useConsolePlatform();
  const b = useBrowser();

  /** The link the operator page shows, opened on this test's API (PUBLIC_URL names another host). */
  async function createPortalLink(page: import('playwright-core').Page, tenantName: string, readOnly: boolean): Promise<string> {
    const card = page.getByRole('listitem', { name: `Tenant ${tenantName}` });
    const readOnlyBox = card.getByRole('checkbox', { name: 'Read-only' });
    if (readOnly) await readOnlyBox.check();
    else await readOnlyBox.uncheck();
    const shown = card.getByLabel('Portal link URL');
    const before = (await shown.count()) > 0 ? await shown.textContent() : null;
    await card.getByRole('button', { name: 'Create portal link' }).click();
    // Wait for this request's link, not the one shown before it: its scope in words, and another token.
    const notice = card.getByRole('status', { name: `Portal link of ${tenantName}` });
    await see(notice.filter({ hasText: readOnly ? /^Portal link \(read-only\), valid until/ : /^Portal link, valid until/ }));
    await waitUntil(async () => {
      const text = await shown.textContent();
      return text !== null && text !== before && /token=hrp_/.test(text);
    }, UI_WAIT_MS, 'the new portal link');
    const url = new URL((await shown.textContent()) ?? '');
    assert.equal(url.pathname, '/console/portal');
    assert.match(url.hash, /^#token=hrp_/);
    return f.consoleUrl(`/portal${url.hash}`);
  }

  it('creates a tenant with an external id and alert emails; its links see only it, a read-only link cannot write, an expired one is refused', async () => {
    const other = await f.platform.createTenant('someone else');
    assert.equal((await other.client.post('/v1/endpoints', { url: f.receiver.url('/not-yours'), eventTypes: ['secret.*'] })).status, 201);

    const page = await b.newPage();
    await signIn(page, f.consoleUrl('/'), TEST_ADMIN_KEY);
    await see(page.getByRole('heading', { name: 'Overview', level: 1 }));
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByLabel('Tenant name').fill('Acme Portal');
    await page.getByLabel('External id').fill('cus_acme');
    await page.getByLabel('Alert emails').fill('ops@acme.test');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await see(page.getByRole('heading', { name: 'Tenant Acme Portal created' }));
    await see(page.getByText(/^whk_/));
    const card = page.getByRole('listitem', { name: 'Tenant Acme Portal' });
    await see(card.getByText('cus_acme'));
    await see(card.getByText('ops@acme.test'));

    // A full link: the tenant's own (empty) console, nothing of the other tenant's, and it can write.
    const fullLink = await createPortalLink(page, 'Acme Portal', false);
    const portal = await b.context.newPage();
    await portal.goto(fullLink);
    await see(portal.getByRole('heading', { name: 'Endpoints', level: 1 }));
    assert.ok(!portal.url().includes('token'), 'the token left the address bar');
    assert.equal(await portal.evaluate(() => JSON.stringify({ ...sessionStorage }).includes('hrp_')), true, 'the token is kept in sessionStorage');
    await see(portal.getByText('No endpoints yet'));
    assert.equal(await portal.getByText(f.receiver.url('/not-yours')).count(), 0);
    assert.equal(await portal.getByRole('link', { name: 'Tenants' }).count(), 0, 'a portal has no operator pages');
    await portal.getByRole('link', { name: 'New endpoint' }).click();
    await portal.getByLabel('URL').fill(f.receiver.url('/acme'));
    await portal.getByLabel('Event types').fill('order.*');
    await portal.getByRole('button', { name: 'Create endpoint' }).click();
    await see(portal.getByRole('heading', { name: 'Endpoint created' }));
    await portal.close();

    // A read-only link reads the same tenant and is refused, in words, when it writes.
    const readOnlyLink = await createPortalLink(page, 'Acme Portal', true);
    // The notice describes the link it shows, not the checkbox: unchecking the box does not relabel it.
    await card.getByRole('checkbox', { name: 'Read-only' }).uncheck();
    const notice = card.getByRole('status', { name: 'Portal link of Acme Portal' });
    assert.match((await notice.textContent()) ?? '', /^Portal link \(read-only\), valid until/);
    const ro = await (await b.browser.newContext()).newPage();
    await ro.goto(readOnlyLink);
    await see(ro.getByRole('link', { name: f.receiver.url('/acme') }));
    await ro.getByRole('link', { name: 'New endpoint' }).click();
    await ro.getByLabel('URL').fill(f.receiver.url('/ro'));
    await ro.getByLabel('Event types').fill('order.*');
    await ro.getByRole('button', { name: 'Create endpoint' }).click();
    await see(ro.getByRole('alert').filter({ hasText: /Not allowed/ }));
    const tenants = (await f.platform.admin.get('/v1/admin/tenants?externalId=cus_acme')).body.data as Array<{ id: string }>;
    const endpoints = await f.platform.query<{ url: string }>('SELECT url FROM endpoints WHERE tenant_id = $1', [tenants[0]!.id]);
    assert.deepEqual(endpoints.map((e) => e.url), [f.receiver.url('/acme')], 'the read-only link wrote nothing');
    await ro.context().close();

    // An expired link is refused: the page says so.
    const expiring = await createPortalLink(page, 'Acme Portal', false);
    const token = decodeURIComponent(new URL(expiring).hash.slice('#token='.length));
    const expired = await f.platform.query("UPDATE portal_sessions SET expires_at = now() - interval '1 second' WHERE $1 LIKE prefix || '%' RETURNING id", [token]);
    assert.equal(expired.length, 1);
    const ex = await (await b.browser.newContext()).newPage();
    await ex.goto(expiring);
    await see(ex.getByRole('alert').filter({ hasText: /expired/ }));
    assert.equal(await ex.getByRole('table', { name: 'Endpoints' }).count(), 0);
    await ex.context().close();
  });

  it('creates a service key that signs in with the tenant picker, reads the delivery log across tenants, and revokes the key', async () => {
    const acme = await f.platform.createTenant('Picked Co');
    f.receiver.on('/picked', { status: 200 });
    assert.equal((await acme.client.post('/v1/endpoints', { url: f.receiver.url('/picked'), eventTypes: ['ping'] })).status, 201);
    assert.equal((await acme.client.post('/v1/events', { type: 'ping', data: {} })).status, 202);
    await f.receiver.waitFor(1, '/picked');

    const page = await b.newPage();
    await signIn(page, f.consoleUrl('/'), TEST_ADMIN_KEY);
    await page.getByRole('link', { name: 'Delivery log' }).click();
    await see(page.getByRole('table', { name: 'Deliveries across tenants' }).getByRole('row').filter({ hasText: acme.id }).filter({ hasText: 'succeeded' }));

    await page.getByRole('link', { name: 'Service keys' }).click();
    await see(page.getByText('No service keys yet'));
    await page.getByLabel('Key name').fill('support-desk');
    for (const scope of ['endpoints:read', 'deliveries:read', 'tenants:read']) await page.getByRole('checkbox', { name: scope }).check();
    await page.getByRole('button', { name: 'Create service key' }).click();
    const shown = page.getByLabel('Service key', { exact: true });
    await see(shown);
    const key = (await shown.textContent()) ?? '';
    assert.match(key, /^hrs_/);

    const other = await (await b.browser.newContext()).newPage();
    await signIn(other, f.consoleUrl('/'), key);
    await other.getByRole('link', { name: 'Endpoints', exact: true }).click();
    await see(other.getByRole('heading', { name: 'Pick a tenant' }));
    await other.getByRole('button', { name: 'Act for Picked Co' }).click();
    await see(other.getByRole('link', { name: f.receiver.url('/picked') }));

    await page.getByRole('button', { name: 'Revoke support-desk' }).click();
    await page.getByRole('button', { name: 'Yes, revoke support-desk' }).click();
    await see(page.getByRole('table', { name: 'Service keys' }).getByText(/revoked/));
    await other.reload();
    await see(other.getByRole('alert').filter({ hasText: /Not signed in/ }));
    await other.context().close();
  });
});
