/**
 * The reports in Chromium: all seven render with totals and the Datenstand; filters in the URL;
 * a downloaded CSV carries the numbers of the page; sorting; the export menu offers only the
 * user's formats and the server refuses the others; no serious accessibility violations.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { REPORTS } from '../dashboards/catalog';
import { axeRun, fileBrowser, loginAs, settled } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);

const login = (user: string, viewport?: { width: number; height: number }) => loginAs(browserOf(), env.baseURL, user, viewport);
const deNumber = (s: string) => (s.trim() === '·' ? null : Number(s.replace(/[^\d,-]/g, '').replace(',', '.')));

describe.skipIf(!!env.skip)(`reports in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('renders all seven reports with rows, a total, the Datenstand and every export format, without console errors', async () => {
    const { context, page, errors } = await login('leitung');
    for (const r of REPORTS) {
      const res = await page.goto(`/reports/${r.id}`);
      expect(res?.status(), r.id).toBe(200);
      await settled(page);
      await expect.poll(() => page.locator('h1').textContent()).toBe(r.title.de);
      expect(await page.locator('[data-testid="report-meta"]').textContent()).toMatch(/Datenstand: .*Zeitraum:/);
      expect(await page.locator('.report-table tbody tr[data-kind="row"]').count(), r.id).toBeGreaterThan(0);
      expect(await page.locator('.report-table tbody tr[data-kind="total"]').count(), r.id).toBe(1);
      const formats = await page.locator('.report-head .export-menu a').evaluateAll((as) => as.map((a) => a.getAttribute('data-format')));
      expect(formats).toEqual(['csv', 'csv-de', 'xlsx', 'pdf', 'parquet']);
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the filters in the URL, and the downloaded CSV has the numbers of the page', async () => {
    const { context, page } = await login('analyst');
    await page.goto('/reports/asylum-monthly?state=09&from=2025-01-01&to=2025-12-31');
    await settled(page);
    expect(await page.locator('select[name="state"]').inputValue()).toBe('09');
    expect(await page.locator('[data-testid="report-meta"]').textContent()).toContain('Bundesland: Bayern');
    const totalCells = await page.locator('.report-table tbody tr[data-kind="total"] td.num').allTextContents();
    await page.locator('.report-head .export-menu summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.report-head .export-menu a[data-format="csv"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^fis-asylum-monthly-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    const total = lines.find((l) => l.startsWith('total,'))!.split(',');
    const fromFile = total.slice(3).map((v) => (v === '' ? null : Number(v)));
    expect(fromFile.length).toBe(totalCells.length);
    totalCells.forEach((cell, i) => {
      const shown = deNumber(cell);
      // counts exactly; rates as rounded on the page
      if (shown === null) expect(fromFile[i]).toBeNull();
      else expect(Math.abs(fromFile[i]! - shown), `column ${i}`).toBeLessThan(0.05);
    });
    expect(fromFile[2]).toBeGreaterThan(0);
    // a different state changes the URL and the numbers
    await page.selectOption('select[name="state"]', '05');
    await page.waitForURL(/state=05/);
    await settled(page);
    expect(await page.locator('[data-testid="report-meta"]').textContent()).toContain('Nordrhein-Westfalen');
    await context.close();
  });

  it('sorts by a column within the groups, keeping subtotals and the total in place', async () => {
    const { context, page } = await login('leitung');
    await page.goto('/reports/office-performance');
    await settled(page);
    const header = page.locator('.report-table thead th').nth(1);
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const values = (await page.locator('.report-table tbody tr[data-kind="row"] td.num:nth-of-type(1)').allTextContents()).map(deNumber) as number[];
    expect(values.length).toBeGreaterThan(2);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(await page.locator('.report-table tbody tr').last().getAttribute('data-kind')).toBe('total');
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    await context.close();
  });

  it('shows a branch-office head their office only, offers no export, and the server refuses one', async () => {
    const { context, page } = await login('ast-muc');
    await page.goto('/reports/office-performance');
    await settled(page);
    expect(await page.locator('.report-table tbody tr[data-kind="row"] th').allTextContents()).toEqual(['Außenstelle München']);
    expect(await page.locator('.export-menu').count()).toBe(0);
    const r = await page.request.get('/api/reports/office-performance/export?format=csv');
    expect(r.status()).toBe(403);
    expect((await page.goto('/reports/course-providers'))?.status()).toBe(403);
    await context.close();
  });

  it('offers panel exports on the dashboards to users with the right', async () => {
    const { context, page } = await login('analyst');
    await page.goto('/dashboards/applications?state=09');
    await settled(page);
    await page.locator('[data-panel="geo"] .export-menu summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-panel="geo"] .export-menu a[data-format="xlsx"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^fis-applications-geo-.*\.xlsx$/);
    expect(readFileSync((await download.path())!).subarray(0, 2).toString()).toBe('PK');
    await context.close();
  });

  it('has no serious or critical accessibility violations on the report pages (axe-core)', async () => {
    const { context, page } = await login('leitung');
    const found: string[] = [];
    for (const r of REPORTS) {
      await page.goto(`/reports/${r.id}`);
      await settled(page);
      for (const v of (await axeRun(page)).violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${r.id}: ${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
    }
    expect(found).toEqual([]);
    await context.close();
  });
});
