// Headless Chromium for browser tests: Debian's `chromium` package (/usr/bin/chromium, installed by .ci/run when
// missing) driven by playwright-core, with a fresh profile per launch and no network of its own (no updates, no
// sync, no QUIC). Collects console errors and failed page loads so a test can assert there were none.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.RECGRAPH_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  context: BrowserContext;
  /** A new tab whose console errors, page errors and failed requests are recorded in `problems`. */
  newPage(): Promise<Page>;
  /** Console errors, uncaught page errors and failed requests seen so far, as readable lines. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  // A persistent context is how playwright takes a user-data dir: a fresh one per launch, removed on close.
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'recgraph-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
    page.on('requestfailed', (request) =>
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
    );
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    problems,
    async newPage() {
      const page = await context.newPage();
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
