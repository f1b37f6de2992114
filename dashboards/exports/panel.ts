/**
 * A dashboard panel's data as a file, in the formats of the reports: the numbers of the panel
 * exactly as the screen shows them for the same URL filters and the same user (the panel data
 * are built by the same function), withheld cells withheld. Server only (the dashboards' data
 * layer lives in the web app).
 */
import 'server-only';
import { UserError } from '../../platform/errors';
import { withPriority } from '../../warehouse/statement-queue';
import { dimension } from '../../warehouse/semantic/dimensions';
import { DASHBOARDS } from '../catalog';
import { dashboardDef, type PanelDef } from '../defs';
import { t, type Lang } from '../i18n';
import { filterSummary, type ReportRow, type ReportTable } from '../reports/build';
import { canExportPanel } from '../rights';
import { geoDimension, panelData, parseFilters, type Filters } from '../server/panels';
import type { ExportFile } from './doc';
import { checkFileFormat, recordExport, refuse, render, type ExportContext } from './service';

/** A dashboard panel's numbers as a table: one row per category, one column per series. */
export function panelTable(title: string, data: Awaited<ReturnType<typeof panelData>>, summary: string, info: { dataAsOf: string | null; snapshot: string }, lang: Lang): ReportTable {
  const base = { id: 'panel', title, suppressed: 0, dataAsOf: info.dataAsOf, snapshot: info.snapshot, filterSummary: summary };
  if (data.status !== 'ok') throw new UserError(data.message, { httpStatus: data.status === 'forbidden' ? 403 : 400 });
  if (data.kind === 'kpis') {
    const tiles = data.tiles.filter((x) => x.allowed);
    const rows: ReportRow[] = tiles.map((x) => ({ kind: 'row', codes: [x.metric], labels: [x.label], values: [x.value, x.previous, x.changePct === null ? null : Math.round(x.changePct * 10) / 10] }));
    return {
      ...base,
      suppressed: data.suppressed,
      disclosure: data.disclosure,
      rowDims: ['metric'],
      rowHeaders: [lang === 'de' ? 'Kennzahl' : 'Metric'],
      columns: [
        { id: 'value', label: lang === 'de' ? 'Wert' : 'Value', format: 'count' },
        { id: 'previous_year', label: t(lang, 'previousYear'), format: 'count' },
        { id: 'change_pct', label: lang === 'de' ? 'Veränderung in %' : 'Change in %', format: 'percent' },
      ],
      rows,
      chart: { type: 'bar', categories: [], series: [], categoryTitle: '' },
    };
  }
  const c = data.chart;
  const dim = c.categoryDim ?? 'category';
  const ids = c.series.map((s, i) => (c.series.length === 1 ? 'value' : `s${i + 1}_${s.name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase().slice(0, 40)}`));
  return {
    ...base,
    suppressed: data.suppressed,
    disclosure: data.disclosure,
    rowDims: [dim],
    rowHeaders: [c.categoryTitle || (dimension(dim)?.label[lang] ?? dim)],
    columns: c.series.map((s, i) => ({ id: ids[i]!, label: s.name, format: s.format })),
    rows: c.categories.map((cat, j) => ({ kind: 'row', codes: [cat.code], labels: [cat.label], values: c.series.map((s) => s.data[j] ?? null) })),
    chart: { ...c, type: c.type === 'map' ? 'hbar' : c.type },
  };
}

/** A panel's title; a geographic panel names the level it shows (states, or the offices of a state). */
export const panelTitle = (panel: PanelDef, f: Filters, lang: Lang) => `${panel.title[lang]}${panel.by.includes('geo') ? ` (${dimension(geoDimension(f))?.label[lang]})` : ''}`;

/** Exports a dashboard panel's data; `params` are the dashboard's URL parameters (state=09&from=…). */
/** exportPanel at the queue's export priority: interactive views go first. */
export const exportPanel = (ctx: ExportContext, slug: string, panelId: string, formatIn: string | null | undefined, params: Record<string, string | string[] | undefined>): Promise<ExportFile> => withPriority('export', () => exportPanelNow(ctx, slug, panelId, formatIn, params));

async function exportPanelNow(ctx: ExportContext, slug: string, panelId: string, formatIn: string | null | undefined, params: Record<string, string | string[] | undefined>): Promise<ExportFile> {
  const def = dashboardDef(slug);
  const panel = def?.panels.find((p) => p.id === panelId);
  if (!def || !DASHBOARDS.some((d) => d.id === slug)) throw new UserError(`There is no dashboard "${slug.slice(0, 60)}".`, { httpStatus: 404, exitCode: 2 });
  if (!panel) throw new UserError(`The dashboard "${slug}" has no panel "${panelId.slice(0, 60)}".`, { httpStatus: 404, exitCode: 2 });
  const format = checkFileFormat(formatIn);
  const target = `dashboard:${slug}/${panelId}`;
  if (!canExportPanel(ctx.principal, slug, format)) await refuse(ctx, target, format, t(ctx.lang, 'noExportRight'));
  const snapshot = await ctx.reader.pin();
  const info = snapshot.info();
  const f = parseFilters(params, def, info.dataAsOf);
  const data = await panelData(snapshot, panel, f, ctx.principal, ctx.lang);
  const title = `${DASHBOARDS.find((d) => d.id === slug)!.title[ctx.lang]} – ${panelTitle(panel, f, ctx.lang)}`;
  const table = panelTable(title, data, await filterSummary(snapshot, { from: f.from, to: f.to, values: f.values as Record<string, string[]> }, ctx.lang), { dataAsOf: info.dataAsOf, snapshot: info.id }, ctx.lang);
  const file = await render(ctx, table, `${slug}-${panelId}`, format);
  await recordExport(ctx, target, format, { filters: f.values, from: f.from, to: f.to, rows: file.rows });
  return file;
}
