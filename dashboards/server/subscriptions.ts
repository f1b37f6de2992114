/**
 * The web app's side of subscriptions and the inbox: who may use them (anyone who sees a report or
 * dashboard; administrators see and deactivate everyone's — never their figures), what the pages
 * and the API show, "deliver now" in this process (under the same lock as the scheduler's), and
 * the download of an inbox file with the recipient's rights checked again and the download audited.
 */
import 'server-only';
import { UserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { audit } from '../../roles/store';
import { DASHBOARDS, REPORTS } from '../catalog';
import type { Lang } from '../i18n';
import { ts } from '../i18n-subscriptions';
import { canExport, canExportPanel, canViewDashboard, canViewReport } from '../rights';
import { deliverNow, summaryLine, type RunSummary } from '../subscriptions/deliver';
import { targetTitle, viewPath, type Subscription } from '../subscriptions/definition';
import { explain, formatName } from '../subscriptions/explain';
import { inboxFile, latestDeliveries, listDeliveries, listInbox, markRead, type InboxItem } from '../subscriptions/store';
import { mayAdminister } from './admin';
import { appDb, services } from './services';

/** Whether a principal sees anything one can subscribe to (and so may have subscriptions and an inbox). */
export const maySubscribe = (p: Principal) => DASHBOARDS.some((d) => canViewDashboard(p, d.id)) || REPORTS.some((r) => canViewReport(p, r.id));

/** The one check of the subscription and inbox routes: 403 with a sentence. */
export function requireSubscriber(p: Principal): void {
  if (!maySubscribe(p)) throw new UserError('You may not subscribe or receive anything: you see no report or dashboard.', { httpStatus: 403 });
}

export const mayAdministerSubscriptions = (p: Principal) => mayAdminister(p, 'subscriptions');

/** The settings subscriptions need, from the process's configuration. */
export const subscriptionSettings = () => {
  const c = services().config;
  return { dataDir: c.dataDir, suppressionMin: c.suppressionMin, schedule: c.schedule };
};

export interface SubscriptionView {
  id: string;
  kind: Subscription['kind'];
  title: string;
  owner: string;
  what: string;
  link: string;
  recipients: string[];
  when: string;
  channel: string;
  active: boolean;
  version: number;
  latest: Array<{ recipient: string; outcome: string; outcomeText: string; reason: string; at: string; bytes: number | null }>;
  history: Array<{ id: string; recipient: string; outcome: string; outcomeText: string; reason: string; at: string; snapshot: string | null; format: string; bytes: number | null; channel: string; attempts: number }>;
}

/** A subscription as the pages and the API show it: its definition and deliveries, the reasons in words — never figures. */
export async function subscriptionView(db: AppDb, s: Subscription, lang: Lang, opts: { history?: number } = {}): Promise<SubscriptionView> {
  const latest = [...(await latestDeliveries(db, s.id)).values()];
  const history = opts.history ? await listDeliveries(db, s.id, opts.history) : [];
  const a = s.alert;
  const what =
    s.kind === 'alert' && a
      ? `${ts(lang, 'alertOf', { metric: targetTitle(s, lang), op: a.op === 'gt' ? '>' : '<', value: `${a.value.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB')}${a.vs ? ' %' : ''}` })} · ${ts(lang, a.window === 'week' ? 'window_week' : 'window_month')}${a.vs ? ` · ${ts(lang, 'alertVs')}` : ''}`
      : `${targetTitle(s, lang)} · ${formatName(s.format)}`;
  const filters = Object.entries(s.filters).map(([k, v]) => `${k}=${v}`).join(', ');
  return {
    id: s.id,
    kind: s.kind,
    title: targetTitle(s, lang),
    owner: s.owner,
    what: filters ? `${what} (${filters})` : what,
    link: viewPath(s),
    recipients: s.recipients,
    when: s.schedule === 'after-publish' ? ts(lang, 'whenAfterPublish') : s.schedule,
    channel: ts(lang, `channel_${s.channel}`),
    active: s.active,
    version: s.version,
    latest: latest.map((d) => ({ recipient: d.recipient, outcome: d.outcome, outcomeText: ts(lang, `outcome_${d.outcome}`), reason: explain(lang, d.reason, s), at: d.created_at, bytes: d.bytes })),
    history: history.map((d) => ({ id: d.id, recipient: d.recipient, outcome: d.outcome, outcomeText: ts(lang, `outcome_${d.outcome}`), reason: explain(lang, d.reason, s), at: d.created_at, snapshot: d.data_as_of, format: formatName(d.format), bytes: d.bytes, channel: ts(lang, `channel_${d.channel as Subscription['channel']}`), attempts: d.attempts })),
  };
}

/** "Deliver now" for the owner (or an administrator): in this process, under the delivery lock. */
export async function deliverFromWeb(s: Subscription): Promise<{ summary: RunSummary; line: string }> {
  const c = services().config;
  const summary = await deliverNow({ db: await appDb(), reader: services().reader, config: c }, s.id);
  return { summary, line: summaryLine(summary) };
}

export interface InboxEntry extends InboxItem {
  title: string;
  text: string;
}

/** The user's inbox with each item's title and text in their language. */
export async function inboxView(db: AppDb, user: string, lang: Lang): Promise<InboxEntry[]> {
  return (await listInbox(db, user)).map((i) => {
    const ctx = i.target_kind ? { target_kind: i.target_kind as 'report' | 'dashboard', target: i.target!, kind: 'report' as const, alert: null } : null;
    const title = i.kind === 'alert' ? ts(lang, 'alertTitle') : i.kind === 'notice' ? ts(lang, 'noticeTitle') : ctx ? targetTitle(ctx, lang) : '';
    return { ...i, title, text: explain(lang, i.message, ctx) };
  });
}

/**
 * An inbox file as a download: the recipient's own item only (404 otherwise), and only while they
 * still have the view right and the export right for its format — a right lost since the delivery
 * is a right lost. The download is audited; the item counts as read.
 */
export async function inboxDownload(db: AppDb, p: Principal, id: string): Promise<{ filename: string; contentType: string; body: Buffer }> {
  const item = await inboxFile(db, p.user.username, id);
  if (item.kind !== 'file' || !item.content) throw new UserError(`Item ${id} of your inbox holds no file; it links to the view: ${item.link ?? '/'}.`, { httpStatus: 404 });
  const ok = item.target_kind === 'report' ? canExport(p, item.target!, item.format!) : canExportPanel(p, item.target!, item.format!);
  if (!ok) {
    await audit(db, { actor: p.user.username, action: 'inbox.download', target: `inbox:${item.id}`, outcome: 'denied', details: { format: item.format, subscription: item.subscription_id } });
    throw new UserError(`You no longer have the right to this file (${formatName(item.format)}); the view shows you the figures your rights allow: ${item.link ?? '/'}.`, { httpStatus: 403 });
  }
  await markRead(db, p.user.username, [item.id], { format: item.format, bytes: item.bytes, subscription: item.subscription_id });
  return { filename: item.filename!, contentType: item.content_type!, body: item.content };
}
