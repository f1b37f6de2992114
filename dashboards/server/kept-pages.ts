/**
 * Which pages FIS's web server may answer from a finished copy (platform/kept-pages.ts), and under
 * which key. A dashboard page is made of: the snapshot, the viewer's principal (user and role
 * versions: a changed user or role is a new principal), the URL with its filters, the language,
 * and what is the viewer's own — the events on the charts, the unread count in the menu, their
 * start page, their saved views of the page. All of it is read anew for every request (the session
 * checked as for any page) and goes into the key, so a copy is never another viewer's, never
 * outlives its snapshot (kept in the answer cache, dropped with it), and a new event, a saved view
 * or a new inbox item is never answered from an old copy. Only whole pages with status 200 are
 * kept; a redirect (a default view, values outside the rights, a one-time password) never, nor a
 * page where a panel failed (it may work on the next try) or React streamed an error.
 */
import 'server-only';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { registerPageKeeper, WARM_HEADER, warmTicket, type PageKeeper } from '../../platform/kept-pages';
import { processWide } from '../../platform/process-wide';
import { principalName } from '../../roles/access';
import { SESSION_COOKIE } from '../../roles/auth';
import { answerCache } from '../../warehouse/semantic/answer-cache';
import type { PinnedSnapshot } from '../../warehouse/snapshots';
import { dashboardDef } from '../defs';
import { listEvents } from '../events/events';
import { LANG_COOKIE } from '../i18n';
import { startPageOf } from '../my/start-page';
import { listViews } from '../my/views';
import { canViewDashboard } from '../rights';
import { unreadCount } from '../subscriptions/store';
import { resolveSession } from './http';
import { appDb, services } from './services';

const PAGE = /^\/dashboards\/([a-z0-9-]{1,60})$/;

/**
 * The session and language cookies as the key reads them — or undefined when either comes more
 * than once: Next.js would take another one than a first-wins reading (a cookie planted for a
 * longer path comes first), and a page rendered for one session must never be kept under another.
 */
function cookiesOf(req: IncomingMessage): { session?: string; lang?: string } | undefined {
  const found: Record<string, string[]> = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name === SESSION_COOKIE || name === LANG_COOKIE) (found[name] ??= []).push(part.slice(i + 1).trim());
  }
  if ((found[SESSION_COOKIE]?.length ?? 0) > 1 || (found[LANG_COOKIE]?.length ?? 0) > 1) return undefined;
  return { session: found[SESSION_COOKIE]?.[0], lang: found[LANG_COOKIE]?.[0] };
}

/** The URL parameters a dashboard page reads; a page with others is not kept (they would only fill the cache). */
const PARAMS = new Set(['from', 'to', 'period', 'dropped']);

/** What a warm-up ticket stands for (platform/kept-pages.ts): the snapshot being warmed. */
export interface WarmingTicket {
  warming: PinnedSnapshot;
}

/** The snapshot a warm-up render names by its ticket; undefined for any other request. */
export function warmingSnapshot(header: string | string[] | null | undefined): PinnedSnapshot | undefined {
  return (warmTicket(header) as WarmingTicket | undefined)?.warming;
}

/**
 * The default pages (no parameters) opened last in this process, by whom and in which language,
 * most recent last: what the warm-up renders on a new snapshot before the switch (warmup.ts).
 */
export interface OpenedPage {
  userId: string;
  slug: string;
  lang: 'de' | 'en';
}
const opened = processWide('kept-pages:opened', () => new Map<string, OpenedPage>());
const OPENED_KEPT = 2000;

export const openedPages = (): OpenedPage[] => [...opened.values()];

function noteOpened(page: OpenedPage): void {
  const k = JSON.stringify(page);
  opened.delete(k);
  opened.set(k, page);
  if (opened.size > OPENED_KEPT) opened.delete(opened.keys().next().value!);
}

export async function pageKey(req: IncomingMessage): Promise<{ snapshot: string; key: string } | undefined> {
  if (!answerCache.enabled) return undefined;
  const url = new URL(req.url ?? '/', 'http://fis');
  const slug = PAGE.exec(url.pathname)?.[1];
  // a page as a browser loads it: not Next's own requests for parts of it (navigation, prefetch, actions)
  if (!slug || !dashboardDef(slug) || url.searchParams.has('_rsc') || req.headers.rsc || req.headers['next-router-prefetch'] || req.headers['next-action'] || req.headers['next-router-state-tree']) return undefined;
  const def = dashboardDef(slug)!;
  if ([...url.searchParams.keys()].some((k) => !PARAMS.has(k) && !(def.filters as readonly string[]).includes(k))) return undefined;
  const jar = cookiesOf(req);
  if (!jar?.session) return undefined;
  const { principal } = await resolveSession(jar.session);
  if (!principal || principal.user.must_change_password || !canViewDashboard(principal, slug)) return undefined;
  const warming = warmingSnapshot(req.headers[WARM_HEADER]);
  const snapshot = (warming ?? (await services().reader.pin())).info()?.id;
  if (!snapshot) return undefined;
  const db = await appDb();
  const user = principal.user;
  const [events, unread, start, views] = await Promise.all([listEvents(db), unreadCount(db, user.username), startPageOf(db, user), listViews(db, user.username, url.pathname)]);
  // without parameters a default view redirects: never kept, nor answered from a copy
  if (![...url.searchParams.keys()].length && views.some((v) => v.isDefault)) return undefined;
  const own = createHash('sha256').update(JSON.stringify([events, unread, start, views])).digest('base64url');
  const params = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lang = jar.lang === 'en' ? 'en' : 'de';
  if (!params.length && !warming) noteOpened({ userId: String(user.user_id), slug, lang });
  return { snapshot, key: JSON.stringify(['page', principalName(principal), slug, params, lang, own]) };
}

/** A panel that failed (data-status="error") or an error React streamed in place of a part (data-dgst). */
const FAILED = /data-status="error"|data-dgst=/;

/** Whether a finished page may be kept: not one where a panel failed or React streamed an error. */
export const keepablePage = (html: string): boolean => !FAILED.test(html);

const keeper: PageKeeper = {
  keepable: keepablePage,
  key: async (req) => {
    const k = await pageKey(req);
    return k ? `${k.snapshot}\u0001${k.key}` : undefined;
  },
  // Next renders with exactly the cookies the key was made of
  cookies: (req) => {
    const jar = cookiesOf(req);
    return jar?.session ? `${SESSION_COOKIE}=${jar.session}${jar.lang ? `; ${LANG_COOKIE}=${jar.lang}` : ''}` : undefined;
  },
  get: (key) => {
    const [snapshot, k] = key.split('\u0001') as [string, string];
    return answerCache.view(snapshot, k);
  },
  keep: (key, copy) => {
    const [snapshot, k] = key.split('\u0001') as [string, string];
    answerCache.keepView(snapshot, k, copy);
  },
};

/** Lets this process's web server answer dashboard pages from their copies (called once, by services()). */
export const registerKeptPages = () => registerPageKeeper(keeper);
