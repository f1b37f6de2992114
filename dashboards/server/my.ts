/**
 * The web app's side of "Mein FIS": who may keep views and a start page (anyone who sees a
 * dashboard or report), what a dashboard or report page does with its URL before it renders —
 * without filters it opens the user's default view; filter values outside the user's rights of the
 * moment are dropped (a redirect to the URL without them) and one sentence says which — and the
 * start page with each pin's panel asked with the viewer's rights.
 */
import 'server-only';
import { redirect } from 'next/navigation';
import { UserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import { mayUseMetric } from '../../warehouse/semantic/query';
import { DASHBOARDS } from '../catalog';
import { dashboardDef } from '../defs';
import type { Lang } from '../i18n';
import { tm } from '../i18n-my';
import { startPageOf, type Pin } from '../my/start-page';
import { checkViewPath, defaultView } from '../my/views';
import { canViewDashboard, canViewReport, visiblePanels } from '../rights';
import type { PanelView } from '../specs';
import { panelView } from './live';
import { dashboardSource, type FilterSource } from './options';
import { parseFilters } from './panels';
import { droppedSentence, outOfScope, withoutDropped } from './scope';
import { appDb } from './services';
import { requestSnapshot } from './snapshot';
import { maySubscribe } from './subscriptions';

type Params = Record<string, string | string[] | undefined>;

/** Views and a start page are for those who see something (as subscriptions are). */
export function requireViewer(p: Principal): void {
  if (!maySubscribe(p)) throw new UserError('You see no dashboard or report, so you have no views or start page.', { httpStatus: 403 });
}

/** A view's path checked against the caller's rights now: the page must be theirs to see. */
export function checkOwnViewPath(p: Principal, path: string) {
  const t = checkViewPath(path);
  if (!(t.kind === 'dashboard' ? canViewDashboard(p, t.id) : canViewReport(p, t.id))) throw new UserError(`You may not see the ${t.kind} "${t.id}".`, { httpStatus: 403 });
  return t;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Before a dashboard or report renders: the default view when the URL has no parameters, the
 * out-of-scope filter values dropped (by redirect), and the sentence for what was dropped.
 */
export async function pageState(p: Principal, target: string, src: FilterSource, params: Params, lang: Lang): Promise<{ notice?: string }> {
  if (!Object.values(params).some((v) => v !== undefined)) {
    const v = await defaultView(await appDb(), p.user.username, target);
    if (v && v.path !== target) redirect(v.path);
  }
  const reader = await requestSnapshot().catch(() => undefined);
  if (!reader) return {};
  const values: Record<string, string[]> = {};
  for (const k of src.filters) {
    const v = one(params[k]);
    if (v) values[k] = v.split('|').filter(Boolean);
  }
  const dropped = await outOfScope(reader, p, src, values);
  if (dropped.length) redirect(`${target}?${withoutDropped(params, dropped).toString()}`);
  return { notice: await droppedSentence(reader, p, src, params.dropped, lang) };
}

export interface PinnedView {
  pin: Pin;
  view: PanelView;
  dashboard: string;
  /** the dashboard with the pin's filters */
  href: string;
  notice?: string;
}

/**
 * The start page as the viewer may see it now: each pin's panel (or tile) with its own filters
 * and the numbers of its dashboard, asked with the viewer's rights; a pin outside them is left out
 * and counted, never an error.
 */
export async function startPageView(p: Principal, lang: Lang): Promise<{ pins: PinnedView[]; hidden: number; source: 'own' | 'role' | 'none'; empty: boolean }> {
  const page = await startPageOf(await appDb(), p.user);
  let hidden = page.lost;
  const reader = await requestSnapshot();
  const dataAsOf = reader.info().dataAsOf;
  const pins: PinnedView[] = [];
  for (const pin of page.items) {
    const def = dashboardDef(pin.slug)!;
    const visible = canViewDashboard(p, pin.slug) && visiblePanels(p, pin.slug).some((x) => x.panel.id === pin.panel) && (!pin.tile || mayUseMetric(p.access, pin.tile));
    if (!visible) {
      hidden++;
      continue;
    }
    const params = Object.fromEntries(new URLSearchParams(pin.query));
    const src = dashboardSource(def);
    const f = parseFilters(params, def, dataAsOf);
    // values outside the viewer's scope now are not applied (and said so), as on the dashboard
    const dropped = await outOfScope(reader, p, src, f.values);
    const clean = dropped.length ? Object.fromEntries(withoutDropped(params, dropped)) : params;
    const filters = dropped.length ? parseFilters(clean, def, dataAsOf) : f;
    const view = await panelView(reader, p, def, pin.panel, filters, lang);
    const data = pin.tile && view.data.status === 'ok' && view.data.kind === 'kpis' ? { ...view.data, tiles: view.data.tiles.filter((t) => t.metric === pin.tile) } : view.data;
    const title = pin.tile && data.status === 'ok' && data.kind === 'kpis' ? (data.tiles[0]?.label ?? view.title) : view.title;
    const qs = new URLSearchParams(clean);
    qs.delete('dropped');
    pins.push({
      pin,
      view: { ...view, id: `pin-${pin.id}`, title, data, span: pin.tile ? 1 : view.span },
      dashboard: DASHBOARDS.find((d) => d.id === pin.slug)!.title[lang],
      href: `/dashboards/${pin.slug}${qs.toString() ? `?${qs.toString()}` : ''}`,
      notice: dropped.length ? await droppedSentence(reader, p, src, clean.dropped, lang) : undefined,
    });
  }
  return { pins, hidden, source: page.source, empty: page.items.length === 0 && page.lost === 0 };
}

/** Whether the user has a start page at all (own or their role's): then `/` is "Mein FIS". */
export async function hasStartPage(p: Principal): Promise<boolean> {
  const page = await startPageOf(await appDb(), p.user);
  return page.items.length > 0 || page.lost > 0;
}

export const hiddenNote = (lang: Lang, n: number) => (n ? tm(lang, 'hiddenPins', { n }) : undefined);
