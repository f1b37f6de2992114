/**
 * A dashboard: the filter bar and its panels, each streamed in its own Suspense boundary so the
 * page is usable while the slower panels load.
 */
import { Suspense } from 'react';
import { isUserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { DashboardDef, PanelDef } from '../defs';
import { DASHBOARDS } from '../catalog';
import type { Lang } from '../i18n';
import { dashboardSource, filterBarProps, filterLabel } from '../server/options';
import { ignoredFilters, panelData, parseFilters, type Filters } from '../server/panels';
import { requestSnapshot } from '../server/snapshot';
import { FILE_FORMATS } from '../exports/doc';
import { canExportPanel, visiblePanels } from '../rights';
import { FilterBar } from './filter-bar.client';
import { PanelFrame, PanelSkeleton } from './panels';

/** The panel's export link: the dashboard's filters in its URL parameters. */
function panelExportBase(slug: string, panel: string, f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  for (const [k, v] of Object.entries(f.values)) if (v?.length) q.set(k, v.join('|'));
  return `/api/dashboards/${slug}/panels/${panel}/export?${q.toString()}`;
}

async function PanelLoader({ def, panel: p, span, filters, principal, lang }: { def: DashboardDef; panel: PanelDef; span: number; filters: Filters; principal: Principal; lang: Lang }) {
  const formats = FILE_FORMATS.filter((x) => canExportPanel(principal, def.slug, x));
  const data = await panelData(await requestSnapshot(), p, filters, principal, lang);
  const ignored = await Promise.all(ignoredFilters(p, filters).map(async (k) => filterLabel(k as never, lang)));
  return (
    <PanelFrame id={p.id} title={p.title[lang]} data={data} lang={lang} span={span} ignored={ignored} note={p.note?.[lang]} suppressBelow={principal.access.suppressBelow} filterKey={JSON.stringify(filters)} exportBase={panelExportBase(def.slug, p.id, filters)} exportFormats={formats} />
  );
}

/** No snapshot yet (before the first ETL run): one sentence instead of panels. */
export function NoData({ title, message }: { title: string; message: string }) {
  return (
    <>
      <h1>{title}</h1>
      <p className="form-error" role="alert">
        {message}
      </p>
    </>
  );
}

export async function DashboardView({ def, searchParams, principal, lang }: { def: DashboardDef; searchParams: Record<string, string | string[] | undefined>; principal: Principal; lang: Lang }) {
  const title = DASHBOARDS.find((d) => d.id === def.slug)!.title[lang];
  const pinned = await requestSnapshot().catch((e: unknown) => (isUserError(e) ? e : Promise.reject(e)));
  if (isUserError(pinned)) return <NoData title={title} message={pinned.message} />;
  const reader = pinned;
  const info = reader.info();
  const filters = parseFilters(searchParams, def, info.dataAsOf);
  const bar = await filterBarProps(reader, principal, dashboardSource(def), filters, lang);
  const key = JSON.stringify(filters);
  return (
    <>
      <h1>{title}</h1>
      <FilterBar {...bar} />
      <div className="panels">
        {/* only the panels the user may see: the others are left out, and the layout closes the gap */}
        {visiblePanels(principal, def.slug).map(({ panel: p, span }) => (
          <Suspense key={`${p.id}:${key}`} fallback={<PanelSkeleton title={p.title[lang]} span={span} />}>
            <PanelLoader def={def} panel={p} span={span} filters={filters} principal={principal} lang={lang} />
          </Suspense>
        ))}
      </div>
    </>
  );
}
