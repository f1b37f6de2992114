/**
 * Builds a report for a filter state and a user: its table (rows, subtotals, total) and the data
 * of its chart. Each column group is one question to the query path, asked at the row level, the
 * subtotal level and the total level — so totals are the warehouse's, not sums of shown cells, and
 * withheld cells stay withheld in every format.
 */
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dimension, isTime } from '../../warehouse/semantic/dimensions';
import { metric } from '../../warehouse/semantic/metrics';
import { cachedLabels, runQuery, disclosureFor } from '../../warehouse/semantic/query';
import type { Access, MetricQuery, QueryResult } from '../../warehouse/semantic/types';
import { REPORTS } from '../catalog';
import { formatDate, t, timeLabel, type Lang, type ValueFormat } from '../i18n';
import { partialPeriods } from '../periods';
import type { ChartSpec } from '../specs';
import type { ReportColumn, ReportDef } from './defs';
import { processWide } from '../../platform/process-wide';

/** How an answer's NULL dimension value reads as a key (String(null)); exported as an empty code. */
const NULL_KEY = 'null';

/**
 * Rows a report may have (per column group). Far above what a page shows (it draws the first
 * thousand on request more) and what an Excel sheet holds; CSV, PDF and Parquet take them all.
 */
export const REPORT_MAX_ROWS = 2_000_000;

/** The first day a filter may name: the fixtures start in 2015; older periods are a typo. */
export const EARLIEST = '2000-01-01';

export interface ReportFilters {
  from: string;
  to: string;
  values: Record<string, string[]>;
}

export interface ReportRow {
  kind: 'row' | 'subtotal' | 'total';
  /** codes of the row dimensions (a subtotal has the code of its group where it is one of them) */
  codes: string[];
  labels: string[];
  values: Array<number | null>;
}

export interface ReportTable {
  id: string;
  title: string;
  /** the row dimensions (ids) and their headings */
  rowDims: string[];
  rowHeaders: string[];
  columns: Array<{ id: string; label: string; format: ValueFormat }>;
  rows: ReportRow[];
  suppressed: number;
  /** the disclosure control applied to the reader's figures (for the legend) */
  disclosure?: 'none' | 'cell-key' | 'threshold';
  dataAsOf: string | null;
  snapshot: string;
  filterSummary: string;
  /** the report's chart (drawn in the PDF), in the shape the dashboards draw */
  chart: ChartSpec;
}

interface Group {
  pivot?: string;
  metrics: string[];
}

function groupsOf(cols: ReportColumn[]): Group[] {
  const out: Group[] = [];
  for (const c of cols) {
    if (!c.metric) continue;
    const key = c.pivot?.dim;
    let g = out.find((x) => x.pivot === key);
    if (!g) out.push((g = { pivot: key, metrics: [] }));
    if (!g.metrics.includes(c.metric)) g.metrics.push(c.metric);
  }
  return out;
}

const formatOf = (c: ReportColumn): ValueFormat => (c.share ? 'percent' : metric(c.metric!)!.format);

function queryFor(def: ReportDef, g: Group, by: string[], f: ReportFilters): MetricQuery {
  const filters: Record<string, string[]> = { ...(def.fixed ?? {}) };
  for (const [k, v] of Object.entries(f.values)) if (v.length && g.metrics.every((m) => k in metric(m)!.dimensions)) filters[k] = v;
  return { metrics: g.metrics, by: g.pivot ? [...by, g.pivot] : by, filters, from: f.from, to: f.to };
}

/** Cell lookup: answer rows keyed by the codes of the level's dimensions (and the pivot value); built once per answer. */
const indexes = processWide('reports:indexes', () => new WeakMap<QueryResult, Map<number, Map<string, Array<string | number | null>>>>());
function index(r: QueryResult, dims: number): Map<string, Array<string | number | null>> {
  let byDims = indexes.get(r);
  if (!byDims) indexes.set(r, (byDims = new Map()));
  let m = byDims.get(dims);
  if (!m) byDims.set(dims, (m = new Map(r.rows.map((row) => [JSON.stringify(row.slice(0, dims).map(String)), row]))));
  return m;
}

export async function buildReport(reader: SnapshotSource, def: ReportDef, f: ReportFilters, access: Access, lang: Lang): Promise<ReportTable> {
  const groups = groupsOf(def.columns);
  const levels: Array<{ kind: ReportRow['kind']; by: string[] }> = [
    { kind: 'row', by: def.rows },
    ...(def.subtotal === 'year' ? [{ kind: 'subtotal' as const, by: ['year'] }] : def.subtotal === 'first' ? [{ kind: 'subtotal' as const, by: [def.rows[0]!] }] : []),
    { kind: 'total', by: [] },
  ];
  let suppressed = 0;
  let info: { dataAsOf: string | null; snapshot: string } = { dataAsOf: null, snapshot: '' };
  const answers = new Map<string, QueryResult>();
  await Promise.all(
    levels.flatMap((lvl) =>
      groups.map(async (g) => {
        const r = await runQuery(reader, queryFor(def, g, lvl.by, f), access, { maxRows: REPORT_MAX_ROWS });
        suppressed += r.suppressed;
        info = { dataAsOf: r.dataAsOf, snapshot: r.snapshot };
        answers.set(`${lvl.kind}|${g.pivot ?? ''}`, r);
      }),
    ),
  );
  const cellsFor = (kind: ReportRow['kind'], by: string[], codes: string[]): Array<number | null> => {
    const values = new Map<string, number | null>();
    for (const c of def.columns) {
      if (!c.metric) continue;
      const g = groups.find((x) => x.pivot === c.pivot?.dim)!;
      const r = answers.get(`${kind}|${g.pivot ?? ''}`)!;
      const key = JSON.stringify([...codes, ...(c.pivot ? [c.pivot.value] : [])]);
      const row = index(r, by.length + (c.pivot ? 1 : 0)).get(key);
      const m = metric(c.metric)!;
      const col = by.length + (c.pivot ? 1 : 0) + g.metrics.indexOf(c.metric);
      values.set(c.id, row ? (row[col] as number | null) : m.measure.kind === 'count' || m.measure.kind === 'sum' || m.measure.kind === 'pending' ? 0 : null);
    }
    for (const c of def.columns) {
      if (!c.share) continue;
      const parts = c.share.of.map((id) => values.get(id));
      const over = values.get(c.share.over);
      values.set(c.id, parts.some((p) => p === null || p === undefined) || !over ? null : Math.round((parts.reduce<number>((s, p) => s + (p ?? 0), 0) / over) * 100000) / 1000);
    }
    return def.columns.map((c) => values.get(c.id) ?? null);
  };

  const labelsOf = async (dim: string) => (dimension(dim)?.values.source === 'time' ? undefined : cachedLabels(reader, dim, lang));
  const rowLabels = await Promise.all(def.rows.map(labelsOf));
  // a row without a value of its dimension (e.g. an invoice without a provider) keys as "null"
  const label = (i: number, code: string) =>
    code === NULL_KEY ? t(lang, 'unassigned') : dimension(def.rows[i]!)?.values.source === 'time' ? timeLabel(code, def.rows[i]!, lang) : (rowLabels[i]?.[code] ?? code);

  // the rows, in the order of the answer (chronological / code-list order), or by a column
  const keys = new Map<string, string[]>();
  for (const g of groups) {
    const r = answers.get(`row|${g.pivot ?? ''}`)!;
    for (const row of r.rows) {
      const codes = row.slice(0, def.rows.length).map(String);
      keys.set(JSON.stringify(codes), codes);
    }
  }
  let rows: ReportRow[] = [...keys.values()].map((codes) => ({ kind: 'row', codes, labels: codes.map((c, i) => label(i, c)), values: cellsFor('row', def.rows, codes) }));
  const sortCol = def.sortBy ? def.columns.findIndex((c) => c.id === def.sortBy) : -1;
  if (sortCol >= 0) rows.sort((a, b) => (b.values[sortCol] ?? -1) - (a.values[sortCol] ?? -1));
  else rows.sort((a, b) => (JSON.stringify(a.codes) < JSON.stringify(b.codes) ? -1 : 1));

  if (def.subtotal) {
    const groupOf = (r: ReportRow) => (def.subtotal === 'year' ? r.codes[0]!.slice(0, 4) : r.codes[0]!);
    const out: ReportRow[] = [];
    const groups = new Map<string, ReportRow[]>();
    for (const r of rows) {
      const g = groupOf(r);
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g)!.push(r);
    }
    for (const [gcode, members] of groups) {
      for (const m of members) out.push(m);
      const sub = def.subtotal === 'year' ? ['year'] : [def.rows[0]!];
      const subLabel = def.subtotal === 'year' ? `${t(lang, 'total')} ${gcode}` : `${t(lang, 'total')} ${label(0, gcode)}`;
      out.push({ kind: 'subtotal', codes: def.subtotal === 'first' ? [gcode] : [], labels: [subLabel, ...def.rows.slice(1).map(() => '')], values: cellsFor('subtotal', sub, [gcode]) });
    }
    rows = out;
  }
  rows.push({ kind: 'total', codes: [], labels: [t(lang, 'total'), ...def.rows.slice(1).map(() => '')], values: cellsFor('total', [], []) });
  rows = rows.map((r) => (r.codes.includes(NULL_KEY) ? { ...r, codes: r.codes.map((c) => (c === NULL_KEY ? '' : c)) } : r));

  // the chart: over the rows (top N by its first column), or over its own dimensions
  const timeChart = !!def.chart.by || dimension(def.rows[0]!)?.values.source === 'time';
  const chartCols = def.chart.columns.map((id) => def.columns.find((c) => c.id === id)!);
  let categories: Array<{ code: string; label: string }>;
  let data: Array<Array<number | null>>;
  if (def.chart.by) {
    const g = groupsOf(chartCols);
    const r = await Promise.all(g.map((x) => runQuery(reader, queryFor(def, x, def.chart.by!, f), access)));
    const codes = [...new Set(r.flatMap((x) => x.rows.map((row) => String(row[0]))))].sort();
    categories = codes.map((c) => ({ code: c, label: timeLabel(c, def.chart.by![0]!, lang) }));
    data = chartCols.map((c) => {
      const gi = g.findIndex((x) => x.metrics.includes(c.metric!));
      const idx = index(r[gi]!, 1);
      return codes.map((code) => (idx.get(JSON.stringify([code]))?.[1 + g[gi]!.metrics.indexOf(c.metric!)] as number | null) ?? 0);
    });
  } else {
    let body = rows.filter((r) => r.kind === 'row');
    const first = def.columns.findIndex((c) => c.id === (def.chart.rankBy ?? def.chart.columns[0]));
    if (def.chart.top) body = [...body].sort((a, b) => (b.values[first] ?? -1) - (a.values[first] ?? -1)).slice(0, def.chart.top);
    categories = body.map((r) => ({ code: r.codes.join('|'), label: r.labels.filter(Boolean).join(' ') }));
    data = chartCols.map((c) => body.map((r) => r.values[def.columns.indexOf(c)] ?? null));
  }
  const timeDim = def.chart.by?.[0] ?? def.rows[0]!;
  const grain = timeChart && isTime(timeDim) ? timeDim : undefined;

  const title = REPORTS.find((r) => r.id === def.id)!.title[lang];
  const summary = await filterSummary(reader, f, lang);
  return {
    id: def.id,
    title,
    rowDims: def.rows,
    rowHeaders: def.rows.map((d) => dimension(d)?.label[lang] ?? d),
    columns: def.columns.map((c) => ({ id: c.id, label: c.label[lang], format: formatOf(c) })),
    rows,
    suppressed,
    disclosure: disclosureFor(access, def.columns.flatMap((c) => (c.metric ? [c.metric] : []))),
    ...info,
    filterSummary: summary,
    chart: {
      // time runs along the x axis; names read better as horizontal bars
      type: def.chart.type === 'line' ? 'line' : timeChart ? 'bar' : 'hbar',
      categories,
      ...(grain ? { time: grain, partial: partialPeriods(categories.map((c) => c.code), grain, f, info.dataAsOf, lang) } : {}),
      series: chartCols.map((c, i) => ({ name: c.label[lang], format: formatOf(c), data: data[i]!, ...(def.chart.type === 'stacked' ? { stack: 'total' } : {}) })),
      categoryTitle: def.chart.by ? (dimension(def.chart.by[0]!)?.label[lang] ?? def.chart.by[0]!) : (dimension(def.rows[0]!)?.label[lang] ?? def.rows[0]!),
    },
  };
}

/** "Zeitraum: 1. Jan. 2025 – 22. Nov. 2025; Land: Bayern" — the filters in words, for headers of pages and files. */
export async function filterSummary(reader: SnapshotSource, f: ReportFilters, lang: Lang): Promise<string> {
  const parts = [`${t(lang, 'period')}: ${formatDate(f.from, lang)} – ${formatDate(f.to, lang)}`];
  for (const [k, v] of Object.entries(f.values)) {
    if (!v.length) continue;
    const l = dimension(k)?.values.source === 'time' ? undefined : await cachedLabels(reader, k, lang);
    parts.push(`${dimension(k)?.label[lang] ?? k}: ${v.map((x) => l?.[x] ?? x).join(', ')}`);
  }
  return parts.join('; ');
}

/** The period and filters of a report from URL-style parameters (page) or API parameters. */
export function reportFilters(def: ReportDef, params: { from?: string; to?: string; values: Record<string, string[]> }, dataAsOf: string | null): ReportFilters {
  const end = (dataAsOf ?? new Date().toISOString()).slice(0, 10);
  const latest = `${Number(end.slice(0, 4)) + 1}-12-31`;
  for (const [k, v] of [['from', params.from], ['to', params.to]] as const) {
    if (v === undefined) continue;
    if (!isIsoDate(v)) throw new UserError(`"${k}" must be a date as YYYY-MM-DD, not "${v.slice(0, 20)}".`);
    if (v < EARLIEST || v > latest) throw new UserError(`"${k}" (${v}) lies outside the range FIS covers (${EARLIEST} to ${latest}).`);
  }
  const to = params.to ?? end;
  const defaultFrom = def.period === 'year' ? `${to.slice(0, 4)}-01-01` : (() => {
    const d = new Date(`${to.slice(0, 7)}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - 11);
    return d.toISOString().slice(0, 10);
  })();
  const from = params.from ?? defaultFrom;
  if (from > to) throw new UserError(`"from" (${from}) lies after "to" (${to}).`);
  const values: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(params.values)) {
    if (!(def.filters as string[]).includes(k)) throw new UserError(`The report "${def.id}" has no filter "${k.slice(0, 40)}"; it has ${def.filters.join(', ')}.`);
    values[k] = v;
  }
  return { from, to, values };
}
