import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { writeConsoleFixture, type ConsoleFixture } from '../support/console-fixture.js';
import { waitUntil } from '../support/test-env.js';
import { useBrowser, useConsolePlatform } from './support/browser.js';

// Page-side code is written as strings: the tests compile without the DOM library (the server code must not see it).

/** The frame of `page` showing the fixture console, once its script has run; undefined if none does. */
async function consoleFrame(page: Page): Promise<Frame | undefined> {
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const ran = await frame.evaluate<string | undefined>('document.documentElement.dataset.external').catch(() => undefined);
    if (ran === 'ran') return frame;
  }
  return undefined;
}

describe('the console CSP, in a real browser', () => {
  let fixture: ConsoleFixture;
  before(async () => {
    fixture = await writeConsoleFixture();
  });
  const browser = useBrowser();
  const f = useConsolePlatform({ worker: false, env: () => ({ CONSOLE_DIR: fixture.dir, PORTAL_FRAME_ANCESTORS: "'self'" }) });
  // A page on another origin (another loopback port) that frames the console.
  let foreign: Server;
  let foreignUrl: string;
  before(async () => {
    foreign = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>embedder</title><iframe id="embedded" title="console" src="${f.consoleUrl('/portal')}"></iframe>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise((resolve) => foreign?.close(resolve));
    await fixture?.remove();
  });

  it('runs the external script and blocks the inline one, reporting the violation', async () => {
    const page = await browser.newPage();
    const res = await page.goto(f.consoleUrl('/'));
    assert.equal(res?.status(), 200);
    await page.getByRole('heading', { name: 'fixture console' }).waitFor();
    assert.equal(await page.evaluate<string | undefined>('document.documentElement.dataset.external'), 'ran', `the external script ran: ${browser.logs.join('\n')}`);
    assert.equal(await page.evaluate<string | undefined>('document.body.dataset.inline'), undefined, 'the inline script did not run');
    const violations = await waitUntil(async () => {
      const v = await page.evaluate<string[]>('window.__violations');
      return v.length > 0 ? v : undefined;
    }, 10_000, 'a securitypolicyviolation event');
    assert.deepEqual(violations, ['script-src-elem inline']);
    // The stylesheet from 'self' applied.
    assert.equal(await page.evaluate<string>("getComputedStyle(document.getElementById('marker')).color"), 'rgb(1, 2, 3)');
  });

  it("a client route (/console/portal) loads the console; a same-origin frame is allowed with PORTAL_FRAME_ANCESTORS='self'", async () => {
    const page = await browser.newPage();
    await page.goto(f.consoleUrl('/portal'));
    await page.getByRole('heading', { name: 'fixture console' }).waitFor();
    // Add a frame from the page's own origin (through the driver: the page's CSP refuses inline script).
    await page.evaluate(`(() => {
      const frame = document.createElement('iframe');
      frame.title = 'same origin';
      frame.src = ${JSON.stringify(f.consoleUrl('/portal#token=x'))};
      document.body.append(frame);
    })()`);
    const frame = await waitUntil(() => consoleFrame(page), 10_000, 'the same-origin frame to show the console');
    assert.equal(await frame.getByRole('heading', { name: 'fixture console' }).textContent(), 'fixture console');
  });

  it('a page on another origin cannot frame the console (frame-ancestors)', async () => {
    const page = await browser.newPage();
    await page.goto(foreignUrl);
    const iframe = page.getByTitle('console');
    await iframe.waitFor();
    // The refusal shows in the console as a CSP error naming frame-ancestors; the frame never shows the console.
    await waitUntil(() => browser.logs.some((l) => /frame-ancestors/.test(l)), 10_000, `a frame-ancestors refusal in the console log (seen: ${browser.logs.join(' | ')})`);
    assert.equal(await consoleFrame(page), undefined, 'the console showed inside a foreign page');
    const child = page.frames().find((fr) => fr !== page.mainFrame());
    assert.ok(child, 'the iframe has a frame');
    assert.ok(!child.url().startsWith(f.consoleUrl()), `the frame stayed off the console: ${child.url()}`);
  });
});
