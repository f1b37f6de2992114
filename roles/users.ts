/**
 * Administering users and exchanging role definitions: create, change (roles, scope, name,
 * active), reset a password (a one-time password the user must change at the next login), and
 * roles as JSON for review in version control. Every change is one statement with its audit entry;
 * passwords are never stored, shown or logged except the one-time password handed to the admin.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { UserError } from '../platform/errors';
import type { AppDb } from './app-db';
import { hashPassword } from './passwords';
import { validateRoleDefinition, type RoleDefinition } from './permissions';
import { createRole, getRole, getUser, listRoles, updateRole, type StoredUser } from './store';

const USERNAME = /^[a-z][a-z0-9._-]{1,47}$/;
const OFFICE = /^[A-Z0-9]{2,8}$/;
const STATE = /^(0[1-9]|1[0-6])$/;
const EMAIL = /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/;

const fields = {
  display_name: z.string().trim().min(1, 'the display name must not be empty').max(120),
  roles: z.array(z.string()).max(20),
  offices: z.array(z.string().regex(OFFICE, 'an office is its code, e.g. MUC')).max(200),
  states: z.array(z.string().regex(STATE, 'a state is its two-digit key, 01 to 16')).max(16),
  // where subscriptions may send this user mail; empty: none (inbox only)
  email: z
    .string()
    .trim()
    .max(254)
    .transform((v) => v || null)
    .refine((v) => v === null || EMAIL.test(v), 'an e-mail address looks like name@example.org')
    .nullable(),
};

const UserInput = z
  .object({
    username: z.string().regex(USERNAME, 'a username is 2–48 lower-case letters, digits, ".", "_" or "-", starting with a letter'),
    display_name: fields.display_name,
    roles: fields.roles.default([]),
    offices: fields.offices.default([]),
    states: fields.states.default([]),
    email: fields.email.default(null),
  })
  .strict();

// no defaults here: what a change does not name stays as it is
const UserPatch = z.object({ ...fields, active: z.boolean() }).partial().strict();

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(`Invalid ${what}: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}.`);
  }
  return r.data;
}

async function checkRoles(db: AppDb, roles: readonly string[]): Promise<void> {
  const known = new Set((await listRoles(db)).map((r) => r.name));
  const unknown = roles.filter((r) => !known.has(r));
  if (unknown.length) throw new UserError(`There is no role ${unknown.map((r) => `"${r.slice(0, 40)}"`).join(', ')}; the roles are ${[...known].join(', ')}.`);
}

/** How long a one-time password opens the password change (FIS_OTP_HOURS). */
export const DEFAULT_OTP_HOURS = 72;

export interface UserOptions {
  otpHours?: number;
}

/** A one-time password: 16 characters from an alphabet without look-alikes. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  return `${[...bytes].map((b) => alphabet[b % alphabet.length]).join('')}-1`;
}

/** Creates a user with a one-time password (returned once; the user must change it at the first login). */
export async function createUser(db: AppDb, input: unknown, actor: string, opts: UserOptions = {}): Promise<{ user: StoredUser; password: string }> {
  const u = parse(UserInput, input, 'user');
  await checkRoles(db, u.roles);
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  const r = await sql<{ username: string }>`
    WITH ins AS (
      INSERT INTO app_user (username, display_name, password_hash, roles, offices, states, email, must_change_password, otp_expires_at)
      VALUES (${u.username}, ${u.display_name}, ${hash}, ${u.roles}::text[], ${u.offices}::text[], ${u.states}::text[], ${u.email}, true,
              now() + make_interval(hours => ${opts.otpHours ?? DEFAULT_OTP_HOURS}))
      ON CONFLICT (username) DO NOTHING RETURNING username, roles, offices, states),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, 'user.create', username, 'ok', jsonb_build_object('roles', roles, 'offices', offices, 'states', states) FROM ins)
    SELECT username FROM ins`.execute(db);
  if (!r.rows.length) throw new UserError(`A user named "${u.username}" exists already.`, { httpStatus: 409 });
  return { user: (await getUser(db, u.username))!, password };
}

/**
 * Changes a user's name, roles, scope or active flag. With `expectedVersion`, refuses when someone
 * else changed the user in the meantime. Deactivating ends the user's sessions. Nobody changes their
 * own roles, scope or active flag (the operator's `cli:<user>` is never a user of the app).
 */
export async function updateUser(db: AppDb, username: string, patch: unknown, actor: string, expectedVersion?: number): Promise<StoredUser> {
  const p = parse(UserPatch, patch, 'change');
  const current = await getUser(db, username);
  if (!current) throw new UserError(`There is no user "${username.slice(0, 60)}".`, { httpStatus: 404 });
  if (p.roles) await checkRoles(db, p.roles);
  const next = {
    display_name: p.display_name ?? current.display_name,
    roles: p.roles ?? current.roles,
    offices: p.offices ?? current.offices,
    states: p.states ?? current.states,
    active: p.active ?? current.active,
    email: p.email === undefined ? current.email : p.email,
  };
  const changed = Object.keys(next).filter((k) => JSON.stringify(next[k as keyof typeof next]) !== JSON.stringify(current[k as keyof StoredUser]));
  // separation of duties: administering grants no case data, so nobody widens (or ends) their own access
  if (actor === username && changed.some((k) => k !== 'display_name' && k !== 'email')) {
    throw new UserError('You cannot change your own roles, scope or active flag; another administrator can.', { httpStatus: 403 });
  }
  const version = expectedVersion ?? current.version;
  const r = await sql<{ version: number }>`
    WITH upd AS (
      UPDATE app_user SET display_name = ${next.display_name}, roles = ${next.roles}::text[], offices = ${next.offices}::text[],
             states = ${next.states}::text[], active = ${next.active}, email = ${next.email}, version = version + 1, updated_at = now()
       WHERE username = ${username} AND version = ${version} RETURNING user_id, username, version, active),
    ends AS (DELETE FROM session WHERE user_id IN (SELECT user_id FROM upd WHERE NOT active)),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${actor}, 'user.update', username, 'ok', jsonb_build_object('changed', ${JSON.stringify(changed)}::jsonb, 'roles', ${next.roles}::text[], 'offices', ${next.offices}::text[], 'states', ${next.states}::text[], 'active', active) FROM upd)
    SELECT version FROM upd`.execute(db);
  if (!r.rows.length) throw new UserError(`The user "${username}" was changed in the meantime; reload and apply your change again.`, { httpStatus: 409 });
  return (await getUser(db, username))!;
}

/** Sets a one-time password (returned once), unlocks the account and ends the user's sessions. */
export async function resetPassword(db: AppDb, username: string, actor: string, opts: UserOptions = {}): Promise<string> {
  const password = oneTimePassword();
  const hash = await hashPassword(password);
  const r = await sql<{ username: string }>`
    WITH upd AS (
      UPDATE app_user SET password_hash = ${hash}, must_change_password = true, failed_logins = 0, locked_until = NULL,
             otp_expires_at = now() + make_interval(hours => ${opts.otpHours ?? DEFAULT_OTP_HOURS}),
             version = version + 1, updated_at = now()
       WHERE username = ${username} RETURNING user_id, username),
    ends AS (DELETE FROM session WHERE user_id IN (SELECT user_id FROM upd)),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details) SELECT ${actor}, 'user.password_reset', username, 'ok', '{}'::jsonb FROM upd)
    SELECT username FROM upd`.execute(db);
  if (!r.rows.length) throw new UserError(`There is no user "${username.slice(0, 60)}".`, { httpStatus: 404 });
  return password;
}

/** The role definitions as they go into version control: sorted, without versions and timestamps. */
export async function exportRoles(db: AppDb): Promise<RoleDefinition[]> {
  return (await listRoles(db)).map((r) => ({ name: r.name, label_de: r.label_de, label_en: r.label_en, description: r.description, rules: r.rules }));
}

export interface ImportPlan {
  create: string[];
  update: string[];
  unchanged: string[];
}

/**
 * Imports role definitions: every definition is validated first, and nothing is written unless all
 * are valid (and none is in the file twice). New roles are created, changed ones get a new version (with history and audit entry);
 * roles missing from the file are left alone. `dryRun` only says what would happen.
 */
export async function importRoles(db: AppDb, input: unknown, actor: string, opts: { dryRun?: boolean } = {}): Promise<ImportPlan> {
  if (!Array.isArray(input)) throw new UserError('A roles file holds a JSON array of role definitions.');
  const defs = input.map((d, i) => {
    try {
      return validateRoleDefinition(d);
    } catch (e) {
      throw new UserError(`Role ${i + 1} of the file${typeof (d as { name?: unknown })?.name === 'string' ? ` ("${String((d as { name: string }).name).slice(0, 40)}")` : ''}: ${(e as Error).message}`);
    }
  });
  const names = defs.map((d) => d.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UserError(`The role "${twice}" is in the file twice.`);
  const plan: ImportPlan = { create: [], update: [], unchanged: [] };
  const existing = new Map<string, Awaited<ReturnType<typeof getRole>>>();
  for (const d of defs) {
    const cur = await getRole(db, d.name);
    existing.set(d.name, cur);
    if (!cur) plan.create.push(d.name);
    else if (JSON.stringify([cur.label_de, cur.label_en, cur.description, cur.rules]) === JSON.stringify([d.label_de, d.label_en, d.description, d.rules])) plan.unchanged.push(d.name);
    else plan.update.push(d.name);
  }
  if (opts.dryRun) return plan;
  // each role is one atomic statement with its history and audit entry, against the version read
  // above: a role changed meanwhile by someone else is refused, never overwritten
  for (const d of defs) {
    const cur = existing.get(d.name);
    if (!cur) await createRole(db, d, actor);
    else if (plan.update.includes(d.name)) await updateRole(db, d.name, d, cur.version, actor);
  }
  return plan;
}
