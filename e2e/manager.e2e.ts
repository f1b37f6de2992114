/**
 * What a manager sees, in Chromium on tiny at tablet and desktop sizes: charts that drop no
 * category label and legends that do not page; the first panel in the top third of a tablet in
 * portrait; rankings sorted by their metric (rates only over enough cases) and sortable; the
 * "Dashboards" and "Berichte" menus operable by keyboard; only what the user may see; the
 * Datenstand in words; one period button pressed; KPI changes judged in words; the month of the
 * Datenstand marked as incomplete.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { DASHBOARDS, REPORTS } from '../dashboards/catalog';
import { metric } from '../warehouse/semantic/metrics';
import { countChartLabels, type ChartLabelCount } from './chart-labels';
import { axeRun, fileBrowser, loginAs, settled } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);
const login = (user: string, viewport?: { width: number; height: number }) => loginAs(browserOf(), env.baseURL, user, viewport);
/** Logged in as `user`, on `path`, every panel drawn. */
async function open(user: string, path: string, viewport?: { width: number; height: number }) {
  const session = await login(user, viewport);
  await session.page.goto(path);
  await settled(session.page);
  return session;
}

const TABLET_PORTRAIT = { width: 768, height: 1024 };
const SIZES = { 'tablet-portrait': TABLET_PORTRAIT, 'tablet-landscape': { width: 1024, height: 768 }, desktop: { width: 1366, height: 768 } };
const PAGES = [...DASHBOARDS.map((d) => `/dashboards/${d.id}`), ...REPORTS.map((r) => `/reports/${r.id}`)];
const deNumber = (s: string) => (s.trim() === '·' ? null : Number(s.replace(/[^\d,-]/g, '').replace(',', '.')));

/** Every chart of the page, counted from its ECharts instance (the function runs in the page). */
const chartCounts = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('.chart-canvas')].map((node) => ({
    panel: node.closest('[data-panel]')?.getAttribute('data-panel') ?? 'report-chart',
    ...(${countChartLabels.toString()})(node.fisChart),
  }))`) as Promise<Array<ChartLabelCount & { panel: string }>>;

/** The text of the numeric cells of a table column (1-based among the cells of a row). */
const column = (page: Page, scope: string, n: number) => page.locator(`${scope} tbody tr`).evaluateAll((trs, i) => trs.map((tr) => tr.children[i]!.textContent ?? ''), n);

describe.skipIf(!!env.skip)(`what a manager sees${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  for (const [name, viewport] of Object.entries(SIZES)) {
    it(`no chart drops a category label or pages its legend, on every dashboard and report (${name})`, async () => {
      const { context, page, errors } = await login('leitung', viewport);
      const problems: string[] = [];
      let charts = 0;
      for (const path of PAGES) {
        await page.goto(path);
        await settled(page);
        for (const c of await chartCounts(page)) {
          charts++;
          const where = `${path} ${c.panel}`;
          if (c.axis === 'none') continue; // the map: its states are named in the table and the filter list
          if (c.drawn !== c.intended) problems.push(`${where}: ${c.drawn} of ${c.intended} labels drawn`);
          // a category axis labels every category; a time axis of up to two years every month
          if ((c.axis === 'categories' || c.categories <= 24) && c.intended !== c.categories) problems.push(`${where}: ${c.intended} labels for ${c.categories} ${c.axis}`);
          if (c.legendType && c.legendType !== 'plain') problems.push(`${where}: a ${c.legendType} legend`);
          if (c.legendDrawn < c.series) problems.push(`${where}: ${c.legendDrawn} of ${c.series} legend items drawn`);
        }
      }
      expect(problems).toEqual([]);
      expect(charts).toBeGreaterThan(30);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('puts the first panel of every dashboard and report in the top third of a tablet in portrait', async () => {
    const { context, page } = await login('leitung', TABLET_PORTRAIT);
    const tops: Record<string, number> = {};
    for (const path of PAGES) {
      await page.goto(path);
      await settled(page);
      tops[path] = await page.evaluate(() => document.querySelector('main section.panel, main .report-chart')!.getBoundingClientRect().top);
    }
    const header = await page.evaluate(() => document.querySelector('.site-header')!.getBoundingClientRect().height);
    expect(header, 'one compact bar').toBeLessThanOrEqual(56);
    for (const [path, top] of Object.entries(tops)) expect(top, path).toBeLessThanOrEqual(TABLET_PORTRAIT.height / 3);
    await context.close();
  });

  it('ranks by the leading metric, lets the user sort by any column, and ranks rates only over enough cases', async () => {
    const { context, page } = await open('leitung', '/dashboards/offices');
    const league = '[data-panel="league"]';
    const first = (await column(page, league, 1)).map(deNumber) as number[];
    expect(first.length).toBeGreaterThan(5);
    expect(first, 'by applications, descending').toEqual([...first].sort((a, b) => b - a));
    expect(await page.locator(`${league} thead th`).nth(1).getAttribute('aria-sort')).toBe('descending');
    // another column: descending, then ascending
    const decisions = page.locator(`${league} thead th`).nth(2);
    await decisions.locator('button').click();
    expect(await decisions.getAttribute('aria-sort')).toBe('descending');
    const byDecisions = (await column(page, league, 2)).map(deNumber) as number[];
    expect(byDecisions).toEqual([...byDecisions].sort((a, b) => b - a));
    await decisions.locator('button').press('Enter');
    expect(await decisions.getAttribute('aria-sort')).toBe('ascending');
    const names = page.locator(`${league} thead th`).nth(0);
    await names.locator('button').click();
    const offices = await column(page, league, 0);
    expect(offices).toEqual([...offices].sort((a, b) => a.localeCompare(b, 'de')));

    // the protection rate by country: countries with at least the stated number of decisions, highest rate first
    await page.goto('/dashboards/origins');
    await settled(page);
    const rates = page.locator('[data-panel="rates"]');
    const rule = (await rates.locator('[data-testid="ranking-rule"]').textContent())!;
    const min = Number(/mindestens (\d+) Entscheidungen/.exec(rule)?.[1]);
    expect(min).toBeGreaterThanOrEqual(10);
    await rates.locator('button', { hasText: 'Tabelle' }).click();
    const shown = await rates.locator('tbody th').allTextContents();
    const shownRates = (await column(page, '[data-panel="rates"]', 1)).map(deNumber) as number[];
    expect(shownRates).toEqual([...shownRates].sort((a, b) => b - a));
    const filters = JSON.parse((await rates.getAttribute('data-filters'))!) as { from: string; to: string };
    const answer = (await (await page.request.get(`/api/query?metric=decisions,protection_rate&by=nationality&from=${filters.from}&to=${filters.to}`)).json()) as { rows: Array<[string, number, number | null]> };
    const qualifying = answer.rows.filter((r) => r[1] >= min && r[2] !== null).sort((a, b) => b[2]! - a[2]!);
    expect(shown.length).toBe(Math.min(15, qualifying.length));
    // the rates shown are the highest among the qualifying countries, none below the minimum
    expect(shownRates).toEqual(qualifying.slice(0, shown.length).map((r) => Math.round(r[2]! * 10) / 10));
    await context.close();
  });

  it('opens and closes the Dashboards and Berichte menus by keyboard, marks the current page, and stays accessible', async () => {
    const { context, page, errors } = await open('leitung', '/dashboards/pending', TABLET_PORTRAIT);
    const button = page.locator('#nav-button-dashboards');
    const menu = page.locator('#nav-menu-dashboards');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.isVisible()).toBe(false);
    // Tab reaches the menu button after the skip link and the brand
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nav-button-dashboards');
    await page.keyboard.press('Enter');
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await menu.isVisible()).toBe(true);
    expect(await menu.locator('a[aria-current="page"]').textContent()).toBe('Anhängige Verfahren');
    expect(await button.textContent()).toContain('aktuelle Seite');
    // axe with the menu open
    const serious = (await axeRun(page)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
    expect(serious).toEqual([]);
    // into the menu, along it, and out with Escape, back on the button
    // the menu moves the focus in the next animation frame
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('Lagebild');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('Asylanträge');
    await page.keyboard.press('End');
    await expect.poll(focused).toBe('Berufssprachkurse');
    await page.keyboard.press('Escape');
    expect(await button.getAttribute('aria-expanded')).toBe('false');
    expect(await menu.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nav-button-dashboards');
    // the reports menu: Space opens it, Tab walks into it, a link leads to the report
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nav-button-reports');
    await page.keyboard.press('Space');
    expect(await page.locator('#nav-menu-reports').isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Monatsbericht Asyl');
    await Promise.all([page.waitForURL(/\/reports\/asylum-monthly/), page.keyboard.press('Enter')]);
    await settled(page);
    expect(await page.locator('#nav-menu-reports').isVisible()).toBe(false);
    expect(await page.locator('#nav-menu-reports a[aria-current="page"]').getAttribute('href')).toBe('/reports/asylum-monthly');
    // a click elsewhere closes an open menu
    await page.locator('#nav-button-dashboards').click();
    expect(await menu.isVisible()).toBe(true);
    await page.mouse.click(TABLET_PORTRAIT.width - 20, TABLET_PORTRAIT.height - 20);
    expect(await menu.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaves out what a branch-office head may not see, and says nothing about it', async () => {
    const { context, page } = await open('ast-muc', '/dashboards/overview');
    const tiles = await page.locator('.kpi').evaluateAll((ks) => ks.map((k) => k.getAttribute('data-metric')));
    expect(tiles).not.toContain('participants_new');
    expect(tiles).toContain('decisions');
    for (const d of ['overview', 'applications', 'offices']) {
      await page.goto(`/dashboards/${d}`);
      await settled(page);
      expect(await page.locator('main').textContent(), d).not.toMatch(/außerhalb Ihrer Rechte/);
    }
    // the menu offers the asylum dashboards only
    const menu = await page.locator('#nav-menu-dashboards a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(menu).not.toContain('/dashboards/integration-courses');
    await context.close();
  });

  it('shows the Datenstand in words, the snapshot only to administrators (as a tooltip)', async () => {
    const { context, page } = await open('leitung', '/dashboards/overview');
    const snapshot = ((await (await page.request.get('/api/query?metric=applications')).json()) as { snapshot: string }).snapshot;
    expect(snapshot).toBeTruthy();
    expect(await page.locator('[data-testid="data-as-of"]').textContent()).toMatch(/^Datenstand: \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    expect(await page.content()).not.toContain(snapshot);
    await context.close();
    const admin = await login('admin');
    expect(await admin.page.locator('[data-testid="data-as-of"] time').getAttribute('title')).toBe(`Stand ${snapshot}`);
    await admin.context.close();
  });

  it('presses exactly the period button in force', async () => {
    const { context, page } = await open('leitung', '/dashboards/applications');
    const pressed = () => page.locator('.filter-period .chip[aria-pressed="true"]').allTextContents();
    expect(await pressed()).toEqual(['Letzte 12 Monate']);
    await page.locator('.filter-period .chip', { hasText: 'Dieses Jahr' }).click();
    await page.waitForURL(/from=\d{4}-01-01/);
    await settled(page);
    expect(await pressed()).toEqual(['Dieses Jahr']);
    await page.goto('/reports/office-performance');
    await settled(page);
    expect(await pressed()).toEqual(['Dieses Jahr']);
    await context.close();
  });

  it('judges each KPI change by the direction its metric declares, in words and colour, neutral ones not at all', async () => {
    const { context, page } = await open('leitung', '/dashboards/overview');
    const tiles = await page.locator('.kpi').evaluateAll((ks) => ks.map((k) => ({ metric: k.getAttribute('data-metric')!, change: k.querySelector('.kpi-change')!.textContent ?? '', judgement: k.querySelector('.kpi-change')!.getAttribute('data-judgement'), cls: k.querySelector('.kpi-change')!.className })));
    expect(tiles.length).toBe(6);
    let judged = 0;
    for (const tile of tiles) {
      const pct = Number(/([+-]?\d+(?:,\d+)?) %/.exec(tile.change)?.[1]?.replace(',', '.') ?? 'NaN');
      const direction = metric(tile.metric)!.direction;
      if (direction === 'neutral' || !pct) {
        expect(tile.change, tile.metric).not.toMatch(/günstiger/);
        expect(tile.judgement).toBe('neutral');
        continue;
      }
      judged++;
      const good = pct > 0 === (direction === 'up-good');
      expect(tile.change, tile.metric).toContain(good ? ' günstiger' : ' ungünstiger');
      expect(tile.cls).toContain(good ? 'delta-good' : 'delta-bad');
    }
    expect(judged).toBeGreaterThan(1);
    await context.close();
  });

  it('marks the month of the Datenstand as incomplete, under the chart and in its table', async () => {
    const { context, page } = await open('leitung', '/dashboards/overview');
    const { dataAsOf } = (await (await page.request.get('/api/health')).json()) as { dataAsOf: string };
    const day = `${dataAsOf.slice(8, 10)}.${dataAsOf.slice(5, 7)}.`;
    // the default period (the last twelve complete months) has none
    expect(await page.locator('[data-testid="partial-note"]').count()).toBe(0);
    await page.locator('.filter-period .chip', { hasText: 'Dieses Jahr' }).click();
    await page.waitForURL(/from=\d{4}-01-01/);
    await settled(page);
    const trend = page.locator('[data-panel="trend"]');
    expect(await trend.locator('[data-testid="partial-note"]').textContent()).toContain(`unvollständig bis ${day}`);
    await trend.locator('button', { hasText: 'Tabelle' }).click();
    expect(await trend.locator('tbody th').last().textContent()).toMatch(new RegExp(`\\(unvollständig bis ${day.replace(/\./g, '\\.')}\\)$`));
    await context.close();
  });
});
