/**
 * The dashboards in a real browser (Debian's Chromium) against the production build on tiny:
 * who sees what, every panel of every dashboard at desktop and tablet sizes without console
 * errors, filters in the URL, cross-filtering and drill-down, accessibility (axe-core), and a KPI
 * tile that says what `fis query` says.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DASHBOARDS } from '../dashboards/catalog';
import { axeRun, launch, loginAs, settled } from './helpers';

const env = inject('e2e');
const root = new URL('..', import.meta.url).pathname;
const shots = join(root, 'test-results', 'screenshots');
let browser: Browser;

const EXPECTED: Record<string, string[]> = {
  leitung: DASHBOARDS.map((d) => d.id),
  analyst: DASHBOARDS.map((d) => d.id),
  'abt-asyl': ['overview', 'applications', 'decisions', 'pending', 'processing-times', 'offices', 'origins'],
  'region-sued': ['overview', 'applications', 'decisions', 'pending', 'processing-times', 'offices', 'origins'],
  'ast-muc': ['overview', 'applications', 'decisions', 'pending', 'processing-times', 'offices', 'origins'],
  'abt-integration': ['overview', 'integration-courses', 'integration-outcomes', 'vocational'],
  admin: [],
};

beforeAll(async () => {
  if (env.skip) return;
  mkdirSync(shots, { recursive: true });
  browser = await launch();
});
const login = (user: string, viewport?: { width: number; height: number }) => loginAs(browser, env.baseURL, user, viewport);
afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!!env.skip)(`dashboards in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it.each(Object.entries(EXPECTED))('%s sees exactly the dashboards of their role', async (user, expected) => {
    const { context, page } = await login(user);
    const links = await page.locator('nav.site-nav a[href^="/dashboards/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.replace('/dashboards/', '')));
    expect(links.sort()).toEqual([...expected].sort());
    for (const slug of DASHBOARDS.map((d) => d.id).filter((s) => !expected.includes(s)).slice(0, 3)) {
      const r = await page.goto(`/dashboards/${slug}`);
      expect(r?.status(), `${user} → ${slug}`).toBe(403);
    }
    await context.close();
  });

  it('ast-muc sees only MUC figures', async () => {
    const { context, page } = await login('ast-muc');
    await page.goto('/dashboards/offices');
    await settled(page);
    const offices = await page.locator('[data-panel="league"] tbody th').allTextContents();
    expect(offices).toEqual(['Außenstelle München']);
    const options = await page.locator('select[name="office"] option').allTextContents();
    expect(options.filter((o) => !o.startsWith('Alle'))).toEqual(['Außenstelle München']);
    await context.close();
  });

  for (const [name, viewport] of [
    ['desktop', { width: 1440, height: 900 }],
    ['tablet-landscape', { width: 1024, height: 768 }],
    ['tablet-portrait', { width: 768, height: 1024 }],
  ] as const) {
    it(`renders every panel of all ten dashboards with data and no console errors (${name})`, async () => {
      const { context, page, errors } = await login('leitung', viewport);
      for (const d of DASHBOARDS) {
        await page.goto(`/dashboards/${d.id}`);
        await settled(page);
        const panels = await page.locator('section.panel').evaluateAll((ss) => ss.map((s) => ({ id: s.getAttribute('data-panel'), status: s.getAttribute('data-status'), text: s.textContent ?? '' })));
        expect(panels.length, d.id).toBeGreaterThan(2);
        for (const p of panels) {
          expect(p.status, `${d.id}/${p.id}`).toBe('ok');
          expect(p.text, `${d.id}/${p.id} has data`).not.toMatch(/Für diese Auswahl gibt es keine Daten/);
        }
        await page.screenshot({ path: join(shots, `${d.id}-${name}.png`), fullPage: true });
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('keeps filters in the URL: every panel updates, reload and back keep them', async () => {
    const { context, page, errors } = await login('leitung');
    await page.goto('/dashboards/applications');
    await settled(page);
    // a filter change is one request to the server: the changed panels and the bar's choices, streamed
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/dashboards/')) asked.push(new URL(r.url()).pathname);
    });
    await page.selectOption('select[name="state"]', '09');
    await page.waitForURL(/state=09/);
    await settled(page);
    expect(asked).toEqual(['/api/dashboards/applications/view']);
    const filters = await page.locator('section.panel').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-filters') ?? ''));
    for (const f of filters) expect(JSON.parse(f).values.state).toEqual(['09']);
    await page.reload();
    await settled(page);
    expect(await page.locator('select[name="state"]').inputValue()).toBe('09');
    // drill-down: the offices now offered are those of Bavaria, and the geographic panel shows offices
    const offices = await page.locator('select[name="office"] option').allTextContents();
    expect(offices).toContain('Außenstelle München');
    expect(offices).not.toContain('Außenstelle Hamburg');
    await expect.poll(() => page.locator('[data-panel="geo"] h2').textContent()).toBeTruthy();
    await page.locator('[data-panel="geo"] button', { hasText: 'Tabelle' }).click();
    const rows = await page.locator('[data-panel="geo"] tbody th').allTextContents();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /Außenstelle|AnKER|Zentrale/.test(r))).toBe(true);
    await page.selectOption('select[name="office"]', 'MUC');
    await page.waitForURL(/office=MUC/);
    await settled(page);
    await page.goBack();
    await page.waitForURL((u) => !u.search.includes('office=MUC'));
    await settled(page);
    expect(await page.locator('select[name="office"]').inputValue()).toBe('');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('cross-filters: choosing a category of a chart filters the whole dashboard', async () => {
    const { context, page } = await login('leitung');
    await page.goto('/dashboards/applications');
    await settled(page);
    const panel = page.locator('[data-panel="nationalities"]');
    await panel.locator('.chart-pick summary').click();
    const first = panel.locator('.chart-pick button').first();
    const label = (await first.textContent())!;
    await first.click();
    await page.waitForURL(/nationality=\d{3}/);
    await settled(page);
    expect(await page.locator('select[name="nationality"] option:checked').textContent()).toBe(label);
    const code = new URL(page.url()).searchParams.get('nationality');
    const monthly = await page.locator('[data-panel="monthly"]').getAttribute('data-filters');
    expect(JSON.parse(monthly!).values.nationality).toEqual([code]);
    // and on the map: a state
    await page.locator('[data-panel="map"] .chart-pick summary').click();
    await page.locator('[data-panel="map"] .chart-pick button', { hasText: 'Bayern' }).click();
    await page.waitForURL(/state=09/);
    await context.close();
  });

  it('has no serious or critical accessibility violations on any dashboard (axe-core)', async () => {
    const { context, page } = await login('leitung');
    const found: string[] = [];
    for (const d of DASHBOARDS) {
      await page.goto(`/dashboards/${d.id}`);
      await settled(page);
      const result = await axeRun(page);
      for (const v of result.violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${d.id}: ${v.id} (${v.impact}, ${v.nodes.length} nodes)`);
    }
    expect(found).toEqual([]);
    await context.close();
  });

  it('shows on a KPI tile the number fis query gives for the same filter', async () => {
    const { context, page } = await login('region-sued');
    await page.goto('/dashboards/overview?from=2025-01-01&to=2025-12-31&state=08');
    await settled(page);
    const shown = Number(await page.locator('.kpi[data-metric="decisions"] .kpi-value').getAttribute('data-value'));
    const r = spawnSync(process.execPath, [join(root, 'bin/fis.mjs'), 'query', '--metric', 'decisions', '--filter', 'state=08', '--from', '2025-01-01', '--to', '2025-12-31', '--as', 'region-sued'], {
      env: { ...process.env, FIS_DATA_DIR: env.dataDir },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout) as { rows: number[][] };
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBe(answer.rows[0]![0]);
    await context.close();
  });
});
