import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/** How long a page may take to show what the API and worker did (auto-refresh runs every few seconds). */
export const UI_WAIT_MS = 30_000;

/** Signs in on the console's form as a person would; `tenant` fills the tenant field (service and admin keys). */
export async function signIn(page: Page, url: string, key: string, tenant?: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API key').fill(key);
  if (tenant !== undefined) await page.getByLabel(/^Tenant/).fill(tenant);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await see(page.getByRole('button', { name: 'Sign out' }));
}

/** Resolves once `locator` is visible; fails with what the page says instead. */
export async function see(locator: Locator, timeout = UI_WAIT_MS): Promise<void> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    const page = locator.page();
    const alerts = await page.getByRole('alert').allTextContents();
    const text = await page.locator('body').textContent();
    throw new Error(`${(err as Error).message}\nURL: ${page.url()}\nalerts: ${JSON.stringify(alerts)}\npage text: ${text?.slice(0, 1500)}`);
  }
}

/** The key is kept in sessionStorage only: never in the URL or localStorage. */
export async function assertKeyOnlyInSessionStorage(page: Page, key: string): Promise<void> {
  assert.ok(!page.url().includes(key), 'the key is not in the URL');
  const stores = await page.evaluate(() => ({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) }));
  assert.ok(!stores.local.includes(key), 'the key is not in localStorage');
  assert.ok(stores.session.includes(key), 'the key is in sessionStorage');
}
