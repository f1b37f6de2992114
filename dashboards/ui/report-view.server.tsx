/**
 * A report page: the filter bar of the dashboards (filters in the URL), a header with Datenstand
 * and the filters in words, the export links the user may use, the report's chart and its table
 * with subtotals and total. The numbers are the exports' numbers: both come from buildReport.
 */
import { isIsoDate } from '../../platform/dates';
import { isUserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import { FILE_FORMATS } from '../exports/doc';
import { REPORTS } from '../catalog';
import { disclosureLegend } from '../disclosure-legend';
import { formatDate, t, type Lang } from '../i18n';
import { buildReport, reportFilters, type ReportFilters } from '../reports/build';
import type { ReportDef } from '../reports/defs';
import { canExport } from '../rights';
import { chartWithEvents, eventContext } from '../events/context';
import { resolvePeriod } from '../periods';
import { appDb } from '../server/services';
import { filterBarProps } from '../server/options';
import { requestSnapshot } from '../server/snapshot';
import { NoData } from './dashboard-view.server';
import { Chart } from './chart.client';
import { ExportMenu } from './export-menu';
import { FilterBar } from './filter-bar.client';
import { ReportTableView } from './report-table.client';

type Params = Record<string, string | string[] | undefined>;

/** What a report's filter bar offers choices for. */
export const reportSource = (def: ReportDef) => ({ filters: def.filters, metrics: def.columns.flatMap((c) => (c.metric ? [c.metric] : [])) });

/** The filters from the page URL (state=09&from=…, or a relative period=last-12-months); what does not parse is left at its default. */
function urlFilters(def: ReportDef, params: Params, dataAsOf: string | null): ReportFilters {
  const one = (k: string) => (Array.isArray(params[k]) ? params[k]![0] : params[k]) as string | undefined;
  const relative = resolvePeriod(one('period'), dataAsOf);
  const date = (k: string) => (relative ? relative[k as 'from' | 'to'] : one(k) && isIsoDate(one(k)!) ? one(k) : undefined);
  const values: Record<string, string[]> = {};
  for (const k of def.filters) {
    const v = one(k);
    if (v) values[k] = v.split('|').filter(Boolean).slice(0, 50);
  }
  for (const attempt of [{ from: date('from'), to: date('to') }, { to: date('to') }, {}]) {
    try {
      return reportFilters(def, { ...attempt, values }, dataAsOf);
    } catch {
      // fall back to the default period
    }
  }
  return reportFilters(def, { values }, dataAsOf);
}

/** The export URL of a report for a filter state, in the parameters of /api/query. */
export function reportExportBase(id: string, f: ReportFilters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  for (const [k, v] of Object.entries(f.values)) if (v.length) q.append('filter', `${k}:${v.join('|')}`);
  return `/api/reports/${id}/export?${q.toString()}`;
}

export async function ReportView({ def, searchParams, principal, lang }: { def: ReportDef; searchParams: Params; principal: Principal; lang: Lang }) {
  const pinned = await requestSnapshot().catch((e: unknown) => (isUserError(e) ? e : Promise.reject(e)));
  if (isUserError(pinned)) return <NoData title={REPORTS.find((r) => r.id === def.id)!.title[lang]} message={pinned.message} />;
  const reader = pinned;
  const info = reader.info();
  const f = urlFilters(def, searchParams, info.dataAsOf);
  const src = reportSource(def);
  const title = REPORTS.find((r) => r.id === def.id)!.title[lang];
  const bar = await filterBarProps(reader, principal, src, f, lang);
  let table;
  try {
    table = await buildReport(reader, def, f, principal.access, lang);
    if (table.chart.time) table = { ...table, chart: chartWithEvents(table.chart, await eventContext(reader, principal, await appDb()), f.values) };
  } catch (e) {
    if (!isUserError(e)) throw e;
    return (
      <>
        <h1>{title}</h1>
        <FilterBar {...bar} />
        <p className="form-error" role="alert">
          {e.message}
        </p>
      </>
    );
  }
  const formats = FILE_FORMATS.filter((x) => canExport(principal, def.id, x));
  return (
    <>
      <div className="report-head">
        <h1>{title}</h1>
        <ExportMenu lang={lang} base={reportExportBase(def.id, f)} formats={formats} label={t(lang, 'exportAs')} />
      </div>
      <p className="report-meta" data-testid="report-meta">
        {t(lang, 'dataAsOf')}: {formatDate(table.dataAsOf, lang)} · {table.filterSummary}
      </p>
      <FilterBar {...bar} />
      <section className="report-chart" aria-labelledby="report-chart">
        <h2 id="report-chart">{t(lang, 'reportChart')}</h2>
        <Chart spec={table.chart} lang={lang} title={`${title} – ${t(lang, 'reportChart')}`} />
      </section>
      <ReportTableView lang={lang} title={title} rowHeaders={table.rowHeaders} columns={table.columns} rows={table.rows.map((r) => ({ kind: r.kind, labels: r.labels, values: r.values }))} />
      {disclosureLegend(lang, table.disclosure, table.suppressed, principal.access.suppressBelow).length ? (
        <p className="legend">{disclosureLegend(lang, table.disclosure, table.suppressed, principal.access.suppressBelow).join(' ')}</p>
      ) : null}
    </>
  );
}
