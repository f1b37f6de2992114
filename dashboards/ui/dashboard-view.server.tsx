/**
 * A dashboard: the filter bar and its panels, each streamed in its own Suspense boundary so the
 * page is usable while the slower panels load; after that, DashboardLive (in the browser) reloads
 * only what a filter change touches.
 */
import { cache, Suspense } from 'react';
import { isUserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { DashboardDef } from '../defs';
import { DASHBOARDS } from '../catalog';
import type { Lang } from '../i18n';
import { parseFilters, type Filters } from '../filters';
import { barView, panelSlots, panelView } from '../server/live';
import { requestSnapshot } from '../server/snapshot';
import { appDb } from '../server/services';
import { listEvents } from '../events/events';
import { DashboardLive } from './dashboard-live.client';
import { PanelFrame, PanelSkeleton } from './panels';

/** The events of this request, read once for all its panels. */
const requestEvents = cache(() => {
  const listed = appDb().then(listEvents);
  // awaited only by time charts: a failure must not go unhandled on a page without one
  listed.catch(() => undefined);
  return listed;
});

async function PanelLoader({ def, panelId, filters, principal, lang }: { def: DashboardDef; panelId: string; filters: Filters; principal: Principal; lang: Lang }) {
  return <PanelFrame {...await panelView(await requestSnapshot(), principal, def, panelId, filters, lang, requestEvents())} />;
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
  const bar = await barView(reader, principal, def, filters, lang);
  const key = JSON.stringify(filters);
  const slots = panelSlots(principal, def, lang);
  // the first render on the server, each panel streamed in its own Suspense boundary; filter
  // changes after it are handled in the browser (only the panels whose inputs changed reload)
  const initial = Object.fromEntries(
    slots.map((s) => [
      s.id,
      <Suspense key={`${s.id}:${key}`} fallback={<PanelSkeleton title={s.title} span={s.span} />}>
        <PanelLoader def={def} panelId={s.id} filters={filters} principal={principal} lang={lang} />
      </Suspense>,
    ]),
  );
  return (
    <>
      <h1>{title}</h1>
      <DashboardLive slug={def.slug} lang={lang} filterKeys={[...def.filters]} dataAsOf={info.dataAsOf} first={filters} bar={bar} slots={slots} initial={initial} />
    </>
  );
}
