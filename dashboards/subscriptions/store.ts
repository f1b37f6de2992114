/**
 * Subscriptions, their delivery history and the inbox in the app-state database. Like role
 * definitions, a subscription is versioned with its history, and every change is one statement
 * with its audit entry (optimistic concurrency: a change carries the version it was made on); a
 * delivery — its history row, the inbox item and the audit entry — is one statement too.
 */
import { sql } from 'kysely';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import type { Message } from '../i18n-subscriptions';
import type { Subscription, SubscriptionDefinition } from './definition';

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

type Row = Record<string, unknown>;

function toSubscription(r: Row): Subscription {
  return {
    id: String(r.subscription_id),
    kind: r.kind as Subscription['kind'],
    owner: r.owner as string,
    recipients: r.recipients as string[],
    target_kind: r.target_kind as Subscription['target_kind'],
    target: r.target as string,
    format: (r.format as Subscription['format']) ?? null,
    filters: (json(r.filters) ?? {}) as Record<string, string>,
    schedule: r.schedule as string,
    channel: r.channel as Subscription['channel'],
    alert: (json(r.alert) ?? null) as Subscription['alert'],
    lang: r.lang as Subscription['lang'],
    active: r.active as boolean,
    version: Number(r.version),
    next_due_at: iso(r.next_due_at),
    last_snapshot: (r.last_snapshot as string | null) ?? null,
    last_run_at: iso(r.last_run_at),
    created_at: iso(r.created_at)!,
    updated_at: iso(r.updated_at)!,
    updated_by: r.updated_by as string,
  };
}

/** What is versioned: the definition (the schedule's bookkeeping is not). */
const definitionOf = (d: SubscriptionDefinition) => ({ kind: d.kind, recipients: d.recipients, target_kind: d.target_kind, target: d.target, format: d.format, filters: d.filters, schedule: d.schedule, channel: d.channel, alert: d.alert, lang: d.lang });

/** Creates a subscription (version 1), its history row and the audit entry, in one statement. */
export async function createSubscription(db: AppDb, owner: string, d: SubscriptionDefinition, actor: string, nextDueAt: string | null): Promise<Subscription> {
  const def = JSON.stringify(definitionOf(d));
  const r = await sql<Row>`
    WITH ins AS (
      INSERT INTO subscription (kind, owner, recipients, target_kind, target, format, filters, schedule, channel, alert, lang, next_due_at, updated_by)
      VALUES (${d.kind}, ${owner}, ${d.recipients}::text[], ${d.target_kind}, ${d.target}, ${d.format}, ${JSON.stringify(d.filters)}::jsonb, ${d.schedule}, ${d.channel},
              ${d.alert ? JSON.stringify(d.alert) : null}::jsonb, ${d.lang}, ${nextDueAt}::timestamptz, ${actor})
      RETURNING *),
    hist AS (INSERT INTO subscription_version (subscription_id, version, definition, active, changed_by)
             SELECT subscription_id, version, ${def}::jsonb, active, ${actor} FROM ins),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, ${d.kind === 'alert' ? 'alert.create' : 'subscription.create'}, 'subscription:' || subscription_id, 'ok', ${def}::jsonb || jsonb_build_object('owner', owner) FROM ins)
    SELECT * FROM ins`.execute(db);
  return toSubscription(r.rows[0]!);
}

export async function getSubscription(db: AppDb, id: string): Promise<Subscription | undefined> {
  if (!/^\d{1,15}$/.test(id)) return undefined;
  const r = await db.selectFrom('subscription').selectAll().where('subscription_id', '=', id).executeTakeFirst();
  return r ? toSubscription(r as unknown as Row) : undefined;
}

/** Subscriptions, newest first: one owner's, or all (administration). */
export async function listSubscriptions(db: AppDb, q: { owner?: string } = {}): Promise<Subscription[]> {
  let s = db.selectFrom('subscription').selectAll();
  if (q.owner) s = s.where('owner', '=', q.owner);
  return (await s.orderBy('subscription_id', 'desc').limit(1000).execute()).map((r) => toSubscription(r as unknown as Row));
}

/** A subscription the caller may change: their own, or any for an administrator; 404 otherwise (others' ids are not confirmed). */
export async function subscriptionFor(db: AppDb, id: string, caller: string, admin: boolean): Promise<Subscription> {
  const s = await getSubscription(db, id);
  if (!s || (!admin && s.owner !== caller)) throw new UserError(`You have no subscription ${id.slice(0, 20)}.`, { httpStatus: 404, exitCode: 4 });
  return s;
}

/** Deactivates or activates a subscription if it is still at `expectedVersion`: the new version, its history row and the audit entry in one statement. */
export async function setSubscriptionActive(db: AppDb, id: string, active: boolean, expectedVersion: number, actor: string, nextDueAt: string | null): Promise<Subscription> {
  const r = await sql<Row>`
    WITH upd AS (
      UPDATE subscription SET active = ${active}, version = version + 1, updated_at = now(), updated_by = ${actor},
             next_due_at = ${nextDueAt}::timestamptz
       WHERE subscription_id = ${id} AND version = ${expectedVersion} RETURNING *),
    hist AS (INSERT INTO subscription_version (subscription_id, version, definition, active, changed_by)
             SELECT u.subscription_id, u.version, v.definition, u.active, ${actor}
               FROM upd u JOIN subscription_version v ON v.subscription_id = u.subscription_id AND v.version = u.version - 1),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, ${active ? 'subscription.activate' : 'subscription.deactivate'}, 'subscription:' || subscription_id, 'ok',
                   jsonb_build_object('owner', owner, 'version', version) FROM upd)
    SELECT * FROM upd`.execute(db);
  if (!r.rows.length) throw new UserError(`Subscription ${id} was changed in the meantime; reload and try again.`, { httpStatus: 409 });
  return toSubscription(r.rows[0]!);
}

/** After a run: the snapshot delivered and when the next time of a schedule is. */
export async function markRun(db: AppDb, id: string, snapshot: string, nextDueAt: string | null): Promise<void> {
  await sql`UPDATE subscription SET last_snapshot = ${snapshot}, last_run_at = now(), next_due_at = ${nextDueAt}::timestamptz WHERE subscription_id = ${id}`.execute(db);
}

// ---- deliveries ------------------------------------------------------------------------------

export type Outcome = 'delivered' | 'link' | 'refused' | 'pending' | 'failed';

export interface Delivery {
  id: string;
  subscription_id: string;
  recipient: string;
  snapshot: string | null;
  data_as_of: string | null;
  format: string | null;
  channel: string;
  outcome: Outcome;
  reason: Message | null;
  bytes: number | null;
  attempts: number;
  next_attempt_at: string | null;
  inbox_item_id: string | null;
  created_at: string;
  finished_at: string | null;
}

const toDelivery = (r: Row): Delivery => ({
  id: String(r.delivery_id),
  subscription_id: String(r.subscription_id),
  recipient: r.recipient as string,
  snapshot: (r.snapshot as string | null) ?? null,
  data_as_of: (r.data_as_of as string | null) ?? null,
  format: (r.format as string | null) ?? null,
  channel: r.channel as string,
  outcome: r.outcome as Outcome,
  reason: r.reason ? (JSON.parse(r.reason as string) as Message) : null,
  bytes: r.bytes === null || r.bytes === undefined ? null : Number(r.bytes),
  attempts: Number(r.attempts),
  next_attempt_at: iso(r.next_attempt_at),
  inbox_item_id: r.inbox_item_id === null || r.inbox_item_id === undefined ? null : String(r.inbox_item_id),
  created_at: iso(r.created_at)!,
  finished_at: iso(r.finished_at),
});

/** The delivery history of a subscription, newest first. */
export async function listDeliveries(db: AppDb, subscriptionId: string, limit = 100): Promise<Delivery[]> {
  const r = await db.selectFrom('delivery').selectAll().where('subscription_id', '=', subscriptionId).orderBy('delivery_id', 'desc').limit(limit).execute();
  return r.map((x) => toDelivery(x as unknown as Row));
}

/** Each recipient's latest delivery of a subscription. */
export async function latestDeliveries(db: AppDb, subscriptionId: string): Promise<Map<string, Delivery>> {
  const r = await sql<Row>`SELECT DISTINCT ON (recipient) * FROM delivery WHERE subscription_id = ${subscriptionId} ORDER BY recipient, delivery_id DESC`.execute(db);
  return new Map(r.rows.map((x) => [x.recipient as string, toDelivery(x)]));
}

/** Deliveries waiting for another attempt (a mail server that was down), due by `now`. */
export async function pendingDue(db: AppDb, now: Date): Promise<Delivery[]> {
  const r = await sql<Row>`SELECT * FROM delivery WHERE outcome = 'pending' AND next_attempt_at <= ${now.toISOString()}::timestamptz ORDER BY delivery_id LIMIT 5000`.execute(db);
  return r.rows.map(toDelivery);
}

export interface NewInboxItem {
  recipient: string;
  kind: 'file' | 'link' | 'alert' | 'notice';
  subscription_id: string | null;
  target_kind?: string | null;
  target?: string | null;
  format?: string | null;
  link?: string | null;
  message?: Message | Record<string, never>;
  file?: { filename: string; contentType: string; content: Buffer };
  snapshot?: string | null;
  data_as_of?: string | null;
}

/** A delivery as its run records it (the database numbers and dates it). */
export type NewDelivery = Pick<Delivery, 'subscription_id' | 'recipient' | 'snapshot' | 'data_as_of' | 'format' | 'channel' | 'outcome' | 'reason' | 'bytes' | 'next_attempt_at'>;

/** The parameters of an inbox item's insert (all null when there is none). */
function itemValues(item: NewInboxItem | undefined, inboxDays: number) {
  return {
    on: !!item,
    recipient: item?.recipient ?? null,
    kind: item?.kind ?? null,
    sub: item?.subscription_id ?? null,
    target_kind: item?.target_kind ?? null,
    target: item?.target ?? null,
    format: item?.format ?? null,
    link: item?.link ?? null,
    message: JSON.stringify(item?.message ?? {}),
    filename: item?.file?.filename ?? null,
    content_type: item?.file?.contentType ?? null,
    content: item?.file?.content ?? null,
    bytes: item?.file?.content.length ?? null,
    snapshot: item?.snapshot ?? null,
    data_as_of: item?.data_as_of ?? null,
    days: inboxDays,
  };
}

/** An inbox item's insert (nothing when `v.on` is false); `id` when it was reserved before (its link went out in a mail). */
const insertItem = (v: ReturnType<typeof itemValues>, id: string | null = null) => sql`
  INSERT INTO inbox_item (item_id, recipient, kind, subscription_id, target_kind, target, format, link, message, filename, content_type, content, bytes, snapshot, data_as_of, expires_at)
  SELECT coalesce(${id}::bigint, nextval('inbox_item_item_id_seq')), ${v.recipient}, ${v.kind}, ${v.sub}::bigint, ${v.target_kind}, ${v.target}, ${v.format}, ${v.link}, ${v.message}::jsonb,
         ${v.filename}, ${v.content_type}, ${v.content}::bytea, ${v.bytes}::integer, ${v.snapshot}, ${v.data_as_of}, now() + make_interval(days => ${v.days}::integer)
   WHERE ${v.on}::boolean`;

/**
 * One recipient's delivery, in one statement: the history row, the item in their inbox (a file, a
 * link, an alert), a notice to the owner (why a recipient got less) and the audit entry. With
 * `itemId`, the inbox item was reserved before (its id is in the mail) — see reserveInboxId.
 */
export async function recordDelivery(db: AppDb, d: NewDelivery, opts: { actor: string; item?: NewInboxItem; itemId?: string; notice?: NewInboxItem; inboxDays: number; details?: Record<string, unknown> }): Promise<Delivery> {
  const item = itemValues(opts.item, opts.inboxDays);
  const notice = itemValues(opts.notice, opts.inboxDays);
  const reason = d.reason ? JSON.stringify(d.reason) : null;
  const details = JSON.stringify({ recipient: d.recipient, format: d.format, channel: d.channel, snapshot: d.snapshot, bytes: d.bytes, reason: d.reason?.key ?? null, ...opts.details });
  const r = await sql<Row>`
    WITH item AS (${insertItem(item, opts.itemId ?? null)} RETURNING item_id),
    note AS (${insertItem(notice)} RETURNING item_id),
    ins AS (
      INSERT INTO delivery (subscription_id, recipient, snapshot, data_as_of, format, channel, outcome, reason, bytes, next_attempt_at, inbox_item_id, finished_at)
      VALUES (${d.subscription_id}::bigint, ${d.recipient}, ${d.snapshot}, ${d.data_as_of}, ${d.format}, ${d.channel}, ${d.outcome}, ${reason}, ${d.bytes}::integer,
              ${d.next_attempt_at}::timestamptz, (SELECT item_id FROM item), CASE WHEN ${d.outcome} = 'pending' THEN NULL ELSE now() END)
      RETURNING *),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${opts.actor}, 'subscription.deliver', 'subscription:' || subscription_id, outcome, ${details}::jsonb || jsonb_build_object('delivery', delivery_id) FROM ins)
    SELECT * FROM ins`.execute(db);
  return toDelivery(r.rows[0]!);
}

/** An inbox item's id before the item exists: the mail that links to it goes out first. */
export async function reserveInboxId(db: AppDb): Promise<string> {
  const r = await sql<{ id: string }>`SELECT nextval('inbox_item_item_id_seq')::text AS id`.execute(db);
  return r.rows[0]!.id;
}

/** A pending delivery's next state: done (with its audit entry), or another attempt later. */
export async function updatePending(db: AppDb, id: string, next: { outcome: Outcome; reason: Message | null; nextAttemptAt: string | null }, actor: string): Promise<void> {
  const reason = next.reason ? JSON.stringify(next.reason) : null;
  await sql`
    WITH upd AS (
      UPDATE delivery SET outcome = ${next.outcome}, reason = ${reason}, attempts = attempts + 1, next_attempt_at = ${next.nextAttemptAt}::timestamptz,
             finished_at = CASE WHEN ${next.outcome} = 'pending' THEN NULL ELSE now() END
       WHERE delivery_id = ${id} AND outcome = 'pending' RETURNING *),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, 'subscription.deliver', 'subscription:' || subscription_id, outcome,
                   jsonb_build_object('recipient', recipient, 'format', format, 'channel', channel, 'snapshot', snapshot, 'bytes', bytes, 'delivery', delivery_id, 'attempt', attempts, 'reason', ${next.reason?.key ?? null}::text)
              FROM upd WHERE outcome <> 'pending')
    SELECT 1`.execute(db);
}

// ---- alerts ----------------------------------------------------------------------------------

export async function alertStates(db: AppDb, subscriptionId: string): Promise<Map<string, boolean>> {
  const r = await db.selectFrom('alert_state').select(['recipient', 'holds']).where('subscription_id', '=', subscriptionId).execute();
  return new Map(r.map((x) => [x.recipient, x.holds]));
}

export async function setAlertState(db: AppDb, subscriptionId: string, recipient: string, holds: boolean, value: number | null, snapshot: string): Promise<void> {
  await sql`
    INSERT INTO alert_state (subscription_id, recipient, holds, value, snapshot) VALUES (${subscriptionId}::bigint, ${recipient}, ${holds}, ${value}, ${snapshot})
    ON CONFLICT (subscription_id, recipient) DO UPDATE SET holds = excluded.holds, value = excluded.value, snapshot = excluded.snapshot, checked_at = now()`.execute(db);
}

// ---- the inbox -------------------------------------------------------------------------------

export interface InboxItem {
  id: string;
  kind: NewInboxItem['kind'];
  subscription_id: string | null;
  target_kind: string | null;
  target: string | null;
  format: string | null;
  link: string | null;
  message: Message | null;
  filename: string | null;
  bytes: number | null;
  data_as_of: string | null;
  created_at: string;
  read_at: string | null;
}

const toItem = (r: Row): InboxItem => {
  const m = json(r.message) as Partial<Message> | null;
  return {
    id: String(r.item_id),
    kind: r.kind as InboxItem['kind'],
    subscription_id: r.subscription_id === null ? null : String(r.subscription_id),
    target_kind: (r.target_kind as string | null) ?? null,
    target: (r.target as string | null) ?? null,
    format: (r.format as string | null) ?? null,
    link: (r.link as string | null) ?? null,
    message: m?.key ? (m as Message) : null,
    filename: (r.filename as string | null) ?? null,
    bytes: r.bytes === null || r.bytes === undefined ? null : Number(r.bytes),
    data_as_of: (r.data_as_of as string | null) ?? null,
    created_at: iso(r.created_at)!,
    read_at: iso(r.read_at),
  };
};

const ITEM_COLUMNS = ['item_id', 'kind', 'subscription_id', 'target_kind', 'target', 'format', 'link', 'message', 'filename', 'bytes', 'data_as_of', 'created_at', 'read_at'] as const;

/** A user's inbox, newest first, without the files' bytes; expired items are gone. */
export async function listInbox(db: AppDb, user: string, limit = 200): Promise<InboxItem[]> {
  const r = await db.selectFrom('inbox_item').select(ITEM_COLUMNS).where('recipient', '=', user).where(sql<boolean>`expires_at > now()`).orderBy('item_id', 'desc').limit(limit).execute();
  return r.map((x) => toItem(x as unknown as Row));
}

export async function unreadCount(db: AppDb, user: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM inbox_item WHERE recipient = ${user} AND read_at IS NULL AND expires_at > now()`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** One of the user's items with its file (nobody else's: 404, never confirming that it exists). */
export async function inboxFile(db: AppDb, user: string, id: string): Promise<InboxItem & { content: Buffer | null; content_type: string | null }> {
  const r = /^\d{1,15}$/.test(id)
    ? await db.selectFrom('inbox_item').select([...ITEM_COLUMNS, 'content', 'content_type']).where('item_id', '=', id).where('recipient', '=', user).where(sql<boolean>`expires_at > now()`).executeTakeFirst()
    : undefined;
  if (!r) throw new UserError(`Your inbox has no item ${id.slice(0, 20)} (delivered files are kept for a limited time).`, { httpStatus: 404 });
  return { ...toItem(r as unknown as Row), content: r.content ? Buffer.from(r.content) : null, content_type: r.content_type };
}

/** Marks items read; with `download`, the download's audit entry in the same statement. */
export async function markRead(db: AppDb, user: string, ids: string[], download?: { format: string | null; bytes: number | null; subscription: string | null }): Promise<void> {
  if (!ids.length) return;
  await sql`
    WITH upd AS (UPDATE inbox_item SET read_at = coalesce(read_at, now()) WHERE recipient = ${user} AND item_id = ANY(${ids}::bigint[]) RETURNING item_id),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${user}, 'inbox.download', 'inbox:' || item_id, 'ok', ${JSON.stringify(download ?? {})}::jsonb FROM upd WHERE ${!!download}::boolean)
    SELECT 1`.execute(db);
}

/** Removes what has expired (FIS_INBOX_DAYS): the files leave the database. */
export async function purgeInbox(db: AppDb): Promise<void> {
  await sql`DELETE FROM inbox_item WHERE expires_at <= now()`.execute(db);
}

/** When the scheduler must next start `fis subscriptions deliver --due`: the next time of a schedule, or of a pending attempt. */
export async function nextDueAt(db: AppDb): Promise<string | null> {
  const r = await sql<{ at: string | null }>`
    SELECT least((SELECT min(next_due_at) FROM subscription WHERE active),
                 (SELECT min(next_attempt_at) FROM delivery WHERE outcome = 'pending')) AS at`.execute(db);
  return iso(r.rows[0]?.at ?? null);
}
