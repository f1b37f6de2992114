/**
 * Subscriptions in Chromium: subscribe from a report ("Abonnieren", with the report's filters),
 * preview what each recipient would get, create it, "Jetzt zustellen", see the delivery in the
 * inbox (the badge in the header counts it), download it; the whole dashboard as PDF and Excel
 * from the dashboard page; no serious accessibility violations on the new pages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { axeRun, fileBrowser, loginAs } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);

const serious = async (page: Parameters<typeof axeRun>[0], where: string) =>
  (await axeRun(page)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} (${v.impact}, ${v.nodes.length} nodes)`);

describe.skipIf(!!env.skip)(`subscriptions in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('subscribes from a report, delivers now, and downloads the file from the inbox', async () => {
    const { context, page, errors } = await loginAs(browserOf(), env.baseURL, 'leitung');
    const found: string[] = [];
    await page.goto('/reports/office-performance?state=09');
    await Promise.all([page.waitForURL(/\/subscriptions\/new\?/), page.locator('[data-testid="subscribe"]').click()]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('09');
    await expect.poll(() => page.locator('h1').textContent()).toBe('„Außenstellenbericht“ abonnieren');
    await page.fill('input[name="recipients"]', 'leitung, ast-muc, abt-asyl');
    await page.locator('[data-testid="preview"]').click();
    await page.locator('[data-testid="preview-table"]').waitFor();
    const would = await page.locator('[data-testid="preview-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-would')));
    // ast-muc and abt-asyl may not export: the link to the view
    expect(would).toEqual(['file', 'link', 'link']);
    found.push(...(await serious(page, 'new subscription')));
    await page.fill('input[name="recipients"]', 'leitung');
    await Promise.all([page.waitForURL(/\/subscriptions#sub-\d+$/), page.locator('[data-testid="create"]').click()]);
    const id = /#sub-(\d+)$/.exec(page.url())![1]!;
    await page.locator(`#sub-${id}`).waitFor();
    found.push(...(await serious(page, 'subscriptions')));

    // run now: delivered, and the inbox counts it
    await page.locator(`[data-testid="deliver-${id}"]`).click();
    await page.locator(`#sub-${id} [role="status"]`).waitFor();
    expect(await page.locator(`#sub-${id} [role="status"]`).textContent()).toMatch(/1 delivered/);
    await expect.poll(() => page.locator(`[data-testid="latest-${id}"] tbody tr[data-outcome="delivered"]`).count()).toBe(1);
    await page.reload();
    expect(await page.locator('[data-testid="inbox-badge"]').textContent()).toMatch(/^1/);

    await page.locator('[data-testid="nav-inbox"]').click();
    await page.waitForURL(/\/inbox$/);
    const item = page.locator('[data-testid="inbox"] li[data-kind="file"]').first();
    expect(await item.locator('h2').textContent()).toMatch(/^Außenstellenbericht/);
    found.push(...(await serious(page, 'inbox')));
    const [download] = await Promise.all([page.waitForEvent('download'), item.locator('a[download]').click()]);
    expect(download.suggestedFilename()).toMatch(/^fis-office-performance-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    // downloaded: read, and the badge is gone
    await page.reload();
    expect(await page.locator('[data-testid="inbox-badge"]').count()).toBe(0);
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('downloads the whole dashboard as PDF and as Excel with its filters', async () => {
    const { context, page } = await loginAs(browserOf(), env.baseURL, 'analyst');
    await page.goto('/dashboards/applications?state=09');
    for (const f of ['pdf', 'xlsx']) {
      const link = page.locator(`[data-testid="dashboard-${f}"]`);
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^/api/dashboards/applications/export\\?state=09&format=${f}$`));
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toMatch(new RegExp(`^fis-dashboard-applications-\\d{4}-\\d{2}-\\d{2}\\.${f}$`));
      const head = readFileSync((await download.path())!).subarray(0, 4);
      expect(head.toString('latin1')).toBe(f === 'pdf' ? '%PDF' : 'PK\x03\x04');
    }
    // a user without the export right sees no download, only "Abonnieren"
    const other = await loginAs(browserOf(), env.baseURL, 'abt-asyl');
    await other.page.goto('/dashboards/applications');
    expect(await other.page.locator('[data-testid="dashboard-pdf"]').count()).toBe(0);
    expect(await other.page.locator('[data-testid="subscribe"]').count()).toBe(1);
    await other.context.close();
    await context.close();
  });
});
