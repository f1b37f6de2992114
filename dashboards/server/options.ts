/**
 * The choices of the filter bar, limited to what the viewer may see: the states, offices and
 * nationalities that occur in their scope (asked through the query path with their rights).
 */
import 'server-only';
import { keptPromise, processWide } from '../../platform/process-wide';
import { principalName, type Principal } from '../../roles/access';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dimension, isTime } from '../../warehouse/semantic/dimensions';
import { METRICS, metric, type MetricDef } from '../../warehouse/semantic/metrics';
import { mayUseMetric, runQuery } from '../../warehouse/semantic/query';
import type { DashboardDef, FilterKey } from '../defs';
import { t, type Lang } from '../i18n';
import type { Category } from '../specs';
import type { FilterOption } from '../ui/filter-bar.client';
import { labels, type Filters } from './panels';

// the values that occur, per snapshot, principal (the user's rights of the moment), metric, dimension and scope (process-wide: the page and the route handlers share them)
const cache = processWide('options:present', () => new Map<string, Promise<Array<{ code: string; n: number }>>>());

const present = (reader: SnapshotSource, principal: Principal, m: string, dim: string, filters: Record<string, string[]>) =>
  keptPromise(cache, `${reader.info()?.id}|${principalName(principal)}|${m}|${dim}|${JSON.stringify(filters)}`, async () => {
    const r = await runQuery(reader, { metrics: [m], by: [dim], filters }, principal.access).catch(() => ({ rows: [] as Array<Array<string | number | null>> }));
    return r.rows.map((row) => ({ code: String(row[0]), n: Number(row[1] ?? 0) }));
  }, 2000);

/** What a filter bar offers choices for: its filters, and the metrics of the page (dashboard or report). */
export interface FilterSource {
  filters: readonly FilterKey[];
  metrics: readonly string[];
}

export const dashboardSource = (def: DashboardDef): FilterSource => ({ filters: def.filters, metrics: def.panels.flatMap((p) => p.metrics) });

/**
 * A metric of the page the viewer may use that has the dimension (for finding the values that
 * occur). A stock has no period to list values over: the count of its fact stands in for it (the
 * pending cases' states, offices and nationalities are those of the applications).
 */
function metricFor(src: FilterSource, principal: Principal, dim: string): string | undefined {
  const has = (x: MetricDef) => isTime(dim) || dim in x.dimensions;
  for (const m of src.metrics) {
    const d = metric(m);
    if (!d || !has(d) || !mayUseMetric(principal.access, m)) continue;
    if (d.measure.kind !== 'pending') return m;
    const flow = METRICS.find((x) => x.fact === d.fact && x.measure.kind === 'count' && !x.measure.where && has(x) && mayUseMetric(principal.access, x.name));
    if (flow) return flow.name;
  }
  return undefined;
}

export async function filterOptions(reader: SnapshotSource, principal: Principal, src: FilterSource, f: Pick<Filters, 'values'>, lang: Lang): Promise<Record<string, Category[]>> {
  const out: Record<string, Category[]> = {};
  for (const key of src.filters) {
    const m = metricFor(src, principal, key);
    if (!m) continue;
    const scope: Record<string, string[]> = key === 'office' && f.values.state?.length ? { state: f.values.state } : {};
    let rows = await present(reader, principal, m, key, scope);
    if (key === 'nationality') rows = [...rows].sort((a, b) => b.n - a.n).slice(0, 80);
    const l = await labels(reader, key, lang);
    const cats = rows.map((r) => ({ code: r.code, label: l[r.code] ?? r.code }));
    if (key === 'nationality' || key === 'office') cats.sort((a, b) => a.label.localeCompare(b.label, lang));
    out[key] = cats;
  }
  return out;
}

export async function yearsWithData(reader: SnapshotSource, principal: Principal, src: FilterSource): Promise<number[]> {
  const m = metricFor(src, principal, 'year');
  if (!m) return [];
  return (await present(reader, principal, m, 'year', {})).map((r) => Number(r.code)).filter((y) => y >= 2015);
}

export const filterLabel = (key: FilterKey, lang: Lang) => dimension(key)?.label[lang] ?? key;

/** Everything the filter bar of a page needs: period bounds, the years with data, choices, drill path. */
export async function filterBarProps(reader: SnapshotSource, principal: Principal, src: FilterSource, f: Pick<Filters, 'values' | 'from' | 'to'>, lang: Lang) {
  const [options, years] = await Promise.all([filterOptions(reader, principal, src, f, lang), yearsWithData(reader, principal, src)]);
  const allLabel = (k: string) => (k === 'state' ? t(lang, 'allStates') : k === 'office' ? t(lang, 'allOffices') : k === 'nationality' ? t(lang, 'allNationalities') : t(lang, 'all'));
  const named = async (k: 'state' | 'office') => {
    const code = f.values[k]?.[0];
    return code ? [{ key: k, label: (await labels(reader, k, lang))[code] ?? code }] : [];
  };
  const filters: FilterOption[] = src.filters
    .filter((k) => options[k]?.length)
    .map((k) => ({ key: k, label: filterLabel(k, lang), allLabel: allLabel(k), options: options[k]!, value: f.values[k]?.[0] }));
  return {
    lang,
    from: f.from,
    to: f.to,
    dataAsOf: reader.info()?.dataAsOf ?? new Date().toISOString(),
    years,
    drillPath: [...(await named('state')), ...(await named('office'))],
    filters,
  };
}

/**
 * The codes of a filter the viewer's rights cover (every state, office or nationality that occurs
 * in their scope, asked with their rights), or undefined when no metric of the page has the
 * dimension (nothing to check it against).
 */
export async function scopeValues(reader: SnapshotSource, principal: Principal, src: FilterSource, key: string): Promise<Set<string> | undefined> {
  const m = metricFor(src, principal, key);
  if (!m) return undefined;
  return new Set((await present(reader, principal, m, key, {})).map((r) => r.code));
}
