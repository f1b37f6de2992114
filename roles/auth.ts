/**
 * Authentication for local users (BSI IT-Grundschutz APP.3.1 in mind): scrypt hashes, server-side
 * sessions whose cookie holds a random token (only its SHA-256 is stored), rotation on every login,
 * an idle timeout and an absolute lifetime, lockout after repeated failures, rate limiting per
 * client address (both counted in the app-state database, so every web process sees the same
 * counts), and a CSRF token per session for state-changing requests. Logins go to the audit log;
 * refused ones summarised per address and minute.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { UserError } from '../platform/errors';
import type { AppDb } from './app-db';
import { DUMMY_HASH, hashPassword, validatePassword, verifyPassword } from './passwords';
import { metrics } from '../platform/metrics';
import { defineAbilityFor } from './ability';
import { audit, getRoles, getUserById, getUser, toUser, userColumns, type StoredUser } from './store';

export interface AuthSettings {
  idleMinutes: number;
  maxFailures: number;
  lockMinutes: number;
  lifetimeHours: number;
  /** login attempts per client address per window */
  rateLimit: { attempts: number; windowMs: number };
  /** who may use a local password (FIS_LOCAL_LOGIN); `provider` names the single sign-on in sentences */
  localLogin: 'all' | 'admins' | 'off';
  provider?: string;
}

export const DEFAULT_AUTH: AuthSettings = { idleMinutes: 30, maxFailures: 5, lockMinutes: 15, lifetimeHours: 12, rateLimit: { attempts: 30, windowMs: 5 * 60_000 }, localLogin: 'all' };

export const SESSION_COOKIE = 'fis_session';
export const CSRF_COOKIE = 'fis_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface LoginResult {
  token: string;
  csrf: string;
  user: StoredUser;
}

const FAILED = 'Unknown user or wrong password.';

/**
 * Reserves one attempt of `client` in the rate limit (fixed one-minute windows summed over the
 * limit's window, in the app-state database so that every web process counts the same); false when
 * the limit is reached. A successful login gives its attempt back (`releaseAttempt`).
 */
async function takeAttempt(db: AppDb, client: string, s: AuthSettings): Promise<boolean> {
  const minutes = Math.max(1, Math.ceil(s.rateLimit.windowMs / 60_000));
  const r = await sql<{ n: number }>`
    WITH up AS (
      INSERT INTO login_rate (client, minute, count) VALUES (${client}, date_trunc('minute', now()), 1)
      ON CONFLICT (client, minute) DO UPDATE SET count = login_rate.count + 1 RETURNING minute, count),
    old AS (DELETE FROM login_rate WHERE minute < now() - interval '1 day')
    SELECT (SELECT count FROM up) + coalesce((SELECT sum(count) FROM login_rate
             WHERE client = ${client} AND minute > date_trunc('minute', now()) - make_interval(mins => ${minutes}) AND minute < (SELECT minute FROM up)), 0) AS n`.execute(db);
  return Number(r.rows[0]?.n ?? 0) <= s.rateLimit.attempts;
}

async function releaseAttempt(db: AppDb, client: string): Promise<void> {
  await sql`UPDATE login_rate SET count = greatest(count - 1, 0) WHERE client = ${client} AND minute = date_trunc('minute', now())`.execute(db);
}

/**
 * A refused attempt in the audit log, summarised: the first of each client, account, action and
 * outcome in a minute is written at once (count 1); the rest of that minute are counted and
 * written as one row ("repeated", with the count) once the minute is over. So a flood of refused
 * attempts cannot grow the append-only log faster than a few rows a minute per address.
 */
export async function recordRefusal(db: AppDb, r: { client: string; account: string; action: string; outcome: string; reason?: string }): Promise<void> {
  const account = r.account.slice(0, 60) || '?';
  await sql`
    WITH up AS (
      INSERT INTO refusal_window (client, account, action, outcome, minute, count)
      VALUES (${r.client}, ${account}, ${r.action}, ${r.outcome}, date_trunc('minute', now()), 1)
      ON CONFLICT (client, account, action, outcome, minute) DO UPDATE SET count = refusal_window.count + 1 RETURNING count)
    INSERT INTO audit_log (actor, action, target, outcome, details)
    SELECT ${account}, ${r.action}, NULL, ${r.outcome}, jsonb_build_object('client', ${r.client}::text, 'reason', ${r.reason ?? null}::text, 'count', 1)
      FROM up WHERE count = 1`.execute(db);
  await flushRefusals(db);
}

/** Writes the summaries of the minutes that are over (one statement: nothing is counted twice or lost). */
export async function flushRefusals(db: AppDb): Promise<void> {
  await sql`
    WITH done AS (DELETE FROM refusal_window WHERE minute < date_trunc('minute', now()) RETURNING *)
    INSERT INTO audit_log (actor, action, target, outcome, details)
    SELECT account, action, NULL, outcome, jsonb_build_object('client', client, 'count', count - 1, 'repeated', true, 'minute', minute)
      FROM done WHERE count > 1 ORDER BY minute`.execute(db);
}

const isLocked = (u: StoredUser) => u.locked_until !== null && new Date(u.locked_until).getTime() > Date.now();

/**
 * Counts a wrong password against the account in one statement (parallel guesses count one each)
 * and locks it when the count reaches the limit. Whether it is locked now is returned.
 */
async function countFailure(db: AppDb, userId: string, s: AuthSettings): Promise<boolean> {
  const r = await sql<{ locked: boolean }>`
    UPDATE app_user
       SET failed_logins = CASE WHEN failed_logins + 1 >= ${s.maxFailures} THEN 0 ELSE failed_logins + 1 END,
           locked_until = CASE WHEN failed_logins + 1 >= ${s.maxFailures} THEN now() + make_interval(mins => ${s.lockMinutes}) ELSE locked_until END
     WHERE user_id = ${userId}
     RETURNING coalesce(locked_until > now(), false) AS locked`.execute(db);
  return r.rows[0]?.locked === true;
}

/**
 * A login. Unknown users, deactivated and locked accounts and wrong passwords get the same
 * sentence after the same work (scrypt), so accounts cannot be told apart from outside; the
 * lockout counts per account whatever the address, the rate limit per address whatever the account.
 */
export async function login(db: AppDb, username: string, password: string, meta: { client: string; previousToken?: string }, s: AuthSettings = DEFAULT_AUTH): Promise<LoginResult> {
  const refuse = async (outcome: string, reason: string, message = FAILED): Promise<never> => {
    await recordRefusal(db, { client: meta.client, account: username, action: 'login', outcome, reason });
    metrics().logins.inc({ outcome, method: 'password' });
    throw new UserError(message, { httpStatus: 401 });
  };
  if (s.localLogin === 'off') throw new UserError(`Local passwords are switched off; sign in with ${s.provider ?? 'single sign-on'}.`, { httpStatus: 403 });
  if (!(await takeAttempt(db, meta.client, s))) {
    // per address, whichever account was tried: one summary row however many accounts
    await recordRefusal(db, { client: meta.client, account: '*', action: 'login', outcome: 'rate-limited' });
    metrics().logins.inc({ outcome: 'rate-limited', method: 'password' });
    throw new UserError('Too many login attempts from this address; wait a few minutes.', { httpStatus: 429 });
  }
  const user = /^[a-z][a-z0-9._-]{1,47}$/.test(username) ? await getUser(db, username) : undefined;
  // users of the identity provider have no password here: guessing one must not lock them out
  if (!user || !user.active || isLocked(user) || user.oidc_subject) {
    await verifyPassword(password, DUMMY_HASH); // the same time as for a real user
    return refuse('failed', !user ? 'unknown user' : user.oidc_subject ? 'single sign-on user' : !user.active ? 'inactive' : 'locked');
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    const locked = await countFailure(db, user.user_id, s);
    return refuse(locked ? 'failed-locked' : 'failed', 'wrong password');
  }
  if (user.must_change_password && user.otp_expires_at && new Date(user.otp_expires_at).getTime() <= Date.now()) {
    // the password was right: telling that it expired gives nothing away
    return refuse('failed', 'one-time password expired', 'Your one-time password has expired; ask an administrator for a new one.');
  }
  if (s.localLogin === 'admins' && !(await administers(db, user))) {
    // the password was right: saying where to sign in instead gives nothing away
    return refuse('failed', 'local login for administrators only', `Sign in with ${s.provider ?? 'single sign-on'}; local passwords are for administrators only.`);
  }
  const started = await startSession(db, user, { ...meta, method: 'password' }, s);
  if (!started) return refuse('failed', 'locked');
  await releaseAttempt(db, meta.client);
  return started;
}

/** Whether a user holds an administrative right (the break-glass accounts of FIS_LOCAL_LOGIN=admins). */
async function administers(db: AppDb, user: StoredUser): Promise<boolean> {
  const ability = defineAbilityFor(user, await getRoles(db, user.roles));
  return ['Role', 'User'].some((subject) => ability.can('manage', subject));
}

/**
 * A new session for a user whose identity is established (password or identity provider): the
 * browser's previous session ends (rotation); the failure count is reset — only if the account is
 * not locked (a guess that locked it meanwhile wins). Undefined when it was locked.
 */
export async function startSession(
  db: AppDb,
  user: StoredUser,
  meta: { client: string; previousToken?: string; method: 'password' | 'oidc'; idToken?: string },
  s: AuthSettings = DEFAULT_AUTH,
): Promise<LoginResult | undefined> {
  const t = token();
  const csrf = token(24);
  if (meta.previousToken) await db.deleteFrom('session').where('id_hash', '=', sha256(meta.previousToken)).execute();
  const r = await sql<{ n: number }>`
    WITH reset AS (UPDATE app_user SET failed_logins = 0, locked_until = NULL
                    WHERE user_id = ${user.user_id} AND active AND (locked_until IS NULL OR locked_until <= now()) RETURNING user_id),
    ins AS (INSERT INTO session (id_hash, user_id, csrf_token, expires_at, id_token)
            SELECT ${sha256(t)}, user_id, ${csrf}, now() + make_interval(hours => ${s.lifetimeHours}), ${meta.idToken ?? null} FROM reset RETURNING 1),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
            SELECT ${user.username}, 'login', NULL, 'ok', ${JSON.stringify({ client: meta.client, method: meta.method })}::jsonb FROM ins)
    SELECT count(*) AS n FROM ins`.execute(db);
  if (Number(r.rows[0]?.n ?? 0) === 0) return undefined;
  metrics().logins.inc({ outcome: 'ok', method: meta.method });
  return { token: t, csrf, user };
}

/**
 * A session the server opens for itself to render a user's pages as they would get them (the
 * warm-up after a publication, dashboards/server/warmup.ts): not a login — nothing is reset or
 * audited, the token never leaves the process, and it lives minutes. Only for an active user
 * without a one-time password; undefined otherwise. End it with endServiceSession.
 */
export async function startServiceSession(db: AppDb, user: StoredUser, minutes = 5): Promise<string | undefined> {
  const t = token();
  const r = await sql<{ n: number }>`
    INSERT INTO session (id_hash, user_id, csrf_token, expires_at)
    SELECT ${sha256(t)}, user_id, ${token(24)}, now() + make_interval(mins => ${minutes}) FROM app_user
     WHERE user_id = ${user.user_id} AND active AND NOT must_change_password RETURNING 1`.execute(db);
  return r.rows.length ? t : undefined;
}

export async function endServiceSession(db: AppDb, t: string): Promise<void> {
  await db.deleteFrom('session').where('id_hash', '=', sha256(t)).execute();
}

/**
 * A user changes their own password (required after a one-time password): the current one must
 * match, the new one must be acceptable and different. Wrong current passwords count like failed
 * logins (rate limit per address, lockout of the account). Other sessions of the user end; this
 * one stays. Nothing about the passwords goes into the audit log.
 */
export async function changePassword(
  db: AppDb,
  userId: string,
  current: string,
  next: string,
  meta: { client: string; keepTokenHash?: string },
  s: AuthSettings = DEFAULT_AUTH,
): Promise<void> {
  const user = await getUserById(db, userId);
  if (!user || !user.active) throw new UserError('Please log in.', { httpStatus: 401 });
  if (!(await takeAttempt(db, meta.client, s))) {
    await recordRefusal(db, { client: meta.client, account: '*', action: 'user.password_change', outcome: 'rate-limited' });
    throw new UserError('Too many attempts from this address; wait a few minutes.', { httpStatus: 429 });
  }
  if (isLocked(user)) {
    await recordRefusal(db, { client: meta.client, account: user.username, action: 'user.password_change', outcome: 'failed', reason: 'locked' });
    throw new UserError('Too many wrong passwords for this account; try again later.', { httpStatus: 429 });
  }
  if (!(await verifyPassword(current, user.password_hash))) {
    const locked = await countFailure(db, user.user_id, s);
    await recordRefusal(db, { client: meta.client, account: user.username, action: 'user.password_change', outcome: locked ? 'failed-locked' : 'failed', reason: 'wrong password' });
    throw new UserError('The current password is wrong.', { httpStatus: 400 });
  }
  await releaseAttempt(db, meta.client);
  const weak = validatePassword(next);
  if (weak) throw new UserError(weak);
  if (next === current) throw new UserError('The new password must differ from the current one.');
  const hash = await hashPassword(next);
  await sql`
    WITH upd AS (UPDATE app_user SET password_hash = ${hash}, must_change_password = false, otp_expires_at = NULL, failed_logins = 0,
                        version = version + 1, updated_at = now()
                  WHERE user_id = ${userId} RETURNING user_id, username),
    ends AS (DELETE FROM session WHERE user_id IN (SELECT user_id FROM upd) AND id_hash IS DISTINCT FROM ${meta.keepTokenHash ?? null}),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details) SELECT username, 'user.password_change', username, 'ok', '{}'::jsonb FROM upd)
    SELECT 1`.execute(db);
}

/** The stored form of a session token. */
export const tokenHash = (t: string) => sha256(t);

export interface Session {
  user: StoredUser;
  csrf: string;
  /** The user's roles with their versions ("name:version,…"): what a principal built from them depends on besides the user row. */
  roleVersions: string;
}

const sessionUserColumns = sql.raw(userColumns.map((c) => `u.${c}`).join(', '));

/**
 * The session of a cookie token: undefined when unknown, expired (idle or absolute) or the user is
 * deactivated. One statement reads the session, its user and the versions of the user's roles (a
 * request pays one round trip to the app-state database, not three).
 */
export async function sessionFromToken(db: AppDb, t: string | undefined, s: AuthSettings = DEFAULT_AUTH): Promise<Session | undefined> {
  if (!t || t.length > 100) return undefined;
  const idHash = sha256(t);
  const row = await sql<Record<string, unknown> & { csrf_token: string; idle: boolean; expired: boolean; touch: boolean; role_versions: string }>`
    SELECT ${sessionUserColumns}, s.csrf_token,
           s.last_seen_at < now() - make_interval(mins => ${s.idleMinutes}) AS idle,
           s.expires_at < now() AS expired,
           s.last_seen_at < now() - interval '30 seconds' AS touch,
           (SELECT coalesce(string_agg(r.name || ':' || r.version, ',' ORDER BY r.name), '') FROM role r WHERE r.name = ANY (u.roles)) AS role_versions
      FROM session s JOIN app_user u ON u.user_id = s.user_id
     WHERE s.id_hash = ${idHash}`.execute(db);
  const r = row.rows[0];
  if (!r) return undefined;
  if (r.idle || r.expired) {
    await db.deleteFrom('session').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  const user = toUser(Object.fromEntries(userColumns.map((c) => [c, r[c]])));
  if (!user.active) return undefined;
  if (r.touch) await db.updateTable('session').set({ last_seen_at: sql`now()` }).where('id_hash', '=', idHash).execute();
  return { user, csrf: r.csrf_token, roleVersions: r.role_versions };
}

/** Ends a session; answers the ID token of a single sign-on session (for the provider's logout). */
export async function logout(db: AppDb, t: string | undefined, actor: string): Promise<{ idToken: string | null }> {
  if (!t) return { idToken: null };
  const r = await db.deleteFrom('session').where('id_hash', '=', sha256(t)).returning('id_token').executeTakeFirst();
  await audit(db, { actor, action: 'logout', outcome: 'ok' });
  return { idToken: r?.id_token ?? null };
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
