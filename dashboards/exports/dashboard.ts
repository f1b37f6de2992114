/**
 * A whole dashboard as one file: a PDF with a section per panel (its title, filters, Datenstand,
 * chart, complete table and legend) or an XLSX workbook with a sheet per panel. Only the panels the
 * reader may see (visiblePanels), each with the numbers of the screen for the same URL filters and
 * the same user — built by the function that builds the screen (panelData). Server only.
 */
import 'server-only';
import { UserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { withPriority } from '../../warehouse/statement-queue';
import type { PinnedSnapshot } from '../../warehouse/snapshots';
import { DASHBOARDS } from '../catalog';
import { dataWithEvents } from '../events/context';
import { dashboardDef, type DashboardDef, type FilterKey } from '../defs';
import { formatDate, t, type Lang } from '../i18n';
import { filterSummary, type ReportTable } from '../reports/build';
import { canExportPanel, visiblePanels } from '../rights';
import { filterLabel } from '../server/options';
import { ignoredFilters, panelData, parseFilters, type Filters } from '../server/panels';
import { CONTENT_TYPES, exportFilename, type ExportFile } from './doc';
import { panelTable, panelTitle } from './panel';
import { legendLines, writePdf, type PdfSection } from './pdf';
import { recordExport, refuse, type ExportContext } from './service';
import { workbookXlsx } from './xlsx';

/** A whole dashboard is a document of several tables: PDF or a workbook (a panel's data alone also comes as CSV). */
export const DASHBOARD_FORMATS = ['pdf', 'xlsx'] as const;
export type DashboardFormat = (typeof DASHBOARD_FORMATS)[number];

export function checkDashboardFormat(format: string | null | undefined): DashboardFormat {
  if (format === 'pdf' || format === 'xlsx') return format;
  throw new UserError(
    format
      ? `A whole dashboard comes as pdf or xlsx, not "${format.slice(0, 20)}"; a panel's data alone also as CSV (/api/dashboards/<slug>/panels/<panel>/export).`
      : 'Name a format: pdf or xlsx.',
  );
}

/** The definition of a dashboard of the catalogue, or a 404. */
export function knownDashboard(slug: string): DashboardDef {
  const def = dashboardDef(slug);
  if (!def || !DASHBOARDS.some((d) => d.id === slug)) throw new UserError(`There is no dashboard "${slug.slice(0, 60)}"; the dashboards are ${DASHBOARDS.map((d) => d.id).join(', ')}.`, { httpStatus: 404, exitCode: 2 });
  return def;
}

export interface DashboardPanelTable {
  id: string;
  title: string;
  table: ReportTable;
  /** the filters the panel cannot apply, by label */
  ignored: string[];
  note?: string;
  /** why the panel has no numbers (an error, a metric refused) */
  message?: string;
}

/** The panels the principal sees, in the order of the screen, each with its numbers as a table. */
export async function dashboardTables(snapshot: PinnedSnapshot, def: DashboardDef, f: Filters, principal: Principal, lang: Lang, db?: AppDb): Promise<{ title: string; summary: string; panels: DashboardPanelTable[] }> {
  const info = snapshot.info();
  const summary = await filterSummary(snapshot, { from: f.from, to: f.to, values: f.values as Record<string, string[]> }, lang);
  const base = { suppressed: 0, dataAsOf: info.dataAsOf, snapshot: info.id, filterSummary: summary };
  // one panel at a time: the statement queue keeps interactive views ahead, and memory flat
  const panels: DashboardPanelTable[] = [];
  for (const { panel } of visiblePanels(principal, def.slug)) {
    const raw = await panelData(snapshot, panel, f, principal, lang);
    // the events the reader sees on the panel's time axis (with the app-state database of the caller)
    const data = db ? await dataWithEvents(snapshot, principal, db, raw, f.values) : raw;
    const title = panelTitle(panel, f, lang);
    const ignored = ignoredFilters(panel, f).map((k) => filterLabel(k as FilterKey, lang));
    const note = [panel.note?.[lang], data.status === 'ok' && data.kind === 'chart' ? data.subtitle : undefined].filter(Boolean).join(' ') || undefined;
    if (data.status !== 'ok') {
      panels.push({ id: panel.id, title, ignored, note, message: data.message, table: { ...base, id: panel.id, title, rowDims: [], rowHeaders: [], columns: [], rows: [], chart: { type: 'bar', categories: [], series: [], categoryTitle: '' } } });
      continue;
    }
    const table = panelTable(title, data, summary, { dataAsOf: info.dataAsOf, snapshot: info.id }, lang);
    // a league is a table on the screen too: no chart
    if (data.kind === 'chart' && data.league) table.chart = { ...table.chart, categories: [], series: [] };
    panels.push({ id: panel.id, title, ignored, note, table });
  }
  return { title: DASHBOARDS.find((d) => d.id === def.slug)!.title[lang], summary, panels };
}

/**
 * A dashboard as a file with the rights of `ctx.principal` — the rights check and the audit entry
 * are the caller's. `params` are the dashboard's URL parameters (state=09&from=…).
 */
export async function buildDashboardFile(ctx: ExportContext, slug: string, format: DashboardFormat, params: Record<string, string | string[] | undefined>): Promise<{ file: ExportFile; filters: Filters; panels: DashboardPanelTable[] }> {
  const def = knownDashboard(slug);
  const snapshot = await ctx.reader.pin();
  const info = snapshot.info();
  const f = parseFilters(params, def, info.dataAsOf);
  const { title, summary, panels } = await dashboardTables(snapshot, def, f, ctx.principal, ctx.lang, ctx.db);
  const lang = ctx.lang;
  const createdBy = ctx.principal.user.display_name || ctx.principal.user.username;
  const createdAt = new Date().toISOString();
  const suppressBelow = ctx.principal.access.suppressBelow;
  let body: Buffer;
  if (format === 'pdf') {
    const sections: PdfSection[] = panels.map((p, i) => ({
      heading: p.title,
      notes: [
        `${t(lang, 'filters')}: ${p.table.filterSummary}${p.ignored.length ? ` (${lang === 'de' ? 'nicht anwendbar' : 'not applicable'}: ${p.ignored.join(', ')})` : ''}`,
        `${t(lang, 'dataAsOf')}: ${formatDate(info.dataAsOf, lang)}`,
        ...(p.note ? [p.note] : []),
        ...(p.message ? [p.message] : []),
      ],
      chart: p.table.chart,
      chartTitle: p.title,
      table: p.table,
      legend: [...legendLines(lang, suppressBelow, p.table), ...(i === panels.length - 1 ? [t(lang, 'fictitious')] : [])],
    }));
    body = await writePdf({ title, filterSummary: summary, dataAsOf: info.dataAsOf, snapshot: info.id, lang, createdBy, createdAt, layout: 'dashboard', sections });
  } else {
    body = await workbookXlsx(
      title,
      panels.map((p) => ({ name: p.title, doc: { table: { ...p.table, title: `${title} – ${p.title}` }, lang, suppressBelow, createdBy, createdAt } })),
    );
  }
  const rows = panels.reduce((n, p) => n + p.table.rows.filter((r) => r.kind === 'row').length, 0);
  return { file: { filename: exportFilename(`dashboard-${slug}`, info.dataAsOf, format), contentType: CONTENT_TYPES[format], rows, body }, filters: f, panels };
}

/** Exports a whole dashboard (rights as for its panels' exports: the view right and the export right for the format), audited. */
export const exportDashboard = (ctx: ExportContext, slug: string, formatIn: string | null | undefined, params: Record<string, string | string[] | undefined>): Promise<ExportFile> =>
  withPriority('export', async () => {
    knownDashboard(slug);
    const format = checkDashboardFormat(formatIn);
    const target = `dashboard:${slug}`;
    if (!canExportPanel(ctx.principal, slug, format)) await refuse(ctx, target, format, t(ctx.lang, 'noExportRight'));
    const { file, filters: f, panels } = await buildDashboardFile(ctx, slug, format, params);
    await recordExport(ctx, target, format, { filters: f.values, from: f.from, to: f.to, panels: panels.map((p) => p.id), rows: file.rows });
    return file;
  });
