/**
 * A whole dashboard as one file, for every dashboard: the PDF holds every panel the reader may see
 * (titles read back with pdftotext), each panel's table complete (every category and value once,
 * nothing cut) and "Seite x von y" on every page; the XLSX has a sheet per panel with the numbers
 * of the screen (compared with panelData). Panels outside the reader's rights are left out; the
 * export is refused without the export right and audited either way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { principalByName, type Principal } from '../../roles/access';
import { openAppDb, type AppDbHandle } from '../../roles/app-db';
import { installDemo, queryAudit } from '../../roles/store';
import { etlOpts } from '../../test/etl-helpers';
import { generateTiny, pgliteTargets, refusal, tempDir } from '../../test/helpers';
import { SnapshotReader } from '../../warehouse/snapshots';
import { DASHBOARDS } from '../catalog';
import { DASHBOARD_DEFS } from '../defs';
import { formatValue } from '../i18n';
import { visiblePanels } from '../rights';
import { panelData, parseFilters } from '../server/panels';
import { buildDashboardFile, exportDashboard } from './dashboard';
import { panelTitle } from './panel';
import { legendLines } from './pdf';
import type { ExportContext } from './service';

const PDFTOTEXT = '/usr/bin/pdftotext';
const skip = existsSync(PDFTOTEXT) ? '' : 'pdftotext not found; install it with apt-get install poppler-utils';
if (skip && process.env.CI === 'true') throw new Error(`CI=true but ${skip}`);

const t = tempDir();
let app: AppDbHandle;
let reader: SnapshotReader;
const P: Record<string, Principal> = {};
const ctx = (user: string): ExportContext => ({ reader, db: app.db, principal: P[user]!, lang: 'de', via: 'test', tmpDir: join(t.dir, 'tmp') });
const PARAMS = { from: '2025-07-01', to: '2026-06-30' };

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 65);
  await runEtl(etlOpts(t.dir, targets, true));
  app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  for (const u of ['leitung', 'analyst', 'abt-asyl', 'abt-integration']) P[u] = await principalByName(app.db, u, 5);
  reader = new SnapshotReader(t.dir);
});
afterAll(async () => {
  reader?.close();
  await app?.close();
  t.cleanup();
});

/** The text of each page of a PDF (pdftotext separates pages by form feeds). */
function pages(buf: Buffer, name: string): string[] {
  const file = join(t.dir, `${name}.pdf`);
  writeFileSync(file, buf);
  const text = spawnSync(PDFTOTEXT, [file, '-'], { encoding: 'utf8' }).stdout;
  return text.split('\f').slice(0, -1);
}

describe.skipIf(!!skip)('a whole dashboard as PDF', () => {
  for (const d of DASHBOARD_DEFS) {
    it(`${d.slug}: every panel with title, filters, Datenstand and its complete table; Seite x von y on every page`, async () => {
      const { file, panels } = await buildDashboardFile(ctx('leitung'), d.slug, 'pdf', PARAMS);
      expect(file.filename).toMatch(new RegExp(`^fis-dashboard-${d.slug}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
      expect(panels.map((p) => p.id)).toEqual(visiblePanels(P.leitung!, d.slug).map((x) => x.panel.id));
      const text = pages(file.body as Buffer, d.slug);
      text.forEach((p, i) => expect(p, `page ${i + 1}`).toContain(`Seite ${i + 1} von ${text.length}`));
      const all = text.join('\n').replace(/\s+/g, ' ');
      expect(all).toContain(DASHBOARDS.find((x) => x.id === d.slug)!.title.de);
      for (const p of panels) {
        expect(all, `panel ${p.id}`).toContain(p.title.replace(/\s+/g, ' '));
        // every row once, with every value: no table cut
        for (const r of p.table.rows) {
          expect(all, `${p.id}: ${r.labels[0]}`).toContain(r.labels[0]!.replace(/\s+/g, ' '));
          r.values.forEach((v, j) => expect(all, `${p.id}: ${r.labels[0]} / ${p.table.columns[j]!.label}`).toContain(formatValue(v, p.table.columns[j]!.format, 'de', { exact: true }).replace(/\s+/g, ' ')));
        }
      }
      // each panel says its filters and Datenstand
      expect(all.split('Filter: Zeitraum: 01.07.2025 – 30.06.2026').length - 1).toBe(panels.length + 1);
      // and the legend of its withheld cells
      for (const p of panels) for (const l of legendLines('de', 5, p.table)) expect(all, `${p.id}: legend`).toContain(l);
    });
  }

  it('prints a long table over pages with its header repeated and no row lost or doubled', async () => {
    // the offices' league has one row per office: over more than one page
    const { file, panels } = await buildDashboardFile(ctx('leitung'), 'offices', 'pdf', PARAMS);
    const league = panels.find((p) => p.id === 'league')!;
    const text = pages(file.body as Buffer, 'offices-long');
    const onPages = text.filter((p) => league.table.rows.some((r) => p.includes(r.labels[0]!)));
    expect(onPages.length).toBeGreaterThan(1);
    for (const p of onPages) expect(p, 'the header on every page of the table').toContain(league.table.columns[0]!.label);
    const all = text.join('\n');
    for (const r of league.table.rows) expect(all.split(`${r.labels[0]!}\n`).length - 1, r.labels[0]).toBeGreaterThanOrEqual(1);
  });
});

describe('a whole dashboard as XLSX', () => {
  it('has one sheet per panel the reader sees, with the numbers of the screen (panelData)', async () => {
    for (const d of DASHBOARD_DEFS) {
      for (const user of ['leitung', 'analyst']) {
        const { file } = await buildDashboardFile(ctx(user), d.slug, 'xlsx', PARAMS);
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(file.body as unknown as ArrayBuffer);
        const visible = visiblePanels(P[user]!, d.slug);
        expect(wb.worksheets.length, `${d.slug} ${user}`).toBe(visible.length);
        const snapshot = await reader.pin();
        const f = parseFilters(PARAMS, d, snapshot.info().dataAsOf);
        for (const [i, { panel }] of visible.entries()) {
          const ws = wb.worksheets[i]!;
          expect(String(ws.getCell(1, 1).value)).toContain(panelTitle(panel, f, 'de'));
          const data = await panelData(snapshot, panel, f, P[user]!, 'de');
          if (data.status !== 'ok') continue;
          // the rows below the header: label, then the values ("·" withheld)
          const header = [...Array(ws.rowCount).keys()].map((k) => k + 1).find((k) => ws.getRow(k).font?.bold && k > 4)!;
          const rows: Array<Array<unknown>> = [];
          for (let k = header + 1; k <= ws.rowCount && ws.getCell(k, 1).value; k++) rows.push((ws.getRow(k).values as unknown[]).slice(1));
          const want =
            data.kind === 'kpis'
              ? data.tiles.filter((x) => x.allowed).map((x) => [x.label, x.value, x.previous, x.changePct === null ? null : Math.round(x.changePct * 10) / 10])
              : data.chart.categories.map((c, j) => [c.label, ...data.chart.series.map((s) => s.data[j] ?? null)]);
          expect(rows.map((r) => r.map((v) => (v === '·' ? null : (v ?? null)))), `${d.slug}/${panel.id} ${user}`).toEqual(want.map((r) => r.map((v) => v ?? null)));
        }
      }
    }
  });
});

describe('rights and audit', () => {
  it('leaves out the panels the reader may not see, refuses without the export right, and audits both', async () => {
    // the division head integration sees the overview without its asylum tiles' panels
    const { panels } = await buildDashboardFile(ctx('abt-integration'), 'overview', 'pdf', PARAMS);
    expect(panels.map((p) => p.id)).toEqual(visiblePanels(P['abt-integration']!, 'overview').map((x) => x.panel.id));
    expect(panels.map((p) => p.id)).not.toContain('map');
    // the division head asylum sees dashboards but exports nothing
    const r = await refusal(exportDashboard(ctx('abt-asyl'), 'applications', 'pdf', PARAMS));
    expect(r.status).toBe(403);
    expect((await refusal(exportDashboard(ctx('leitung'), 'applications', 'csv', PARAMS))).message).toMatch(/^A whole dashboard comes as pdf or xlsx/);
    const ok = await exportDashboard(ctx('analyst'), 'applications', 'xlsx', { ...PARAMS, state: '09' });
    expect(ok.rows).toBeGreaterThan(0);
    const audit = (await queryAudit(app.db, { action: 'export' })).filter((e) => e.target === 'dashboard:applications');
    expect(audit.map((e) => [e.actor, e.outcome, e.details.format])).toEqual([
      ['analyst', 'ok', 'xlsx'],
      ['abt-asyl', 'denied', 'pdf'],
    ]);
    expect(audit[0]!.details.filters).toEqual({ state: ['09'] });
  });
});
