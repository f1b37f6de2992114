/**
 * What a dashboard page needs per panel and for its filter bar — the same for the first render on
 * the server and for the panels the browser asks again after a filter change
 * (GET /api/dashboards/<slug>/panels/<panel>, GET /api/dashboards/<slug>/filters).
 */
import 'server-only';
import { UserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dashboardDef, type DashboardDef } from '../defs';
import { FILE_FORMATS } from '../exports/doc';
import { filterParams, type Filters } from '../filters';
import type { Lang } from '../i18n';
import { pick } from '../i18n-my';
import { canExportPanel, canViewDashboard, visiblePanels } from '../rights';
import type { PanelView } from '../specs';
import { panelWithEvents } from './events';
import { dashboardSource, filterBarProps, filterLabel } from './options';
import { ignoredFilters, panelData, panelInputs, parseFilters } from './panels';

/** The panels of a dashboard a user may see, with what each depends on (for the browser). */
export function panelSlots(principal: Principal, def: DashboardDef, lang: Lang) {
  return visiblePanels(principal, def.slug).map(({ panel, span }) => ({ id: panel.id, title: panel.title[lang], span, inputs: panelInputs(panel, def) }));
}

export function dashboardFor(principal: Principal, slug: string): DashboardDef {
  const def = dashboardDef(slug);
  if (!def || !canViewDashboard(principal, slug)) throw new UserError(`You may not see the dashboard "${slug.slice(0, 60)}".`, { httpStatus: def ? 403 : 404 });
  return def;
}

export async function panelView(snapshot: SnapshotSource, principal: Principal, def: DashboardDef, panelId: string, f: Filters, lang: Lang): Promise<PanelView> {
  const slot = visiblePanels(principal, def.slug).find((x) => x.panel.id === panelId);
  if (!slot) throw new UserError(`The dashboard "${def.slug}" has no panel "${panelId.slice(0, 60)}" for you.`, { httpStatus: 404 });
  const p = slot.panel;
  return {
    id: p.id,
    title: p.title[lang],
    data: await panelWithEvents(snapshot, principal, await panelData(snapshot, p, f, principal, lang), f.values),
    lang,
    span: slot.span,
    ignored: ignoredFilters(p, f).map((k) => filterLabel(k as never, lang)),
    note: p.note?.[lang],
    suppressBelow: principal.access.suppressBelow,
    filterKey: JSON.stringify(f),
    exportBase: `/api/dashboards/${def.slug}/panels/${p.id}/export?${filterParams(f).toString()}`,
    exportFormats: FILE_FORMATS.filter((x) => canExportPanel(principal, def.slug, x)),
    pin: { slug: def.slug, panel: p.id, dataAsOf: snapshot.info()?.dataAsOf ?? null, labels: pick(lang, ['pin', 'pinned', 'saveFailed']) },
  };
}

export const filtersOf = (snapshot: SnapshotSource, def: DashboardDef, params: Record<string, string | string[] | undefined>) => parseFilters(params, def, snapshot.info()?.dataAsOf ?? null);

export const barView = (snapshot: SnapshotSource, principal: Principal, def: DashboardDef, f: Filters, lang: Lang) => filterBarProps(snapshot, principal, dashboardSource(def), f, lang);
