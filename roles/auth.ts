/**
 * Authentication for local users (BSI IT-Grundschutz APP.3.1 in mind): scrypt hashes, server-side
 * sessions whose cookie holds a random token (only its SHA-256 is stored), rotation on every login,
 * an idle timeout and an absolute lifetime, lockout after repeated failures, rate limiting per
 * client address, and a CSRF token per session for state-changing requests. Logins, failed ones
 * too, go to the audit log.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { UserError } from '../platform/errors';
import type { AppDb } from './app-db';
import { DUMMY_HASH, hashPassword, validatePassword, verifyPassword } from './passwords';
import { audit, getUserById, getUser, type StoredUser } from './store';

export interface AuthSettings {
  idleMinutes: number;
  maxFailures: number;
  lockMinutes: number;
  lifetimeHours: number;
  /** login attempts per client address per window */
  rateLimit: { attempts: number; windowMs: number };
}

export const DEFAULT_AUTH: AuthSettings = { idleMinutes: 30, maxFailures: 5, lockMinutes: 15, lifetimeHours: 12, rateLimit: { attempts: 30, windowMs: 5 * 60_000 } };

export const SESSION_COOKIE = 'fis_session';
export const CSRF_COOKIE = 'fis_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** Sliding-window counters of login attempts per client address (in memory, per process). */
const attempts = new Map<string, number[]>();

function rateLimited(client: string, s: AuthSettings): boolean {
  const now = Date.now();
  const recent = (attempts.get(client) ?? []).filter((t) => now - t < s.rateLimit.windowMs);
  recent.push(now);
  attempts.set(client, recent);
  if (attempts.size > 10_000) for (const [k, v] of attempts) if (now - v[v.length - 1]! > s.rateLimit.windowMs) attempts.delete(k);
  return recent.length > s.rateLimit.attempts;
}

export interface LoginResult {
  token: string;
  csrf: string;
  user: StoredUser;
}

const FAILED = 'Unknown user or wrong password.';

export async function login(db: AppDb, username: string, password: string, meta: { client: string; previousToken?: string }, s: AuthSettings = DEFAULT_AUTH): Promise<LoginResult> {
  if (rateLimited(meta.client, s)) {
    await audit(db, { actor: username.slice(0, 60) || '?', action: 'login', outcome: 'rate-limited', details: { client: meta.client } });
    throw new UserError('Too many login attempts from this address; wait a few minutes.', { httpStatus: 429 });
  }
  const user = /^[a-z][a-z0-9._-]{1,47}$/.test(username) ? await getUser(db, username) : undefined;
  if (!user || !user.active) {
    await verifyPassword(password, DUMMY_HASH); // the same time as for a real user
    await audit(db, { actor: username.slice(0, 60) || '?', action: 'login', outcome: 'failed', details: { client: meta.client, reason: user ? 'inactive' : 'unknown user' } });
    throw new UserError(FAILED, { httpStatus: 401 });
  }
  if (user.locked_until && new Date(user.locked_until).getTime() > Date.now()) {
    await audit(db, { actor: username, action: 'login', outcome: 'locked', details: { client: meta.client } });
    throw new UserError(`Too many failed logins for this account; try again after ${new Date(user.locked_until).toISOString().slice(11, 16)} UTC.`, { httpStatus: 401 });
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const failures = user.failed_logins + 1;
    const lock = failures >= s.maxFailures;
    await db
      .updateTable('app_user')
      .set({ failed_logins: lock ? 0 : failures, locked_until: lock ? new Date(Date.now() + s.lockMinutes * 60_000).toISOString() : null })
      .where('user_id', '=', user.user_id)
      .execute();
    await audit(db, { actor: username, action: 'login', outcome: lock ? 'failed-locked' : 'failed', details: { client: meta.client, failures } });
    throw new UserError(lock ? `Too many failed logins; the account is locked for ${s.lockMinutes} minutes.` : FAILED, { httpStatus: 401 });
  }
  const t = token();
  const csrf = token(24);
  // rotation: a login always starts a new session; the browser's previous one ends
  if (meta.previousToken) await db.deleteFrom('session').where('id_hash', '=', sha256(meta.previousToken)).execute();
  await sql`
    WITH reset AS (UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE user_id = ${user.user_id}),
    ins AS (INSERT INTO session (id_hash, user_id, csrf_token, expires_at)
            VALUES (${sha256(t)}, ${user.user_id}, ${csrf}, now() + make_interval(hours => ${s.lifetimeHours})) RETURNING 1)
    INSERT INTO audit_log (actor, action, target, outcome, details)
    SELECT ${username}, 'login', NULL, 'ok', ${JSON.stringify({ client: meta.client })}::jsonb FROM ins`.execute(db);
  return { token: t, csrf, user };
}

/**
 * A user changes their own password (required after a one-time password): the current one must
 * match, the new one must be acceptable and different. Other sessions of the user end; this one
 * stays. Nothing about the passwords goes into the audit log.
 */
export async function changePassword(db: AppDb, userId: string, current: string, next: string, keepTokenHash?: string): Promise<void> {
  const user = await getUserById(db, userId);
  if (!user || !user.active) throw new UserError('Please log in.', { httpStatus: 401 });
  if (!(await verifyPassword(current, user.password_hash))) {
    await audit(db, { actor: user.username, action: 'user.password_change', target: user.username, outcome: 'failed' });
    throw new UserError('The current password is wrong.', { httpStatus: 400 });
  }
  const weak = validatePassword(next);
  if (weak) throw new UserError(weak);
  if (next === current) throw new UserError('The new password must differ from the current one.');
  const hash = await hashPassword(next);
  await sql`
    WITH upd AS (UPDATE app_user SET password_hash = ${hash}, must_change_password = false, version = version + 1, updated_at = now()
                  WHERE user_id = ${userId} RETURNING user_id, username),
    ends AS (DELETE FROM session WHERE user_id IN (SELECT user_id FROM upd) AND id_hash IS DISTINCT FROM ${keepTokenHash ?? null}),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details) SELECT username, 'user.password_change', username, 'ok', '{}'::jsonb FROM upd)
    SELECT 1`.execute(db);
}

/** The stored form of a session token. */
export const tokenHash = (t: string) => sha256(t);

export interface Session {
  user: StoredUser;
  csrf: string;
}

/** The session of a cookie token: undefined when unknown, expired (idle or absolute) or the user is deactivated. */
export async function sessionFromToken(db: AppDb, t: string | undefined, s: AuthSettings = DEFAULT_AUTH): Promise<Session | undefined> {
  if (!t || t.length > 100) return undefined;
  const idHash = sha256(t);
  const row = await sql<{ user_id: string; csrf_token: string; idle: boolean; expired: boolean; touch: boolean }>`
    SELECT user_id, csrf_token,
           last_seen_at < now() - make_interval(mins => ${s.idleMinutes}) AS idle,
           expires_at < now() AS expired,
           last_seen_at < now() - interval '30 seconds' AS touch
      FROM session WHERE id_hash = ${idHash}`.execute(db);
  const r = row.rows[0];
  if (!r) return undefined;
  if (r.idle || r.expired) {
    await db.deleteFrom('session').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  const user = await getUserById(db, String(r.user_id));
  if (!user || !user.active) return undefined;
  if (r.touch) await db.updateTable('session').set({ last_seen_at: sql`now()` }).where('id_hash', '=', idHash).execute();
  return { user, csrf: r.csrf_token };
}

export async function logout(db: AppDb, t: string | undefined, actor: string): Promise<void> {
  if (!t) return;
  await db.deleteFrom('session').where('id_hash', '=', sha256(t)).execute();
  await audit(db, { actor, action: 'logout', outcome: 'ok' });
}

/** Compares a request's CSRF header with the session's token, in constant time. */
export function csrfValid(session: Session, header: string | null | undefined): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Ends all sessions of a user (deactivation, password reset, role change by an admin). */
export async function endSessions(db: AppDb, userId: string): Promise<void> {
  await db.deleteFrom('session').where('user_id', '=', userId).execute();
}
