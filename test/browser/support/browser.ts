import { existsSync } from 'node:fs';
import { after, afterEach, before, beforeEach } from 'node:test';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { usePlatform, type PlatformFixture } from '../../support/fixture.js';

/** Debian's Chromium; never a browser Playwright downloads. `.ci/run` installs it when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, and quiet on this machine's closed network: no background fetches, updates, sync or QUIC.
 * Playwright adds a fresh --user-data-dir in a temporary directory and removes it when the browser closes. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
] as const;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need Debian's Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (.ci/run does this)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

export interface BrowserFixture {
  browser: Browser;
  /** A fresh context (no cookies, storage or cache) for the current test. */
  context: BrowserContext;
  /** A new page in the current test's context. */
  newPage(): Promise<Page>;
  /** Console messages and page errors seen in the current test's pages, for diagnostics and assertions. */
  logs: string[];
}

/** One Chromium for the enclosing suite, a fresh context per test (closed after it), and the
 * pages' console output collected per test. */
export function useBrowser(): BrowserFixture {
  const f = { logs: [] as string[] } as BrowserFixture;
  before(async () => {
    f.browser = await launchChromium();
  });
  beforeEach(async () => {
    f.logs = [];
    f.context = await f.browser.newContext({ serviceWorkers: 'block' });
    f.context.on('page', (p) => watch(p, f));
  });
  afterEach(async () => {
    await f.context?.close();
  });
  after(async () => {
    await f.browser?.close();
  });
  f.newPage = async () => {
    const page = await f.context.newPage();
    return page;
  };
  return f;
}

function watch(page: Page, f: BrowserFixture): void {
  page.on('console', (m: ConsoleMessage) => f.logs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => f.logs.push(`pageerror: ${e.message}`));
}

export interface ConsolePlatformFixture extends PlatformFixture {
  /** `<api url>/console<path>`. */
  consoleUrl(path?: string): string;
}

/** The real API and worker (and a loopback receiver), serving the console: the built app
 * (apps/console/dist) unless `env.CONSOLE_DIR` names another directory. */
export function useConsolePlatform(opts: Parameters<typeof usePlatform>[0] = {}): ConsolePlatformFixture {
  const f = usePlatform(opts) as ConsolePlatformFixture;
  f.consoleUrl = (path = '') => `${f.platform.apiUrl}/console${path}`;
  return f;
}
