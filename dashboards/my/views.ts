/**
 * Personal views: a dashboard's or report's URL with its filters, saved under a name, one of them
 * the default of its page. A view stores the URL as the user saw it — relative periods as their
 * name (`period=last-12-months`), so they move with every new snapshot — and never figures. Every
 * read and change is scoped to the owner: another user's view is "not there" (404), never "not
 * yours". Opening a view is opening its URL: the rights of the moment apply there (server/my.ts).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import { audit } from '../../roles/store';
import { DASHBOARDS, REPORTS } from '../catalog';
import { safeNext } from '../safe-next';

export interface SavedView {
  id: string;
  name: string;
  path: string;
  /** the page alone: /dashboards/<slug> or /reports/<id> */
  target: string;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** URL parameters a view keeps: the filters of the page; nothing that would make it a download or a note of ours. */
const DROPPED_PARAMS = new Set(['format', 'dropped']);
const PARAM = /^[a-z_]{1,30}$/;

export interface ViewTarget {
  kind: 'dashboard' | 'report';
  id: string;
  target: string;
  /** the path as stored: the page and its filter parameters */
  path: string;
}

/**
 * A view's path checked and normalised: a path of this app (the open-redirect checks of the login),
 * to a dashboard or report of the catalogue, with plain filter parameters — or one sentence.
 */
export function checkViewPath(input: string): ViewTarget {
  const refuse = () => new UserError('The path must be a dashboard or report of FIS with its filters, such as /dashboards/pending?state=09.');
  if (typeof input !== 'string' || safeNext(input) !== input || input.includes('#')) throw refuse();
  const url = new URL(input, 'http://fis.invalid');
  const m = /^\/(dashboards|reports)\/([a-z0-9-]{1,60})$/.exec(url.pathname);
  if (!m) throw refuse();
  const kind = m[1] === 'dashboards' ? 'dashboard' : 'report';
  const known = (kind === 'dashboard' ? DASHBOARDS : REPORTS).some((e) => e.id === m[2]);
  if (!known) throw new UserError(`There is no ${kind} "${m[2]}".`);
  const params = new URLSearchParams();
  for (const [k, v] of url.searchParams) {
    if (DROPPED_PARAMS.has(k)) continue;
    if (!PARAM.test(k) || v.length > 500) throw refuse();
    params.set(k, v);
  }
  params.sort();
  const qs = params.toString();
  return { kind, id: m[2]!, target: url.pathname, path: qs ? `${url.pathname}?${qs}` : url.pathname };
}

export const viewCreateSchema = z
  .object({ name: z.string().trim().min(1).max(120), path: z.string().max(2000), isDefault: z.boolean().default(false) })
  .strict();
export const viewChangeSchema = z
  .object({ name: z.string().trim().min(1).max(120).optional(), path: z.string().max(2000).optional(), isDefault: z.boolean().optional() })
  .strict()
  .refine((x) => x.name !== undefined || x.path !== undefined || x.isDefault !== undefined);

type Row = { view_id: string; name: string; path: string; target: string; is_default: boolean; created_at: string | Date; updated_at: string | Date };
const iso = (v: string | Date) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());
const toView = (r: Row): SavedView => ({ id: String(r.view_id), name: r.name, path: r.path, target: r.target, isDefault: r.is_default, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) });
const columns = ['view_id', 'name', 'path', 'target', 'is_default', 'created_at', 'updated_at'] as const;

const notYours = (id: string) => new UserError(`You have no view ${String(id).slice(0, 20)}.`, { httpStatus: 404 });
const idOf = (id: string) => (/^\d{1,18}$/.test(id) ? id : undefined);

/** The owner's views, by page and name. */
export async function listViews(db: AppDb, owner: string, target?: string): Promise<SavedView[]> {
  let q = db.selectFrom('saved_view').select(columns).where('owner', '=', owner);
  if (target) q = q.where('target', '=', target);
  return (await q.orderBy('target').orderBy('name').orderBy('view_id').execute()).map(toView);
}

/** The owner's default view of a page, if any. */
export async function defaultView(db: AppDb, owner: string, target: string): Promise<SavedView | undefined> {
  const r = await db.selectFrom('saved_view').select(columns).where('owner', '=', owner).where('target', '=', target).where('is_default', '=', true).executeTakeFirst();
  return r ? toView(r) : undefined;
}

/** Saves a view (the path checked by the caller against the page rights); a new default replaces the old one in the same statement. */
export async function createView(db: AppDb, owner: string, input: { name: string; path: string; isDefault: boolean }): Promise<SavedView> {
  const t = checkViewPath(input.path);
  const r = await sql<Row>`
    WITH cleared AS (UPDATE saved_view SET is_default = false, updated_at = now() WHERE ${input.isDefault} AND owner = ${owner} AND target = ${t.target} AND is_default RETURNING view_id),
    ins AS (INSERT INTO saved_view (owner, name, path, target, is_default)
            SELECT ${owner}, ${input.name}, ${t.path}, ${t.target}, ${input.isDefault} FROM (SELECT count(*) FROM cleared) c
            RETURNING view_id, name, path, target, is_default, created_at, updated_at),
    logged AS (INSERT INTO audit_log (actor, action, target, outcome, details)
               SELECT ${owner}, 'view.create', 'view:' || view_id, 'ok', jsonb_build_object('name', name, 'path', path, 'default', is_default) FROM ins)
    SELECT * FROM ins`.execute(db);
  return toView(r.rows[0]!);
}

/** Renames, re-points or (un)marks as default one of the owner's views; another's id: 404. */
export async function changeView(db: AppDb, owner: string, id: string, change: { name?: string; path?: string; isDefault?: boolean }): Promise<SavedView> {
  const vid = idOf(id);
  if (!vid) throw notYours(id);
  const current = await db.selectFrom('saved_view').select(columns).where('owner', '=', owner).where('view_id', '=', vid).executeTakeFirst();
  if (!current) throw notYours(id);
  const t = change.path !== undefined ? checkViewPath(change.path) : { target: current.target, path: current.path };
  const name = change.name ?? current.name;
  const isDefault = change.isDefault ?? current.is_default;
  const r = await sql<Row>`
    WITH cleared AS (UPDATE saved_view SET is_default = false, updated_at = now() WHERE ${isDefault} AND owner = ${owner} AND target = ${t.target} AND is_default AND view_id <> ${vid} RETURNING view_id),
    up AS (UPDATE saved_view SET name = ${name}, path = ${t.path}, target = ${t.target}, is_default = ${isDefault}, updated_at = now()
           WHERE owner = ${owner} AND view_id = ${vid} AND (SELECT count(*) FROM cleared) >= 0
           RETURNING view_id, name, path, target, is_default, created_at, updated_at),
    logged AS (INSERT INTO audit_log (actor, action, target, outcome, details)
               SELECT ${owner}, 'view.update', 'view:' || view_id, 'ok', jsonb_build_object('name', name, 'path', path, 'default', is_default) FROM up)
    SELECT * FROM up`.execute(db);
  if (!r.rows[0]) throw notYours(id);
  return toView(r.rows[0]);
}

/** Deletes one of the owner's views; another's id: 404. */
export async function deleteView(db: AppDb, owner: string, id: string): Promise<void> {
  const vid = idOf(id);
  if (!vid) throw notYours(id);
  const r = await db.deleteFrom('saved_view').where('owner', '=', owner).where('view_id', '=', vid).returning(['view_id', 'name']).executeTakeFirst();
  if (!r) throw notYours(id);
  await audit(db, { actor: owner, action: 'view.delete', target: `view:${r.view_id}`, outcome: 'ok', details: { name: r.name } });
}
