/**
 * Administration in Chromium: the admin lands on /admin with the users and roles, reads the audit
 * log filtered, and downloads it; no one else reaches these pages.
 */
import { readFileSync } from 'node:fs';
import { fisAsync } from '../test/helpers';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeRun, launch, loginAs } from './helpers';

const env = inject('e2e');
let browser: Browser;

beforeAll(async () => {
  if (!env.skip) browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!!env.skip)(`administration in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('brings the admin to the users, roles and audit log, filtered and as CSV', async () => {
    const { context, page, errors } = await loginAs(browser, env.baseURL, 'admin');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.locator('[data-testid="admin-users"] tbody th').allTextContents()).toContain('ast-muc');
    expect(await page.locator('[data-testid="admin-roles"] tbody th').allTextContents()).toContain('regional-head');
    await page.goto('/admin/audit?action=login&actor=admin');
    const actions = await page.locator('[data-testid="audit"] tbody tr td:nth-of-type(2)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a === 'login')).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[download]', { hasText: 'CSV' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8').split('\r\n')[0]).toBe('at,actor,action,target,outcome,details');
    const serious = (await axeRun(page)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(serious).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leads a user with a one-time password to the password change first', async () => {
    // a new user (the demo users' passwords stay as the other browser tests expect them)
    const created = await fisAsync(['users', 'create', 'erika.e2e', '--name', 'Erika E2E', '--roles', 'division-integration'], env.dataDir);
    expect(created.status, created.stderr).toBe(0);
    const once = created.stdout.trim();
    const context = await browser.newContext({ baseURL: env.baseURL, viewport: { width: 1024, height: 768 } });
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'erika.e2e');
    await page.fill('input[name=password]', once);
    await Promise.all([page.waitForURL(/\/password/), page.click('button[type=submit]')]);
    expect((await page.request.get('/api/query?metric=courses_started')).status()).toBe(403);
    await page.fill('input[name=current]', once);
    await page.fill('input[name=next]', 'integration-2026!');
    await page.fill('input[name=repeat]', 'integration-2026!');
    await Promise.all([page.waitForURL(/\/dashboards\//), page.click('button[type=submit]')]);
    expect((await page.request.get('/api/query?metric=courses_started')).status()).toBe(200);
    await context.close();
  });

  it('refuses the administration to users without an administrative right', async () => {
    const { context, page } = await loginAs(browser, env.baseURL, 'leitung');
    expect((await page.goto('/admin'))?.status()).toBe(403);
    expect((await page.goto('/admin/audit'))?.status()).toBe(403);
    expect((await page.request.get('/api/admin/audit')).status()).toBe(403);
    await context.close();
  });
});
