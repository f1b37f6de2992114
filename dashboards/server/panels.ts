/**
 * Builds the data of a dashboard's panels for one filter state, through the one query path with
 * the viewer's rights. Global filters apply to a panel where its metrics have the dimension; the
 * geographic panels show states, or the offices of the selected state; a click filters.
 */
import 'server-only';
import { isUserError, oneLine } from '../../platform/errors';
import { createLogger } from '../../platform/logger';
import type { Principal } from '../../roles/access';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dimension, isTime } from '../../warehouse/semantic/dimensions';
import { metric } from '../../warehouse/semantic/metrics';
import { cachedLabels, disclosureFor, mayUseMetric, runQuery } from '../../warehouse/semantic/query';
import type { MetricQuery, QueryResult } from '../../warehouse/semantic/types';
import type { DashboardDef, PanelDef } from '../defs';
import { fill, formatValue, t, timeLabel, type Lang } from '../i18n';
import { monthStartMinus, partialPeriods } from '../periods';
import type { Category, ChartSpec, KpiTile, PanelData, SeriesSpec, TimeGrain } from '../specs';

const log = createLogger('dashboards');

export { parseFilters, type Filters } from '../filters';
import type { Filters } from '../filters';

const isMonthEnd = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.getUTCDate() === 1;
};
const shiftYears = (iso: string, n: number) => `${Number(iso.slice(0, 4)) + n}${iso.slice(4)}`.replace(/-02-29$/, '-02-28');

/** Code → label per dimension and language, cached per snapshot. */
export const labels = cachedLabels;

/** The dimension the geographic panels show at the current drill level. */
export const geoDimension = (f: Filters) => (f.values.office?.length || f.values.state?.length ? 'office' : 'state');

function panelQuery(p: PanelDef, f: Filters, by: string[], extra: Record<string, string[]> = {}): MetricQuery {
  const defs = p.metrics.map((m) => metric(m)!);
  const filters: Record<string, string[]> = { ...(p.fixed ?? {}), ...extra };
  for (const [k, v] of Object.entries(f.values)) {
    // a panel does not filter itself by the dimension a click on it selects: it highlights instead
    if (k === p.crossFilter && by.includes(k)) continue;
    if (v?.length && defs.every((m) => k in m.dimensions) && !(k in filters)) filters[k] = v;
  }
  const from = p.trend ? monthStartMinus(f.to, 23) : f.from;
  return { metrics: p.metrics, by, filters, from, to: f.to };
}

/**
 * What a panel's figures depend on: the period (only its end for the trend and the year-to-date
 * panels), and the global filters its metrics can apply, the one it cross-filters by (it marks the
 * selection) and, for the maps, the drill-down. A filter change outside these leaves it as it is.
 */
export function panelInputs(p: PanelDef, def: Pick<DashboardDef, 'filters'>): string[] {
  const defs = p.metrics.map((m) => metric(m)!);
  const geo = p.by.includes('geo');
  const keys = def.filters.filter((k) => k === p.crossFilter || (geo && (k === 'state' || k === 'office')) || (p.kind === 'kpis' ? defs.some((m) => k in m.dimensions) : defs.every((m) => k in m.dimensions)));
  return [...(p.trend || p.kind === 'running' ? [] : ['from']), 'to', ...keys];
}

/** Which global filters a panel cannot apply (its metrics lack the dimension). */
export function ignoredFilters(p: PanelDef, f: Filters): string[] {
  const defs = p.metrics.map((m) => metric(m)!);
  return Object.entries(f.values)
    .filter(([k, v]) => v?.length && !defs.every((m) => k in m.dimensions))
    .map(([k]) => k);
}

async function categoriesOf(reader: SnapshotSource, dim: string, codes: Array<string | number>, lang: Lang): Promise<Category[]> {
  if (isTime(dim)) return codes.map((c) => ({ code: String(c), label: timeLabel(c, dim, lang) }));
  const l = await labels(reader, dim, lang);
  // a row without a value of the dimension (an exam without a course type) answers with the code null
  return codes.map((c) => ({ code: String(c), label: l[String(c)] ?? (String(c) === 'null' ? t(lang, 'unassigned') : String(c)) }));
}

/** All months from `from` to `to`, so time axes have no gaps. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`);
  const end = to.slice(0, 7);
  while (d.toISOString().slice(0, 7) <= end && out.length < 400) {
    out.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return out;
}

const metricLabel = (m: string, lang: Lang) => metric(m)!.label[lang];

/**
 * The fewest cases a cell of a rate ranking needs: 100, or for a small selection (fewer than
 * 10,000 cases in all) 1 % of its cases, rounded down to 50, 20 or 10, and never fewer than 10 —
 * so that tiny test data and one office's scope still rank something, and the national figures
 * rank only countries with a meaningful number of decisions. The panel says which minimum applied.
 */
export function minimumCases(total: number): number {
  if (total >= 10_000) return 100;
  return [50, 20].find((m) => total / 100 >= m) ?? 10;
}

const grainOf = (d: string): TimeGrain | undefined => (isTime(d) ? d : undefined);

async function chartFor(reader: SnapshotSource, p: PanelDef, f: Filters, principal: Principal, lang: Lang): Promise<{ chart: ChartSpec; suppressed: number; subtitle?: string }> {
  const run = (q: MetricQuery) => runQuery(reader, q, principal.access);
  const by = p.by.map((d) => (d === 'geo' ? geoDimension(f) : d));
  const first = metric(p.metrics[0]!)!;
  const dimLabel = (d: string) => dimension(d)?.label[lang] ?? d;
  const partial = (codes: string[], grain: TimeGrain | undefined, q: MetricQuery, r: QueryResult) => (grain ? partialPeriods(codes, grain, { from: q.from!, to: q.to! }, r.dataAsOf, lang) : undefined);

  if (p.kind === 'running') {
    const year = Number(f.to.slice(0, 4));
    const q = (y: number) => ({ ...panelQuery(p, f, ['month']), from: `${y}-01-01`, to: y === year ? f.to : `${y}-12-31` });
    const [cur, prev] = await Promise.all([run(q(year)), run(q(year - 1))]);
    const months = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));
    const cumulative = (r: QueryResult, y: number, cut: boolean) => {
      const byMonth = new Map(r.rows.map((row) => [String(row[0]), row[1] as number | null]));
      let sum = 0;
      return months.map((mm) => {
        if (cut && `${y}-${mm}` > f.to.slice(0, 7)) return null;
        const v = byMonth.get(`${y}-${mm}`);
        if (v === null) return null;
        sum += v ?? 0;
        return sum;
      });
    };
    const codes = months.map((mm) => `${year}-${mm}`);
    return {
      chart: {
        type: 'line',
        time: 'month-of-year',
        partial: partial(codes, 'month-of-year', q(year), cur),
        categories: await categoriesOf(reader, 'month', codes, lang).then((c) => c.map((x) => ({ ...x, label: x.label.replace(/\s*\d{4}$/, '') }))),
        series: [
          { name: String(year), format: first.format, data: cumulative(cur, year, true) },
          { name: `${year - 1} (${t(lang, 'previousYear')})`, format: first.format, data: cumulative(prev, year - 1, false), complete: true },
        ],
        categoryTitle: dimLabel('month'),
        categoryDim: 'month',
      },
      suppressed: cur.suppressed + prev.suppressed,
    };
  }

  // the top categories of a second dimension (leading countries over time)
  let extra: Record<string, string[]> = {};
  if (p.top && by.length === 2 && isTime(by[0]!)) {
    const lead = await run(panelQuery(p, f, [by[1]!]));
    const top = [...lead.rows].sort((a, b) => Number(b[1] ?? 0) - Number(a[1] ?? 0)).slice(0, p.top).map((r) => String(r[0]));
    extra = { [by[1]!]: top.length ? top : ['-'] };
    if (!top.length) return { chart: { type: 'line', categories: [], series: [], categoryTitle: dimLabel(by[0]!), categoryDim: by[0] }, suppressed: 0 };
  }
  const q = panelQuery(p, f, by, extra);
  // a rate ranking asks for the cases behind each rate too
  const base = p.minCases && !p.metrics.includes(p.minCases.metric) ? [p.minCases.metric] : [];
  const r = await run({ ...q, metrics: [...q.metrics, ...base] });
  let rows = r.rows;
  const type: ChartSpec['type'] = p.kind === 'map' ? 'map' : p.kind === 'stacked' ? 'stacked' : p.kind === 'line' ? 'line' : p.kind === 'hbar' || p.kind === 'league' ? 'hbar' : 'bar';
  const grain = grainOf(by[0]!);

  if (by.length === 1 || (by.length === 2 && p.metrics.length > 1)) {
    let subtitle: string | undefined;
    if (p.minCases) {
      const col = by.length + [...p.metrics, ...base].indexOf(p.minCases.metric);
      const min = minimumCases(rows.reduce((n, row) => n + Number(row[col] ?? 0), 0));
      rows = rows.filter((row) => Number(row[col] ?? 0) >= min);
      subtitle = fill(p.minCases.label[lang], { n: min.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB') });
    }
    // rankings: by their leading metric, descending (withheld values last)
    if (!grain && (p.top || p.minCases || p.kind === 'league')) rows = [...rows].sort((a, b) => Number(b[by.length] ?? -1) - Number(a[by.length] ?? -1));
    if (p.top && !grain) rows = rows.slice(0, p.top);
    let codes = rows.map((row) => String(row[0]));
    if (by[0] === 'month') codes = monthsBetween(q.from!, q.to!);
    const index = new Map(rows.map((row) => [String(row[0]), row]));
    return {
      chart: {
        type,
        time: grain,
        partial: partial(codes, grain, q, r),
        categories: await categoriesOf(reader, by[0]!, codes, lang),
        series: p.metrics.map((m, i) => ({
          name: metricLabel(m, lang),
          format: metric(m)!.format,
          data: codes.map((c) => {
            const row = index.get(c);
            return row ? (row[by.length + i] as number | null) : type === 'line' && metric(m)!.format !== 'count' ? null : 0;
          }),
        })),
        clickDim: p.crossFilter ?? (by[0] === 'state' || by[0] === 'office' ? by[0] : undefined),
        selected: p.crossFilter ? f.values[p.crossFilter]?.[0] : undefined,
        categoryTitle: dimLabel(by[0]!),
        categoryDim: by[0],
      },
      suppressed: r.suppressed,
      subtitle,
    };
  }

  // two dimensions, one metric: categories from the first, a series per value of the second
  const [d1, d2] = by as [string, string];
  let codes1 = [...new Set(rows.map((row) => String(row[0])))];
  if (d1 === 'month') codes1 = monthsBetween(q.from!, q.to!);
  const order2 = [...new Set(rows.map((row) => String(row[1])))];
  const cats1 = await categoriesOf(reader, d1, codes1, lang);
  const cats2 = await categoriesOf(reader, d2, order2, lang);
  const cell = new Map(rows.map((row) => [`${row[0]}|${row[1]}`, row[2] as number | null]));
  const series: SeriesSpec[] = cats2
    .map((c2) => ({
      name: c2.label,
      format: first.format,
      stack: type === 'stacked' ? 'total' : undefined,
      // no row is no case (a count of 0); a rate or median without cases has no value
      data: codes1.map((c1) => (cell.has(`${c1}|${c2.code}`) ? cell.get(`${c1}|${c2.code}`)! : type === 'line' && first.format !== 'count' ? null : 0)),
    }))
    // a value of the second dimension the metric never has (LiD results among DTZ exams) is no series
    .filter((s) => s.data.some((v) => v !== 0));
  return {
    chart: { type, time: grain, partial: partial(codes1, grain, q, r), categories: cats1, series, clickDim: p.crossFilter, selected: p.crossFilter ? f.values[p.crossFilter]?.[0] : undefined, categoryTitle: dimLabel(d1), categoryDim: d1 },
    suppressed: r.suppressed,
  };
}

async function kpis(reader: SnapshotSource, p: PanelDef, f: Filters, principal: Principal, lang: Lang): Promise<{ tiles: KpiTile[]; suppressed: number }> {
  const allowed = p.metrics.filter((m) => mayUseMetric(principal.access, m));
  let suppressed = 0;
  const values = new Map<string, { v: number | null; prev: number | null; spark: Array<number | null> }>();
  // one query per metric: the global filters differ by metric (the office filter does not apply to courses)
  const sparkFrom = monthStartMinus(f.to, 23);
  const prevFrom = shiftYears(f.from, -1);
  const prevTo = shiftYears(f.to, -1);
  await Promise.all(
    allowed.map(async (m) => {
      const one: PanelDef = { ...p, metrics: [m] };
      const spark = await runQuery(reader, { ...panelQuery({ ...one, trend: true }, f, ['month']) }, principal.access);
      const months = monthsBetween(sparkFrom, f.to);
      const byMonth = new Map(spark.rows.map((r) => [String(r[0]), r[1] as number | null]));
      const def = metric(m)!;
      // one monthly question answers all three where months add up: a count or sum, whole months,
      // both periods inside the sparkline's 24 months, and exact figures (perturbed cells would not
      // add up to the perturbed cell of the period, which the reports show)
      const additive = (def.measure.kind === 'count' || def.measure.kind === 'sum') && disclosureFor(principal.access, [m]) === 'none';
      if (additive && f.from.endsWith('-01') && isMonthEnd(f.to) && isMonthEnd(prevTo) && prevFrom >= sparkFrom) {
        const sum = (a: string, b: string) => months.filter((mm) => mm >= a.slice(0, 7) && mm <= b.slice(0, 7)).reduce((s, mm) => s + Number(byMonth.get(mm) ?? 0), 0);
        values.set(m, { v: sum(f.from, f.to), prev: sum(prevFrom, prevTo), spark: months.map((mm) => byMonth.get(mm) ?? 0) });
        return;
      }
      const cur = await runQuery(reader, panelQuery(one, f, []), principal.access);
      const prev = await runQuery(reader, { ...panelQuery(one, f, []), from: prevFrom, to: prevTo }, principal.access);
      suppressed += cur.suppressed;
      values.set(m, {
        v: (cur.rows[0]?.[0] as number | null | undefined) ?? (def.format === 'count' ? 0 : null),
        prev: (prev.rows[0]?.[0] as number | null | undefined) ?? null,
        spark: months.map((mm) => byMonth.get(mm) ?? (def.format === 'count' ? 0 : null)),
      });
    }),
  );
  // the sparkline's last month is covered in part when the period ends before that month does
  const sparkPartial = partialPeriods([f.to.slice(0, 7)], 'month', { from: monthStartMinus(f.to, 23), to: f.to }, reader.info()?.dataAsOf ?? null, lang).length > 0;
  const tiles = p.metrics.map((m) => {
    const d = metric(m)!;
    const v = values.get(m);
    const change = v && v.v !== null && v.prev ? ((v.v - v.prev) / Math.abs(v.prev)) * 100 : null;
    return { metric: m, label: d.label[lang], format: d.format, value: v?.v ?? null, previous: v?.prev ?? null, changePct: change, direction: d.direction, spark: v?.spark ?? [], sparkPartial, allowed: !!v };
  });
  return { tiles, suppressed };
}

export async function panelData(reader: SnapshotSource, p: PanelDef, f: Filters, principal: Principal, lang: Lang): Promise<PanelData> {
  try {
    if (p.kind === 'kpis') return { status: 'ok', kind: 'kpis', disclosure: disclosureFor(principal.access, p.metrics), ...(await kpis(reader, p, f, principal, lang)) };
    const { chart, suppressed, subtitle } = await chartFor(reader, p, f, principal, lang);
    const empty = chart.series.length === 0 || chart.series.every((s) => s.data.every((v) => v === 0 || v === null)) && suppressed === 0;
    return { status: 'ok', kind: 'chart', chart, suppressed, disclosure: disclosureFor(principal.access, p.metrics), empty, league: p.kind === 'league', ...(subtitle ? { subtitle } : {}) };
  } catch (e) {
    if (isUserError(e)) return { status: (e as { httpStatus: number }).httpStatus === 403 ? 'forbidden' : 'error', message: e.message };
    log.error(`panel ${p.id}: ${oneLine(e)}`, { stack: (e as Error).stack });
    return { status: 'error', message: t(lang, 'errorTitle') };
  }
}

export { formatValue };
