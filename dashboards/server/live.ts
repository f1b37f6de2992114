/**
 * What a dashboard page needs per panel and for its filter bar — the same for the first render on
 * the server and for the panels the browser asks again after a filter change
 * (GET /api/dashboards/<slug>/view: the changed panels and the filter bar in one streamed answer;
 * GET /api/dashboards/<slug>/panels/<panel> and …/filters: one at a time).
 */
import 'server-only';
import { UserError, isUserError, oneLine } from '../../platform/errors';
import { createLogger } from '../../platform/logger';
import { principalName, type Principal } from '../../roles/access';
import { createHash } from 'node:crypto';
import { answerCache } from '../../warehouse/semantic/answer-cache';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { dashboardDef, type DashboardDef } from '../defs';
import { listEvents, type FisEvent } from '../events/events';
import { FILE_FORMATS } from '../exports/doc';
import { filterParams, type Filters } from '../filters';
import type { Lang } from '../i18n';
import { pick } from '../i18n-my';
import { canExportPanel, canViewDashboard, visiblePanels } from '../rights';
import type { PanelView } from '../specs';
import { panelWithEvents } from './events';
import { appDb } from './services';
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

/** A panel as the viewer gets it; `events`: the events this request read (read here otherwise). */
export async function panelView(snapshot: SnapshotSource, principal: Principal, def: DashboardDef, panelId: string, f: Filters, lang: Lang, events?: Promise<FisEvent[]>): Promise<PanelView> {
  const slot = visiblePanels(principal, def.slug).find((x) => x.panel.id === panelId);
  if (!slot) throw new UserError(`The dashboard "${def.slug}" has no panel "${panelId.slice(0, 60)}" for you.`, { httpStatus: 404 });
  const p = slot.panel;
  return {
    id: p.id,
    title: p.title[lang],
    data: await panelWithEvents(snapshot, principal, await panelData(snapshot, p, f, principal, lang), f.values, events),
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

const log = createLogger('web');

/** One line of a streamed filter change: a panel, the filter bar, or why a panel is missing (one sentence). */
export type LiveLine = { panel: PanelView } | { bar: Awaited<ReturnType<typeof barView>> } | { error: string; panel?: string };

/**
 * What a filter change needs, in one request (one session and rights check instead of one per
 * panel): the panels asked for and, with `bar`, the filter bar's choices — each written as a line
 * of JSON (NDJSON) the moment it is ready, so the browser draws the quick panels while the slow
 * ones are still being computed. A panel the user may not see is a line with its error, never its
 * data; the stream ends when every part is written. `done` gets the whole text when no part failed
 * (neither a line of error nor a panel whose data failed).
 */
export function liveStream(snapshot: SnapshotSource, principal: Principal, def: DashboardDef, panelIds: readonly string[], bar: boolean, f: Filters, lang: Lang, events?: Promise<FisEvent[]>, done?: (text: string) => void): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let failures = 0;
  const failed = (panel: string | undefined) => (e: unknown): LiveLine => {
    failures++;
    if (!isUserError(e)) log.error(`live ${def.slug}/${panel ?? 'filters'}: ${oneLine(e)}`, { stack: (e as Error).stack });
    return { error: isUserError(e) ? e.message : 'An internal error occurred; it has been logged.', ...(panel ? { panel } : {}) };
  };
  const parts: Array<Promise<LiveLine>> = [
    ...[...new Set(panelIds)].map((id) => panelView(snapshot, principal, def, id, f, lang, events).then((panel): LiveLine => ({ panel }), failed(id))),
    ...(bar ? [barView(snapshot, principal, def, f, lang).then((b): LiveLine => ({ bar: b }), failed(undefined))] : []),
  ];
  const lines: string[] = [];
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      await Promise.all(
        parts.map((p) =>
          p.then((line) => {
            // a panel that failed may work on the next try: such a text is not kept
            if ('panel' in line && typeof line.panel === 'object' && line.panel.data.status === 'error') failures++;
            const text = `${JSON.stringify(line)}\n`;
            lines.push(text);
            controller.enqueue(enc.encode(text));
          }),
        ),
      );
      controller.close();
      if (!failures) done?.(lines.join(''));
    },
  });
}

/**
 * A filter change's answer, kept: the text `liveStream` wrote is right for as long as everything
 * it was made of holds — the snapshot, the viewer's principal (their user and role versions), the
 * question (dashboard, panels, filter bar, filters, language) and the events read for it, which are
 * read anew for every request and part of the key. So a view is never shared between two
 * principals, never outlives its snapshot (the answer cache drops it with them), and an added or
 * removed event is a different key. Kept in the answer cache (one byte bound for both); a text
 * with a failed part is not kept.
 */
export async function liveView(snapshot: SnapshotSource, principal: Principal, def: DashboardDef, panelIds: readonly string[], bar: boolean, f: Filters, lang: Lang): Promise<ReadableStream<Uint8Array> | string> {
  const listed = listEvents(await appDb());
  // awaited by time charts (and, with the cache on, for the key below): a failure must not go unhandled where none awaits it
  listed.catch(() => undefined);
  const id = snapshot.info()?.id;
  if (!id || !answerCache.enabled) return liveStream(snapshot, principal, def, panelIds, bar, f, lang, listed);
  const events = createHash('sha256').update(JSON.stringify(await listed)).digest('base64url');
  const key = JSON.stringify([principalName(principal), def.slug, [...new Set(panelIds)].sort(), bar, f, lang, events]);
  return answerCache.view(id, key) ?? liveStream(snapshot, principal, def, panelIds, bar, f, lang, listed, (text) => answerCache.keepView(id, key, text));
}
