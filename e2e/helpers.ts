/** Shared parts of the browser tests: Chromium, logging in, waiting for a settled page, axe-core. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM } from './global-setup';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * One Chromium for the tests of a file (unless the run skips browser tests): launched before
 * them, closed after. Call at the top level of a test file; use the returned getter in tests.
 */
export function fileBrowser(skip: string): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!skip) browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

export const launch = () => chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });

export async function loginAs(browser: Browser, baseURL: string, user: string, viewport = { width: 1440, height: 900 }): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, baseURL, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`${String(e)} at ${page.url()}: ${(e.stack ?? '').split('\n').slice(1, 4).join(' | ')}`));
  await page.goto('/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'demo-password-1');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login') && u.pathname !== '/'), page.click('button[type=submit]')]);
  await page.waitForLoadState('load');
  return { context, page, errors };
}

/** A first login with a one-time password: the password change comes first, then the app. */
export async function loginFirstTime(browser: Browser, baseURL: string, user: string, once: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', once);
  await Promise.all([page.waitForURL(/\/password/), page.click('button[type=submit]')]);
  await page.fill('input[name=current]', once);
  await page.fill('input[name=next]', password);
  await page.fill('input[name=repeat]', password);
  await Promise.all([page.waitForURL(/\/dashboards\//), page.click('button[type=submit]')]);
  return { context, page };
}

/** Waits until no panel is loading and every chart has drawn. */
export async function settled(page: Page) {
  await page.waitForFunction(
    () =>
      !document.querySelector('.skeleton') &&
      !document.querySelector('[aria-busy="true"]') &&
      [...document.querySelectorAll('.chart-canvas')].every((e) => e.getAttribute('data-rendered') === 'true'),
    null,
    { timeout: 60_000 },
  );
}

export type AxeResult = { violations: Array<{ id: string; impact: string; nodes: unknown[] }> };

/** axe-core's WCAG 2.1 A/AA rules on the current page. */
export async function axeRun(page: Page): Promise<AxeResult> {
  await page.addScriptTag({ content: axeSource });
  return (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<unknown> } }).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  })) as AxeResult;
}
