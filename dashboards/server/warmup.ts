/**
 * The warm-up after a publication: before a web process switches to a new snapshot, it computes
 * there what its managers will ask first — the default view of every dashboard (the filter bar's
 * choices, every panel) and every report at its default period — once for each distinct rights
 * scope among the users with a session, at the lowest priority of the statement queue. The
 * answers land in the answer cache under the new snapshot. Then it renders the default pages its
 * users opened last (each as that user, in their language, on the new snapshot) through the
 * process's private listener, so that the page a manager opens first after a run is a finished
 * copy, as quick as the hundredth.
 */
import 'server-only';
import { sql } from 'kysely';
import { openWarmTicket, renderInternally, WARM_HEADER } from '../../platform/kept-pages';
import { createLogger } from '../../platform/logger';
import { principalFor, type Principal } from '../../roles/access';
import { endServiceSession, SESSION_COOKIE, startServiceSession } from '../../roles/auth';
import { getUserById } from '../../roles/store';
import { answerCache } from '../../warehouse/semantic/answer-cache';
import { METRICS } from '../../warehouse/semantic/metrics';
import { mayUseMetric } from '../../warehouse/semantic/query';
import type { PinnedSnapshot, WarmUp } from '../../warehouse/snapshots';
import { withPriority } from '../../warehouse/statement-queue';
import { DASHBOARD_DEFS } from '../defs';
import { buildReport, reportFilters } from '../reports/build';
import { REPORT_DEFS } from '../reports/defs';
import { canViewDashboard, canViewReport } from '../rights';
import { listEvents, type FisEvent } from '../events/events';
import { visiblePanels } from '../rights';
import { LANG_COOKIE } from '../i18n';
import { openedPages, type WarmingTicket } from './kept-pages';
import { barView, panelView } from './live';
import { parseFilters } from './panels';
import { appDb, services } from './services';

const log = createLogger('warmup');

/** What decides every answer a user gets: two users with the same scope ask the same statements. */
export function scopeOf(p: Principal): string {
  return JSON.stringify({
    domains: p.access.domains,
    unsuppressed: p.access.unsuppressed,
    suppressBelow: p.access.suppressBelow,
    metrics: METRICS.filter((m) => mayUseMetric(p.access, m.name)).map((m) => m.name),
    dashboards: DASHBOARD_DEFS.filter((d) => canViewDashboard(p, d.slug)).map((d) => d.slug),
    reports: REPORT_DEFS.filter((r) => canViewReport(p, r.id)).map((r) => r.id),
  });
}

/** One principal per distinct scope among the users with a live session. */
export async function activeScopes(): Promise<Principal[]> {
  const db = await appDb();
  const ids = await sql<{ user_id: string }>`SELECT DISTINCT user_id FROM session WHERE expires_at > now()`.execute(db);
  const byScope = new Map<string, Principal>();
  for (const { user_id } of ids.rows) {
    const user = await getUserById(db, String(user_id));
    if (!user?.active || user.must_change_password) continue;
    const p = await principalFor(db, user, services().config.suppressionMin);
    const scope = scopeOf(p);
    if (!byScope.has(scope)) byScope.set(scope, p);
  }
  return [...byScope.values()];
}

/**
 * Computes the default views of `principals` on `snapshot` (into the answer cache), through the
 * entry points the pages use — so that what pages keep per snapshot besides answers (labels, a
 * filter's choices, the event scope) is ready as well. `events`: the events now (the events shown
 * are read anew with every request; here they only decide which time charts ask for their scope).
 */
export async function warmViews(snapshot: PinnedSnapshot, principals: Principal[], events: Promise<FisEvent[]>): Promise<WarmUp> {
  const before = answerCache.stats();
  const dataAsOf = snapshot.info().dataAsOf;
  await withPriority('background', async () => {
    for (const p of principals) {
      for (const def of DASHBOARD_DEFS) {
        if (!canViewDashboard(p, def.slug)) continue;
        const f = parseFilters({}, def, dataAsOf);
        await barView(snapshot, p, def, f, 'de');
        for (const { panel } of visiblePanels(p, def.slug)) await panelView(snapshot, p, def, panel.id, f, 'de', events).catch(() => undefined);
      }
      for (const def of REPORT_DEFS) {
        if (!canViewReport(p, def.id)) continue;
        await buildReport(snapshot, def, reportFilters(def, { values: {} }, dataAsOf), p.access, 'de').catch(() => undefined);
      }
    }
  });
  const after = answerCache.stats();
  return { scopes: principals.length, answers: after.misses - before.misses, pages: 0 };
}

/** At most this many pages per warm-up (the most recently opened first). */
const PAGES_WARMED = 500;

/**
 * Renders on `snapshot` the default pages opened last in this process, each as its user would get
 * it (a service session of that user, their language) — one at a time, the most recent first —,
 * so that they are kept for the new snapshot (kept-pages.ts). Stops when the readers have switched
 * (the time bound was reached). Answers how many pages were kept. Without the private listener
 * (development) it renders nothing.
 */
export async function warmPages(snapshot: PinnedSnapshot, stillWarming: () => boolean): Promise<number> {
  const wanted = openedPages().reverse().slice(0, PAGES_WARMED);
  if (!wanted.length) return 0;
  const byUser = new Map<string, typeof wanted>();
  for (const p of wanted) byUser.set(p.userId, [...(byUser.get(p.userId) ?? []), p]);
  const db = await appDb();
  const ticket = openWarmTicket({ warming: snapshot } satisfies WarmingTicket);
  let kept = 0;
  try {
    for (const [userId, pages] of byUser) {
      if (!stillWarming()) break;
      const user = await getUserById(db, userId);
      const session = user?.active && !user.must_change_password ? await startServiceSession(db, user) : undefined;
      if (!session) continue;
      try {
        for (const p of pages) {
          if (!stillWarming()) break;
          const status = await renderInternally(`/dashboards/${p.slug}`, { cookie: `${SESSION_COOKIE}=${session}; ${LANG_COOKIE}=${p.lang}`, [WARM_HEADER]: ticket.ticket }).catch(() => undefined);
          if (status === undefined) return kept;
          if (status === 200) kept++;
        }
      } finally {
        await endServiceSession(db, session);
      }
    }
  } finally {
    ticket.close();
  }
  return kept;
}

/** The reader's warm-up hook of the web process. */
export async function warmSnapshot(snapshot: PinnedSnapshot): Promise<WarmUp> {
  const started = Date.now();
  if (!answerCache.enabled) return { scopes: 0, answers: 0, pages: 0 };
  const principals = await activeScopes();
  const events = listEvents(await appDb());
  events.catch(() => undefined);
  const result = await warmViews(snapshot, principals, events);
  const id = snapshot.info().id;
  result.pages = await warmPages(snapshot, () => services().reader.serving()?.id !== id);
  const c = answerCache.stats();
  log.info(`warmed snapshot ${id}: ${result.answers} answers for ${result.scopes} rights scopes and ${result.pages} pages in ${((Date.now() - started) / 1000).toFixed(1)} s; cache ${(c.bytes / 2 ** 20).toFixed(1)} of ${(c.maxBytes / 2 ** 20).toFixed(0)} MiB, ${c.entries} answers, hit ratio ${c.hits + c.misses ? ((100 * c.hits) / (c.hits + c.misses)).toFixed(0) : 0} %`);
  return result;
}
