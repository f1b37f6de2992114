/**
 * Delivering subscriptions and alerts: one subscription, rendered for each recipient with that
 * recipient's rights at the moment of delivery — their principal is built from their stored roles
 * (principalFor), never from the owner's. A recipient without the view right gets nothing; one
 * without the export right for the format gets the link to the view on screen instead of the file;
 * the owner sees why, in the delivery history and by a notice in their inbox when it changes. Mail
 * carries a link into the inbox, not the data, unless an administrator allows attachments
 * (FIS_MAIL_ATTACHMENTS) and the subscription asks for them. A mail server that is down leaves the
 * delivery pending — the file waits in the inbox — and it is sent again with backoff; before each
 * attempt the recipient's rights are checked again.
 */
import { join } from 'node:path';
import type { Config } from '../../platform/config';
import { UserError, isUserError } from '../../platform/errors';
import { acquireLock } from '../../platform/lock';
import { createLogger } from '../../platform/logger';
import { principalFor, type Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { getUser, type StoredUser } from '../../roles/store';
import { mayUseMetric } from '../../warehouse/semantic/query';
import type { PinnedSnapshot, SnapshotSource } from '../../warehouse/snapshots';
import { withPriority } from '../../warehouse/statement-queue';
import { buildDashboardFile } from '../exports/dashboard';
import type { ExportContext } from '../exports/service';
import { buildReportFile } from '../exports/service';
import { formatDate } from '../i18n';
import { ts, type Message } from '../i18n-subscriptions';
import { canExport, canExportPanel, canViewDashboard, canViewReport } from '../rights';
import { alertFigure, conditionHolds } from './alerts';
import { targetTitle, viewPath, type Subscription, type SubscriptionFormat } from './definition';
import { localDay, nextRun, writeNextDue } from './due';
import { alertText } from './explain';
import { mailError, smtpMailer, type Mail, type Mailer } from './mail';
import {
  alertStates,
  getSubscription,
  inboxFile,
  latestDeliveries,
  listSubscriptions,
  markRun,
  pendingDue,
  purgeInbox,
  recordDelivery,
  reserveInboxId,
  setAlertState,
  updatePending,
  type Delivery,
  type NewDelivery,
  type NewInboxItem,
  type Outcome,
} from './store';

const log = createLogger('subscriptions');

/** Who delivers, in the audit log. */
export const DELIVERY_ACTOR = 'fis-subscriptions';

export interface DeliveryEnv {
  db: AppDb;
  reader: SnapshotSource;
  config: Pick<Config, 'dataDir' | 'suppressionMin' | 'inboxDays' | 'publicUrl' | 'mail' | 'schedule' | 'http'>;
  /** default: SMTP at FIS_SMTP_URL, or none (inbox only) */
  mailer?: Mailer | null;
  now?: () => Date;
  /** the first retry of a pending delivery after this (then ×4 each, at most an hour) */
  backoffMs?: number;
  /** recipients built at once */
  concurrency?: number;
}

export interface RunSummary {
  subscription: string;
  title: string;
  counts: Record<Outcome, number>;
  /** alerts: how many recipients it fired for */
  fired?: number;
}

const emptyCounts = (): Record<Outcome, number> => ({ delivered: 0, link: 0, refused: 0, pending: 0, failed: 0 });
const MAX_BACKOFF_MS = 60 * 60_000;

class Run {
  readonly now: () => Date;
  readonly mailer: Mailer | null;
  private readonly ownMailer: boolean;
  constructor(readonly env: DeliveryEnv) {
    this.now = env.now ?? (() => new Date());
    this.ownMailer = env.mailer === undefined && !!env.config.mail.smtpUrl;
    this.mailer = env.mailer !== undefined ? env.mailer : env.config.mail.smtpUrl ? smtpMailer(env.config.mail.smtpUrl, env.config.mail.from) : null;
  }
  get db() {
    return this.env.db;
  }
  close() {
    if (this.ownMailer) this.mailer?.close();
  }
  nextAttempt(attempt: number): string {
    const delay = Math.min((this.env.backoffMs ?? 60_000) * 4 ** (attempt - 1), MAX_BACKOFF_MS);
    return new Date(this.now().getTime() + delay).toISOString();
  }
  /** An absolute link for a mail (FIS_PUBLIC_URL, else the address the web server listens on). */
  url(path: string): string {
    const c = this.env.config;
    return `${c.publicUrl ?? `http://${c.http.host}:${c.http.port}`}${path}`;
  }
}

/** Whether a recipient may see the view, and may have it as a file in the subscription's format. */
function rightsOf(p: Principal, s: Subscription): { view: boolean; file: boolean } {
  if (s.target_kind === 'report') return { view: canViewReport(p, s.target), file: !!s.format && canExport(p, s.target, s.format) };
  return { view: canViewDashboard(p, s.target), file: !!s.format && canExportPanel(p, s.target, s.format) };
}

/** The subscription's file for one principal, from the run's snapshot. */
async function buildFile(run: Run, s: Subscription, p: Principal, snapshot: PinnedSnapshot) {
  const ctx: ExportContext = { reader: snapshot, db: run.db, principal: p, lang: s.lang, via: 'subscription', tmpDir: join(run.env.config.dataDir, 'tmp', 'exports') };
  const format = s.format as SubscriptionFormat;
  const { file } =
    s.target_kind === 'report'
      ? await buildReportFile(ctx, s.target, format, {
          filter: Object.entries(s.filters).filter(([k]) => k !== 'from' && k !== 'to').map(([k, v]) => `${k}:${v}`),
          from: s.filters.from,
          to: s.filters.to,
        })
      : await buildDashboardFile(ctx, s.target, format === 'xlsx' ? 'xlsx' : 'pdf', s.filters);
  if (!Buffer.isBuffer(file.body)) throw new Error('a subscription file is built in memory');
  return { filename: file.filename, contentType: file.contentType, content: file.body };
}

/** A mail for an inbox item: a link into the inbox by default; the file itself only where attachments are allowed and asked for. */
function composeMail(run: Run, s: Subscription, user: StoredUser, item: { id: string; kind: NewInboxItem['kind']; dataAsOf: string | null; file?: NewInboxItem['file']; alert?: Message; link?: string | null }): { mail: Mail; reason: Message | null } {
  const lang = s.lang;
  const title = targetTitle(s, lang);
  const asOf = formatDate(item.dataAsOf, lang);
  const inbox = run.url(`/inbox#item-${item.id}`);
  const attach = s.channel === 'email-attachment' && run.env.config.mail.attachments;
  const footer = ts(lang, 'mailFooter');
  const reason: Message | null = s.channel === 'email-attachment' && !run.env.config.mail.attachments ? { key: 'reason_attachmentsOff' } : null;
  if (item.kind === 'alert') {
    const text = attach && item.alert ? ts(lang, 'mailAlertFigure', { text: alertText(lang, item.alert), link: run.url(item.link ?? '/inbox') }) : ts(lang, 'mailAlert', { metric: title, link: inbox });
    return { mail: { to: user.email!, subject: ts(lang, 'mailSubjectAlert', { metric: title }), text: text + footer }, reason };
  }
  if (item.kind === 'link') return { mail: { to: user.email!, subject: ts(lang, 'mailSubjectFile', { title, asOf }), text: ts(lang, 'mailLink', { title, asOf, link: run.url(item.link!) }) + footer }, reason: null };
  const mail: Mail = { to: user.email!, subject: ts(lang, 'mailSubjectFile', { title, asOf }), text: ts(lang, attach ? 'mailAttached' : 'mailFile', { title, asOf, link: inbox }) + footer };
  if (attach && item.file) mail.attachments = [{ filename: item.file.filename, content: item.file.content, contentType: item.file.contentType }];
  return { mail, reason };
}

/** Sends an item's mail when the channel asks for one; the outcome and why. */
async function mailStep(run: Run, s: Subscription, user: StoredUser, item: Parameters<typeof composeMail>[3], attempt: number): Promise<{ sent: boolean; pending: boolean; reason: Message | null }> {
  if (s.channel === 'inbox') return { sent: false, pending: false, reason: null };
  if (!user.email) return { sent: false, pending: false, reason: { key: 'reason_noEmail', vars: { user: user.username } } };
  if (!run.mailer) return { sent: false, pending: false, reason: { key: 'reason_noMailServer' } };
  const { mail, reason } = composeMail(run, s, user, item);
  try {
    await run.mailer.send(mail);
    return { sent: true, pending: false, reason };
  } catch (e) {
    const at = run.nextAttempt(attempt);
    log.warn(`subscription ${s.id}: mail to ${user.username} not sent (${mailError(e)}); next attempt ${at}`);
    return { sent: false, pending: true, reason: { key: 'reason_mailFailed', vars: { error: mailError(e), at } } };
  }
}

interface Recipient {
  name: string;
  user?: StoredUser;
  principal?: Principal;
  /** why they get nothing, when they do */
  refused?: Message;
}

async function recipient(run: Run, s: Subscription, name: string, ownerActive: boolean): Promise<Recipient> {
  if (!ownerActive) return { name, refused: { key: 'reason_ownerInactive', vars: { owner: s.owner } } };
  const user = await getUser(run.db, name);
  if (!user) return { name, refused: { key: 'reason_unknown', vars: { user: name } } };
  if (!user.active) return { name, user, refused: { key: 'reason_inactive', vars: { user: name } } };
  return { name, user, principal: await principalFor(run.db, user, run.env.config.suppressionMin) };
}

/** A notice to the owner when a recipient gets less than the file, and that is new since their last delivery. */
function noticeFor(s: Subscription, to: string, reason: Message, outcome: Outcome, last: Delivery | undefined): NewInboxItem | undefined {
  if (to === s.owner || reason.key === 'reason_ownerInactive') return undefined;
  if (last && last.outcome === outcome && last.reason?.key === reason.key) return undefined;
  return { recipient: s.owner, kind: 'notice', subscription_id: s.id, target_kind: s.target_kind, target: s.target, message: { key: 'notice', vars: { id: s.id }, reason } };
}

/** One recipient of a report or dashboard subscription. */
async function deliverFile(run: Run, s: Subscription, r: Recipient, snapshot: PinnedSnapshot, last: Delivery | undefined): Promise<Outcome> {
  const info = snapshot.info();
  const base: Omit<NewDelivery, 'outcome' | 'reason' | 'bytes' | 'next_attempt_at'> = { subscription_id: s.id, recipient: r.name, snapshot: info.id, data_as_of: info.dataAsOf, format: s.format, channel: s.channel };
  const opts = { actor: DELIVERY_ACTOR, inboxDays: run.env.config.inboxDays };
  const refuse = async (reason: Message) => {
    await recordDelivery(run.db, { ...base, outcome: 'refused', reason, bytes: null, next_attempt_at: null }, { ...opts, notice: noticeFor(s, r.name, reason, 'refused', last) });
    return 'refused' as const;
  };
  if (r.refused) return refuse(r.refused);
  const rights = rightsOf(r.principal!, s);
  if (!rights.view) return refuse({ key: 'reason_noView', vars: { user: r.name } });
  const link = viewPath(s);
  const itemBase = { recipient: r.name, subscription_id: s.id, target_kind: s.target_kind, target: s.target, format: s.format, link, snapshot: info.id, data_as_of: info.dataAsOf };
  const id = await reserveInboxId(run.db);
  if (!rights.file) {
    // the figures on screen, with their own rights: the link instead of the file
    const why: Message = { key: 'reason_noExport', vars: { user: r.name, format: s.format ?? '' } };
    const m = await mailStep(run, s, r.user!, { id, kind: 'link', dataAsOf: info.dataAsOf, link }, 1);
    const outcome = m.pending ? 'pending' : 'link';
    await recordDelivery(run.db, { ...base, outcome, reason: m.pending ? m.reason : why, bytes: null, next_attempt_at: m.pending ? run.nextAttempt(1) : null }, {
      ...opts,
      itemId: id,
      item: { ...itemBase, kind: 'link', message: { key: 'item_link', vars: { format: s.format ?? '' } } },
      notice: noticeFor(s, r.name, why, 'link', last),
    });
    return outcome;
  }
  let file: NewInboxItem['file'];
  try {
    file = await withPriority('export', () => buildFile(run, s, r.principal!, snapshot));
  } catch (e) {
    // a sentence (a metric their rights refuse, a sheet too long): nothing, and the owner is told
    if (isUserError(e)) return refuse({ key: 'reason_refused', vars: { user: r.name, message: e.message } });
    log.error(`subscription ${s.id}: the file for ${r.name} could not be built: ${(e as Error).message}`, { stack: (e as Error).stack });
    await recordDelivery(run.db, { ...base, outcome: 'failed', reason: { key: 'reason_buildFailed', vars: { error: (e as Error).message.slice(0, 160) } }, bytes: null, next_attempt_at: null }, opts);
    return 'failed';
  }
  const m = await mailStep(run, s, r.user!, { id, kind: 'file', dataAsOf: info.dataAsOf, file }, 1);
  const outcome: Outcome = m.pending ? 'pending' : 'delivered';
  await recordDelivery(run.db, { ...base, outcome, reason: m.reason, bytes: file!.content.length, next_attempt_at: m.pending ? run.nextAttempt(1) : null }, { ...opts, itemId: id, item: { ...itemBase, kind: 'file', file } });
  return outcome;
}

/** One recipient of an alert: their figure, with their rights; it fires once when the condition starts to hold. */
async function evaluateAlert(run: Run, s: Subscription, r: Recipient, snapshot: PinnedSnapshot, last: Delivery | undefined, held: boolean | undefined): Promise<Outcome | 'quiet'> {
  const info = snapshot.info();
  const cond = s.alert!;
  const base = { subscription_id: s.id, recipient: r.name, snapshot: info.id, data_as_of: info.dataAsOf, format: null, channel: s.channel };
  const opts = { actor: DELIVERY_ACTOR, inboxDays: run.env.config.inboxDays };
  const refuse = async (reason: Message) => {
    // evaluated at every publication: a refusal is written when it is new, not every time
    if (last?.outcome === 'refused' && last.reason?.key === reason.key) return 'refused' as const;
    await recordDelivery(run.db, { ...base, outcome: 'refused', reason, bytes: null, next_attempt_at: null }, { ...opts, notice: noticeFor(s, r.name, reason, 'refused', last) });
    return 'refused' as const;
  };
  if (r.refused) return refuse(r.refused);
  const p = r.principal!;
  if (!mayUseMetric(p.access, cond.metric)) return refuse({ key: 'reason_noMetric', vars: { user: r.name, metric: cond.metric } });
  let figure;
  try {
    figure = await withPriority('export', () => alertFigure(snapshot, cond, s.filters, p.access, info.dataAsOf ?? new Date().toISOString()));
  } catch (e) {
    if (isUserError(e)) return refuse({ key: 'reason_refused', vars: { user: r.name, message: e.message } });
    throw e;
  }
  const holds = conditionHolds(cond, figure.value);
  if (holds === null) return 'quiet';
  await setAlertState(run.db, s.id, r.name, holds, figure.value, info.id);
  if (!holds || held) return 'quiet';
  const message: Message = {
    key: cond.vs ? 'item_alert_vs' : 'item_alert',
    vars: { metric: cond.metric, value: figure.value!, threshold: cond.value, op: cond.op, window: cond.window, from: figure.window.from, to: figure.window.to, scope: Object.entries(s.filters).map(([k, v]) => `${k}=${v}`).join(';') },
  };
  const link = viewPath(s);
  const id = await reserveInboxId(run.db);
  const m = await mailStep(run, s, r.user!, { id, kind: 'alert', dataAsOf: info.dataAsOf, alert: message, link }, 1);
  const outcome: Outcome = m.pending ? 'pending' : 'delivered';
  await recordDelivery(run.db, { ...base, outcome, reason: m.reason, bytes: null, next_attempt_at: m.pending ? run.nextAttempt(1) : null }, {
    ...opts,
    itemId: id,
    item: { recipient: r.name, subscription_id: s.id, kind: 'alert', target_kind: s.target_kind, target: s.target, link, message, snapshot: info.id, data_as_of: info.dataAsOf },
    details: { value: figure.value, threshold: cond.value, op: cond.op },
  });
  return outcome;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function runSubscription(run: Run, s: Subscription, snapshot: PinnedSnapshot): Promise<RunSummary> {
  const summary: RunSummary = { subscription: s.id, title: targetTitle(s, 'en'), counts: emptyCounts() };
  const owner = await getUser(run.db, s.owner);
  const ownerActive = !!owner?.active;
  const last = await latestDeliveries(run.db, s.id);
  const held = s.kind === 'alert' ? await alertStates(run.db, s.id) : new Map<string, boolean>();
  await pool(s.recipients, run.env.concurrency ?? 2, async (name) => {
    const r = await recipient(run, s, name, ownerActive);
    if (s.kind === 'alert') {
      const o = await evaluateAlert(run, s, r, snapshot, last.get(name), held.get(name));
      if (o === 'quiet') return;
      summary.counts[o]++;
      if (o === 'delivered' || o === 'pending') summary.fired = (summary.fired ?? 0) + 1;
    } else summary.counts[await deliverFile(run, s, r, snapshot, last.get(name))]++;
  });
  await markRun(run.db, s.id, snapshot.info().id, s.active ? await nextRun(s.schedule, run.env.config.schedule.timezone) : null);
  return summary;
}

/** Another attempt at a pending delivery: the recipient's rights checked again, then the mail sent again. */
async function retry(run: Run, d: Delivery): Promise<Outcome> {
  const actor = DELIVERY_ACTOR;
  const s = await getSubscription(run.db, d.subscription_id);
  const give = async (outcome: Outcome, reason: Message) => {
    await updatePending(run.db, d.id, { outcome, reason, nextAttemptAt: null }, actor);
    return outcome;
  };
  if (!s || !s.active) return give('refused', { key: 'reason_deactivated' });
  const r = await recipient(run, s, d.recipient, !!(await getUser(run.db, s.owner))?.active);
  if (r.refused) return give('refused', r.refused);
  if (!d.inbox_item_id) return give('failed', { key: 'reason_gaveUp', vars: { n: d.attempts, error: 'no file' } });
  let item;
  try {
    item = await inboxFile(run.db, d.recipient, d.inbox_item_id);
  } catch {
    return give('failed', { key: 'reason_gaveUp', vars: { n: d.attempts, error: 'expired from the inbox' } });
  }
  if (item.kind !== 'alert') {
    const rights = rightsOf(r.principal!, s);
    if (!rights.view) return give('refused', { key: 'reason_noView', vars: { user: r.name } });
    if (item.kind === 'file' && !rights.file) return give('refused', { key: 'reason_noExport', vars: { user: r.name, format: s.format ?? '' } });
  } else if (!mayUseMetric(r.principal!.access, s.alert!.metric)) return give('refused', { key: 'reason_noMetric', vars: { user: r.name, metric: s.alert!.metric } });
  const file = item.kind === 'file' && item.content ? { filename: item.filename!, contentType: item.content_type!, content: item.content } : undefined;
  const m = await mailStep(run, s, r.user!, { id: item.id, kind: item.kind, dataAsOf: item.data_as_of, file, alert: item.message ?? undefined, link: item.link }, d.attempts + 1);
  if (m.pending) {
    await updatePending(run.db, d.id, { outcome: 'pending', reason: m.reason, nextAttemptAt: run.nextAttempt(d.attempts + 1) }, actor);
    return 'pending';
  }
  const outcome: Outcome = item.kind === 'link' ? 'link' : 'delivered';
  await updatePending(run.db, d.id, { outcome, reason: item.kind === 'link' ? { key: 'reason_noExport', vars: { user: r.name, format: s.format ?? '' } } : m.reason, nextAttemptAt: null }, actor);
  return outcome;
}

/** Whether a subscription has a delivery due now (its schedule's time, or a new snapshot at most once a day; an alert at every new snapshot). */
export function isDue(s: Subscription, snapshot: string, now: Date, timezone: string): boolean {
  if (!s.active) return false;
  if (s.kind === 'alert') return s.last_snapshot !== snapshot;
  if (s.schedule !== 'after-publish') return !!s.next_due_at && Date.parse(s.next_due_at) <= now.getTime();
  return s.last_snapshot !== snapshot && (!s.last_run_at || localDay(new Date(s.last_run_at), timezone) < localDay(now, timezone));
}

async function withDeliveryLock<T>(env: DeliveryEnv, fn: (run: Run) => Promise<T>): Promise<T> {
  // one delivery run at a time (the scheduler's, a "deliver now", the CLI): nothing is sent twice
  const lock = await acquireLock(join(env.config.dataDir, 'subscriptions', 'deliver.lock'), { purpose: 'subscriptions deliver', what: 'the delivery of subscriptions', waitMs: 120_000 });
  const run = new Run(env);
  try {
    return await fn(run);
  } finally {
    run.close();
    lock.release();
    await writeNextDue(env.db, env.config.dataDir).catch(() => undefined);
  }
}

export interface DueResult {
  runs: RunSummary[];
  retried: Record<Outcome, number>;
}

/** Everything due now: pending deliveries whose next attempt has come, then the subscriptions and alerts that are due. */
export function deliverDue(env: DeliveryEnv): Promise<DueResult> {
  return withDeliveryLock(env, async (run) => {
    await purgeInbox(run.db);
    const retried = emptyCounts();
    for (const d of await pendingDue(run.db, run.now())) retried[await retry(run, d)]++;
    const snapshot = await env.reader.pin().catch((e: unknown) => (isUserError(e) ? undefined : Promise.reject(e)));
    const runs: RunSummary[] = [];
    if (!snapshot) return { runs, retried };
    const tz = env.config.schedule.timezone;
    for (const s of await listSubscriptions(run.db)) {
      if (isDue(s, snapshot.info().id, run.now(), tz)) runs.push(await runSubscription(run, s, snapshot));
    }
    return { runs, retried };
  });
}

/** One subscription now, whatever its schedule ("deliver now", `fis subscriptions deliver --id N`). */
export function deliverNow(env: DeliveryEnv, id: string): Promise<RunSummary> {
  return withDeliveryLock(env, async (run) => {
    const s = await getSubscription(run.db, id);
    if (!s) throw new UserError(`There is no subscription ${id.slice(0, 20)}.`, { httpStatus: 404, exitCode: 4 });
    if (!s.active) throw new UserError(`Subscription ${id} is deactivated; activate it first.`, { httpStatus: 409, exitCode: 2 });
    return runSubscription(run, s, await env.reader.pin());
  });
}

/** A run's outcome in one line, for the CLI and the "deliver now" button. */
export function summaryLine(r: RunSummary): string {
  const c = r.counts;
  const parts = [`${c.delivered} delivered`, c.link ? `${c.link} link only` : '', c.refused ? `${c.refused} refused` : '', c.pending ? `${c.pending} pending` : '', c.failed ? `${c.failed} failed` : ''].filter(Boolean);
  return `subscription ${r.subscription} (${r.title}${r.fired !== undefined ? `, fired for ${r.fired}` : ''}): ${parts.join(', ')}`;
}

