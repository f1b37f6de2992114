/**
 * A dashboard: the filter bar and its panels, each streamed in its own Suspense boundary so the
 * page is usable while the slower panels load.
 */
import { Suspense } from 'react';
import type { Principal } from '../../roles/access';
import type { DashboardDef } from '../defs';
import { DASHBOARDS } from '../catalog';
import { t, type Lang } from '../i18n';
import { filterLabel, filterOptions, yearsWithData } from '../server/options';
import { ignoredFilters, labels, panelData, parseFilters, type Filters } from '../server/panels';
import { services } from '../server/services';
import { FilterBar } from './filter-bar';
import { PanelFrame, PanelSkeleton } from './panels';

async function PanelLoader({ def, index, filters, principal, lang }: { def: DashboardDef; index: number; filters: Filters; principal: Principal; lang: Lang }) {
  const p = def.panels[index]!;
  const data = await panelData(services().reader, p, filters, principal, lang);
  const ignored = await Promise.all(ignoredFilters(p, filters).map(async (k) => filterLabel(k as never, lang)));
  return (
    <PanelFrame id={p.id} title={p.title[lang]} data={data} lang={lang} span={p.span ?? 1} ignored={ignored} note={p.note?.[lang]} suppressBelow={principal.access.suppressBelow} filterKey={JSON.stringify(filters)} />
  );
}

export async function DashboardView({ def, searchParams, principal, lang }: { def: DashboardDef; searchParams: Record<string, string | string[] | undefined>; principal: Principal; lang: Lang }) {
  const reader = services().reader;
  const info = reader.info();
  const filters = parseFilters(searchParams, def, info?.dataAsOf ?? null);
  const [options, years] = await Promise.all([filterOptions(reader, principal, def, filters, lang), yearsWithData(reader, principal, def)]);
  const allLabel = (k: string) => (k === 'state' ? t(lang, 'allStates') : k === 'office' ? t(lang, 'allOffices') : k === 'nationality' ? t(lang, 'allNationalities') : t(lang, 'all'));
  const stateLabels = filters.values.state?.length ? await labels(reader, 'state', lang) : {};
  const officeLabels = filters.values.office?.length ? await labels(reader, 'office', lang) : {};
  const drillPath = [
    ...(filters.values.state?.[0] ? [{ key: 'state', label: stateLabels[filters.values.state[0]] ?? filters.values.state[0] }] : []),
    ...(filters.values.office?.[0] ? [{ key: 'office', label: officeLabels[filters.values.office[0]] ?? filters.values.office[0] }] : []),
  ];
  const title = DASHBOARDS.find((d) => d.id === def.slug)!.title[lang];
  const key = JSON.stringify(filters);
  return (
    <>
      <h1>{title}</h1>
      <FilterBar
        lang={lang}
        from={filters.from}
        to={filters.to}
        dataAsOf={info?.dataAsOf ?? new Date().toISOString()}
        years={years}
        drillPath={drillPath}
        filters={def.filters
          .filter((k) => options[k]?.length)
          .map((k) => ({ key: k, label: filterLabel(k, lang), allLabel: allLabel(k), options: options[k]!, value: filters.values[k]?.[0] }))}
      />
      <div className="panels">
        {def.panels.map((p, i) => (
          <Suspense key={`${p.id}:${key}`} fallback={<PanelSkeleton title={p.title[lang]} span={p.span ?? 1} />}>
            <PanelLoader def={def} index={i} filters={filters} principal={principal} lang={lang} />
          </Suspense>
        ))}
      </div>
    </>
  );
}
