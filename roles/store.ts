/**
 * Reading and changing users, role definitions (versioned, with history), sessions and the audit
 * log. Every change that must be atomic — a role edit with its history row and its audit entry — is
 * one statement, with optimistic concurrency (the expected version) so that two admins editing the
 * same role never silently overwrite each other.
 */
import { sql } from 'kysely';
import { UserError } from '../platform/errors';
import type { AppDb } from './app-db';
import { DEMO_ROLES, DEMO_USERS } from './demo';
import { hashPassword } from './passwords';
import { validateRoleDefinition, type RoleDefinition } from './permissions';

export interface StoredRole extends RoleDefinition {
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface StoredUser {
  user_id: string;
  username: string;
  display_name: string;
  roles: string[];
  offices: string[];
  states: string[];
  active: boolean;
  must_change_password: boolean;
  is_demo: boolean;
  version: number;
  password_hash: string;
  failed_logins: number;
  locked_until: string | null;
  otp_expires_at: string | null;
  /** issuer|sub for users of the identity provider; null for local users */
  oidc_subject: string | null;
  oidc_groups: string[];
  /** where subscriptions may send mail (null: inbox only) */
  email: string | null;
}

const toRole = (r: { name: string; label_de: string; label_en: string; description: string; rules: unknown; version: number; updated_at: string; updated_by: string }): StoredRole => ({
  name: r.name,
  label_de: r.label_de,
  label_en: r.label_en,
  description: r.description,
  rules: (typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules) as RoleDefinition['rules'],
  version: Number(r.version),
  updated_at: r.updated_at,
  updated_by: r.updated_by,
});

export async function listRoles(db: AppDb): Promise<StoredRole[]> {
  return (await db.selectFrom('role').selectAll().orderBy('name').execute()).map(toRole);
}

export async function getRole(db: AppDb, name: string): Promise<StoredRole | undefined> {
  const r = await db.selectFrom('role').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? toRole(r) : undefined;
}

export async function getRoles(db: AppDb, names: readonly string[]): Promise<StoredRole[]> {
  if (names.length === 0) return [];
  return (await db.selectFrom('role').selectAll().where('name', 'in', [...names]).execute()).map(toRole);
}

/** Why a change is made, for the audit entry: an edit, or the restore of an older version. */
export interface ChangeNote {
  action?: 'role.create' | 'role.update' | 'role.restore';
  details?: Record<string, unknown>;
}

/** Creates a role (version 1, or the next after a deleted one of that name), its history row and the audit entry, in one statement. */
export async function createRole(db: AppDb, input: unknown, actor: string, note: ChangeNote = {}): Promise<StoredRole> {
  const def = validateRoleDefinition(input);
  const rules = JSON.stringify(def.rules);
  const r = await sql<{ name: string }>`
    WITH ins AS (
      INSERT INTO role (name, label_de, label_en, description, rules, version, updated_by)
      VALUES (${def.name}, ${def.label_de}, ${def.label_en}, ${def.description}, ${rules}::jsonb,
              -- a name used before continues its history after the deletion row
              (SELECT coalesce(max(version), 0) + 1 FROM role_version WHERE name = ${def.name}), ${actor})
      ON CONFLICT (name) DO NOTHING RETURNING *),
    hist AS (INSERT INTO role_version (name, version, label_de, label_en, description, rules, changed_by)
             SELECT name, version, label_de, label_en, description, rules, updated_by FROM ins),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, ${note.action ?? 'role.create'}, name, 'ok', jsonb_build_object('version', version) || ${JSON.stringify(note.details ?? {})}::jsonb FROM ins)
    SELECT name FROM ins`.execute(db);
  if (r.rows.length === 0) throw new UserError(`A role named "${def.name}" exists already.`, { httpStatus: 409 });
  return (await getRole(db, def.name))!;
}

/**
 * Separation of duties: nobody changes a role they hold — an administrator could otherwise give
 * their own role case data. Another administrator (or the operator on the command line) can.
 */
async function refuseOwnRole(db: AppDb, name: string, actor: string): Promise<void> {
  const holder = await db.selectFrom('app_user').select('username').where('username', '=', actor).where(sql<boolean>`${name} = ANY(roles)`).executeTakeFirst();
  if (holder) throw new UserError(`You hold the role "${name}" yourself; another administrator changes it.`, { httpStatus: 403 });
}

/**
 * Replaces a role's definition if it is still at `expectedVersion`: the new version, its history
 * row and the audit entry (with the changed fields) in one statement.
 */
export async function updateRole(db: AppDb, name: string, input: unknown, expectedVersion: number, actor: string, note: ChangeNote = {}): Promise<StoredRole> {
  const def = validateRoleDefinition({ ...(input as object), name });
  await refuseOwnRole(db, name, actor);
  const rules = JSON.stringify(def.rules);
  const r = await sql<{ version: number }>`
    WITH old AS (SELECT * FROM role WHERE name = ${name} AND version = ${expectedVersion}),
    upd AS (
      UPDATE role SET label_de = ${def.label_de}, label_en = ${def.label_en}, description = ${def.description},
                      rules = ${rules}::jsonb, version = role.version + 1, updated_at = now(), updated_by = ${actor}
       WHERE name = ${name} AND version = ${expectedVersion} RETURNING *),
    hist AS (INSERT INTO role_version (name, version, label_de, label_en, description, rules, changed_by)
             SELECT name, version, label_de, label_en, description, rules, updated_by FROM upd),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, ${note.action ?? 'role.update'}, upd.name, 'ok',
                   jsonb_build_object('from_version', old.version, 'to_version', upd.version,
                                      'rules_changed', old.rules IS DISTINCT FROM upd.rules,
                                      'labels_changed', (old.label_de, old.label_en, old.description) IS DISTINCT FROM (upd.label_de, upd.label_en, upd.description))
                   || ${JSON.stringify(note.details ?? {})}::jsonb
              FROM upd, old)
    SELECT version FROM upd`.execute(db);
  if (r.rows.length === 0) {
    const current = await getRole(db, name);
    if (!current) throw new UserError(`There is no role named "${name}".`, { httpStatus: 404 });
    throw new UserError(
      `The role "${name}" was changed by ${current.updated_by} in the meantime (now version ${current.version}); reload it and apply your change again.`,
      { httpStatus: 409 },
    );
  }
  return (await getRole(db, name))!;
}

/** Deletes a role no user holds; the history keeps a deletion row. */
export async function deleteRole(db: AppDb, name: string, expectedVersion: number, actor: string): Promise<void> {
  const holders = await db.selectFrom('app_user').select('username').where(sql<boolean>`${name} = ANY(roles)`).execute();
  if (holders.length) throw new UserError(`The role "${name}" is still assigned to ${holders.map((h) => h.username).join(', ')}.`, { httpStatus: 409 });
  const r = await sql<{ name: string }>`
    WITH del AS (DELETE FROM role WHERE name = ${name} AND version = ${expectedVersion} RETURNING *),
    hist AS (INSERT INTO role_version (name, version, label_de, label_en, description, rules, changed_by, deleted)
             SELECT name, version + 1, label_de, label_en, description, rules, ${actor}, true FROM del),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, 'role.delete', name, 'ok', jsonb_build_object('version', version) FROM del)
    SELECT name FROM del`.execute(db);
  if (r.rows.length === 0) throw new UserError(`The role "${name}" does not exist or was changed in the meantime.`, { httpStatus: 409 });
}

/**
 * Restores an older version of a role as its newest: the definition of that version becomes a
 * new version (history is never rewritten). A deleted role is created again. `expectedVersion`
 * is the current version the admin saw (null when the role is deleted).
 */
export async function restoreRole(db: AppDb, name: string, version: number, expectedVersion: number | null, actor: string): Promise<StoredRole> {
  const old = (await roleHistory(db, name)).find((h) => h.version === version && !h.deleted);
  if (!old) throw new UserError(`The role "${name.slice(0, 60)}" has no version ${version} to restore.`, { httpStatus: 404 });
  const def = { name, label_de: old.label_de, label_en: old.label_en, description: old.description, rules: old.rules };
  const note: ChangeNote = { action: 'role.restore', details: { restored_version: version } };
  if (expectedVersion === null) {
    if (await getRole(db, name)) throw new UserError(`The role "${name}" exists again in the meantime; reload it.`, { httpStatus: 409 });
    return createRole(db, def, actor, note);
  }
  return updateRole(db, name, def, expectedVersion, actor, note);
}

export interface RoleVersion extends RoleDefinition {
  version: number;
  changed_at: string;
  changed_by: string;
  deleted: boolean;
}

/** Every version of a role (also of a deleted one), newest first. */
export async function roleHistory(db: AppDb, name: string): Promise<RoleVersion[]> {
  return (await db.selectFrom('role_version').selectAll().where('name', '=', name).orderBy('version', 'desc').execute()).map((r) => ({
    ...r,
    changed_at: new Date(r.changed_at).toISOString(),
    version: Number(r.version),
    rules: (typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules) as RoleDefinition['rules'],
  }));
}

/** The columns of a stored user (never more: the password hash stays in the app-state database). */
export const userColumns = [
  'user_id', 'username', 'display_name', 'roles', 'offices', 'states', 'active', 'must_change_password', 'is_demo', 'version', 'password_hash', 'failed_logins', 'locked_until', 'otp_expires_at', 'oidc_subject', 'oidc_groups', 'email',
] as const;

export const toUser = (u: Record<string, unknown>): StoredUser => ({ ...(u as unknown as StoredUser), version: Number(u.version), failed_logins: Number(u.failed_logins) });

export async function getUser(db: AppDb, username: string): Promise<StoredUser | undefined> {
  const u = await db.selectFrom('app_user').select(userColumns).where('username', '=', username).executeTakeFirst();
  return u ? toUser(u) : undefined;
}

export async function getUserById(db: AppDb, id: string): Promise<StoredUser | undefined> {
  const u = await db.selectFrom('app_user').select(userColumns).where('user_id', '=', id).executeTakeFirst();
  return u ? toUser(u) : undefined;
}

export async function listUsers(db: AppDb): Promise<StoredUser[]> {
  return (await db.selectFrom('app_user').select(userColumns).orderBy('username').execute()).map(toUser);
}

export async function audit(db: AppDb, entry: { actor: string; action: string; target?: string | null; outcome: string; details?: Record<string, unknown> }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ actor: entry.actor, action: entry.action, target: entry.target ?? null, outcome: entry.outcome, details: JSON.stringify(entry.details ?? {}) })
    .execute();
}

/**
 * Creates (or, for demo data, replaces) the demo roles and users. Demo users exist only in demo
 * data; `fis fixtures generate` calls this, a production setup never does.
 */
export async function installDemo(db: AppDb, password: string): Promise<void> {
  for (const role of DEMO_ROLES) {
    const existing = await getRole(db, role.name);
    if (!existing) await createRole(db, role, 'fis-fixtures');
    else if (JSON.stringify(existing.rules) !== JSON.stringify(role.rules)) await updateRole(db, role.name, role, existing.version, 'fis-fixtures');
  }
  const hash = await hashPassword(password);
  for (const u of DEMO_USERS) {
    await sql`
      WITH up AS (
        INSERT INTO app_user (username, display_name, password_hash, roles, offices, states, is_demo)
        VALUES (${u.username}, ${u.display_name}, ${hash}, ${u.roles}::text[], ${u.offices ?? []}::text[], ${u.states ?? []}::text[], true)
        ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, password_hash = excluded.password_hash,
          roles = excluded.roles, offices = excluded.offices, states = excluded.states, active = true,
          failed_logins = 0, locked_until = NULL, must_change_password = false, is_demo = true,
          version = app_user.version + 1, updated_at = now()
        RETURNING username)
      INSERT INTO audit_log (actor, action, target, outcome, details) SELECT 'fis-fixtures', 'user.demo', username, 'ok', '{}'::jsonb FROM up`.execute(db);
  }
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  /** first and last day (inclusive, YYYY-MM-DD, UTC) */
  from?: string;
  to?: string;
  limit?: number;
}

export interface AuditEntry {
  audit_id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/** The audit log, newest first, filtered by actor, action (prefix: "role" finds role.update) and days. */
export async function queryAudit(db: AppDb, q: AuditQuery): Promise<AuditEntry[]> {
  let s = db.selectFrom('audit_log').select(['audit_id', 'at', 'actor', 'action', 'target', 'outcome', 'details']);
  if (q.actor) s = s.where('actor', '=', q.actor);
  if (q.action) s = s.where((eb) => eb.or([eb('action', '=', q.action!), eb('action', 'like', `${q.action!.replace(/[%_\\]/g, '')}.%`)]));
  if (q.from) s = s.where('at', '>=', `${q.from}T00:00:00Z`);
  if (q.to) s = s.where(sql<boolean>`at < (${q.to}::date + 1)::timestamptz`);
  const rows = await s.orderBy('audit_id', 'desc').limit(Math.min(q.limit ?? 500, 100_000)).execute();
  return rows.map((r) => ({ ...r, audit_id: String(r.audit_id), at: new Date(r.at).toISOString(), details: (typeof r.details === 'string' ? JSON.parse(r.details) : r.details) as Record<string, unknown> }));
}
