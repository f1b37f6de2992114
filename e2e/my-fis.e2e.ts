/**
 * "Mein FIS" in Chromium, at 1024×768 (tablet) and 1366×768 (desktop): save a view, make it the
 * default, reload the bare dashboard and land on it; pin three panels, reorder them on the start
 * page with the keyboard (and keep the order after a reload); add an event and find it on the
 * chart (marker and list), in the chart's table and in the dashboard's PDF; no serious
 * accessibility violations on the way.
 */
import { spawnSync } from 'node:child_process';
import { fisAsync } from '../test/helpers';
import { describe, expect, inject, it } from 'vitest';
import { axeRun, fileBrowser, loginFirstTime, settled } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);

const serious = async (page: Parameters<typeof axeRun>[0], where: string) =>
  (await axeRun(page)).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}) at ${(v.nodes as Array<{ target: string[] }>).map((n) => n.target.join(' ')).join(', ')}`);

describe.skipIf(!!env.skip)(`Mein FIS in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1366, height: 768 },
  ]) {
    it(`saves a default view, pins and reorders panels with the keyboard, and shows an event on the chart and in the PDF at ${viewport.width}×${viewport.height}`, async () => {
      const user = `mein${viewport.width}.e2e`;
      const created = await fisAsync(['users', 'create', user, '--name', `Mein ${viewport.width}`, '--roles', 'leadership'], env.dataDir);
      expect(created.status, created.stderr).toBe(0);
      const { context, page } = await loginFirstTime(browserOf(), env.baseURL, user, created.stdout.trim(), `mein-fis-${viewport.width}!`);
      await page.setViewportSize(viewport);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const found: string[] = [];

      // a view: Bavaria, this year (a quick pick: saved as relative), then made the default
      await page.goto('/dashboards/pending');
      await settled(page);
      await page.locator('select[name=state]').selectOption('09');
      await page.waitForURL(/state=09/);
      await page.getByRole('button', { name: 'Dieses Jahr' }).click();
      await page.waitForURL(/from=\d{4}-01-01/);
      await page.locator('[data-testid=my-views-toggle]').click();
      await page.fill('input[name=view-name]', 'Bayern, dieses Jahr');
      await page.locator('[data-testid=save-view]').click();
      await page.getByText('Ansicht „Bayern, dieses Jahr“ gespeichert.').waitFor();
      found.push(...(await serious(page, 'views')));
      const viewLink = page.locator('.my-views-list a', { hasText: 'Bayern, dieses Jahr' });
      expect(await viewLink.getAttribute('href')).toBe('/dashboards/pending?period=this-year&state=09');
      await page.locator('[data-testid^=default-]').click();
      await page.locator('.my-views-list', { hasText: '(Standard)' }).waitFor();
      await page.goto('/dashboards/pending');
      expect(new URL(page.url()).search).toBe('?period=this-year&state=09');
      await settled(page);
      expect(await page.getByRole('button', { name: 'Dieses Jahr' }).getAttribute('aria-pressed')).toBe('true');
      expect(await page.locator('select[name=state]').inputValue()).toBe('09');

      // pin three panels of the applications dashboard, with Bavaria as their filter
      await page.goto('/dashboards/applications?state=09');
      await settled(page);
      for (const id of ['monthly', 'nationalities', 'age-sex']) {
        await page.locator(`[data-testid=pin-${id}]`).click();
        await page.locator(`[data-panel=${id}] .pin [role=status]`, { hasText: 'Angeheftet' }).waitFor();
      }
      await page.goto('/');
      await settled(page);
      expect(await page.locator('h1').textContent()).toBe('Mein FIS');
      const order = () => page.locator('[data-testid=start-board] > li h2').allTextContents();
      const before = await order();
      expect(before).toEqual(['Erst- und Folgeanträge je Monat', 'Häufigste Staatsangehörigkeiten', 'Altersgruppe und Geschlecht']);
      // the pinned panel carries its own filter: "Aus „Asylanträge“" links to the dashboard with state=09
      expect(await page.locator('.start-from a').first().getAttribute('href')).toBe('/dashboards/applications?state=09');
      found.push(...(await serious(page, 'start page')));
      // keyboard only: focus "Nach unten" of the first item, press Enter; the focus stays on the moved item's button
      const first = page.locator('[data-testid=start-board] > li').first();
      await first.locator('[data-move=down]').focus();
      await page.keyboard.press('Enter');
      await expect.poll(order).toEqual([before[1], before[0], before[2]]);
      await page.locator('[data-testid=board-status]', { hasText: 'ist jetzt an Position 2 von 3' }).waitFor();
      await page.keyboard.press('Enter');
      await expect.poll(order).toEqual([before[1], before[2], before[0]]);
      // at the end of the list the focus is on "Nach oben" of the same item
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-move'))).toBe('up');
      await page.keyboard.press('Enter');
      await expect.poll(order).toEqual([before[1], before[0], before[2]]);
      await page.waitForTimeout(300);
      await page.reload();
      await settled(page);
      expect(await order()).toEqual([before[1], before[0], before[2]]);

      // an event: on the overview's trend chart (marker, list, table) and in the dashboard's PDF
      const title = `E2E Rechtsänderung ${viewport.width}`;
      await page.goto('/events');
      await page.fill('input[name=date]', '2026-03-01');
      await page.fill('input[name=title]', title);
      await page.fill('textarea[name=text]', 'Neue Regeln für Folgeanträge');
      found.push(...(await serious(page, 'events')));
      await page.locator('[data-testid=add-event]').click();
      await page.locator('[data-testid=events] tbody', { hasText: title }).waitFor();
      await page.goto('/dashboards/overview');
      await settled(page);
      const trend = page.locator('[data-panel=trend]');
      await trend.locator('[data-testid=chart-events]', { hasText: title }).waitFor();
      const marks = await trend.locator('.chart-canvas').evaluate((el) => {
        const chart = (el as HTMLElement & { fisChart?: { getOption(): { series: Array<{ markLine?: { data: Array<{ name: string }> } }> } } }).fisChart!;
        return chart.getOption().series.flatMap((s) => s.markLine?.data.map((d) => d.name) ?? []);
      });
      expect(marks).toContain(title);
      // focus on the event in the list shows the tooltip with its text
      await trend.locator('[data-testid=chart-events] button', { hasText: title }).focus();
      await expect.poll(() => trend.locator('.chart-canvas').evaluate((el) => el.textContent ?? '')).toContain('Neue Regeln für Folgeanträge');
      found.push(...(await serious(page, 'chart with events')));
      await trend.getByRole('button', { name: 'Tabelle', exact: true }).click();
      expect(await trend.locator('table').textContent()).toContain(title);
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=dashboard-pdf]').click()]);
      const text = spawnSync('pdftotext', [(await download.path())!, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      expect(text).toContain(title);
      expect(found).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
