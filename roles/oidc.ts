/**
 * Single sign-on with OpenID Connect (authorization code flow with PKCE, openid-client). The
 * identity provider says who someone is and which groups they belong to; the group mappings of the
 * app-state database (group-mappings.ts) say what that gives in FIS. Users are provisioned at their
 * first login and their roles and scope refreshed at every login; a user none of whose groups is
 * mapped is refused. The state of a login in progress (state, nonce, PKCE verifier) is kept in the
 * app-state database, so that any web process can finish a login another one began, and bound to
 * the browser by a cookie holding the state.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { sql } from 'kysely';
import { UserError, oneLine } from '../platform/errors';
import { createLogger } from '../platform/logger';
import { metrics } from '../platform/metrics';
import { processWide } from '../platform/process-wide';
import type { AppDb } from './app-db';
import { DEFAULT_AUTH, recordRefusal, startSession, type AuthSettings, type LoginResult } from './auth';
import { rightsOfGroups } from './group-mappings';
import { getUser, type StoredUser } from './store';

const log = createLogger('oidc');

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
  groupsClaim: string;
  name: string;
}

/** How long a login may take between leaving for the provider and coming back. */
const LOGIN_MINUTES = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const configs = processWide('oidc:configs', () => new Map<string, Promise<oidc.Configuration>>());

/** Plain http is accepted only for a provider on this machine (tests, development). */
const loopback = (u: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

/** The provider's configuration (discovery), fetched once per process and kept; a failure is retried next time. */
export function providerConfig(s: OidcSettings): Promise<oidc.Configuration> {
  const key = `${s.issuer}|${s.clientId}`;
  let c = configs.get(key);
  if (!c) {
    const issuer = new URL(s.issuer);
    // the ID token's signature is checked too, not only the channel it came through (enableNonRepudiationChecks)
    c = oidc.discovery(issuer, s.clientId, s.clientSecret, s.clientSecret ? oidc.ClientSecretPost(s.clientSecret) : oidc.None(), {
      execute: [...(loopback(issuer) ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
    });
    c.catch(() => configs.delete(key));
    configs.set(key, c);
  }
  return c.catch((e: unknown) => {
    throw new UserError(`The identity provider at ${s.issuer} cannot be reached: ${oneLine(e)}.`, { httpStatus: 503, cause: e });
  });
}

/** Starts a login: the URL to send the browser to, and the state to bind it to the browser with. */
export async function beginOidcLogin(db: AppDb, s: OidcSettings, redirectUri: string, next: string): Promise<{ url: string; state: string }> {
  const config = await providerConfig(s);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  await sql`
    WITH old AS (DELETE FROM oidc_login WHERE created_at < now() - make_interval(mins => ${LOGIN_MINUTES}))
    INSERT INTO oidc_login (state_hash, verifier, nonce, next) VALUES (${sha256(state)}, ${verifier}, ${nonce}, ${next})`.execute(db);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: s.scopes,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, state };
}

/** Why a login through the provider was refused: one sentence for the login page, by code. */
export type OidcFailure = 'state' | 'provider' | 'token' | 'unmapped' | 'inactive' | 'conflict';

export class OidcLoginError extends UserError {
  constructor(
    readonly code: OidcFailure,
    message: string,
  ) {
    super(message, { httpStatus: code === 'unmapped' || code === 'inactive' || code === 'conflict' ? 403 : 401 });
  }
}

const USERNAME = /^[a-z][a-z0-9._-]{1,47}$/;

/** A FIS username from the provider's claims: the preferred username or the e-mail's local part, made valid. */
export function usernameFrom(claims: Record<string, unknown>): string {
  const raw = String(claims.preferred_username ?? (typeof claims.email === 'string' ? claims.email.split('@')[0] : '') ?? '');
  let u = raw.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 48);
  if (!USERNAME.test(u)) u = `sso-${sha256(String(claims.sub)).slice(0, 12)}`;
  return u;
}

function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const v = claims[claim];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,]+/) : [];
  // Keycloak's group paths start with a slash: "/fis-regional" and "fis-regional" are the same group here
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 200).map((x) => x.replace(/^\//, '')))];
}

/**
 * Finishes a login coming back from the provider at `currentUrl`: checks the state against the
 * browser's, redeems the code (PKCE), validates the ID token (signature, issuer, audience, expiry,
 * nonce), maps the groups, provisions or refreshes the user, starts the session.
 */
export async function completeOidcLogin(
  db: AppDb,
  s: OidcSettings,
  currentUrl: URL,
  meta: { client: string; browserState?: string; previousToken?: string },
  auth: AuthSettings = DEFAULT_AUTH,
): Promise<LoginResult & { next: string }> {
  const refuse = async (code: OidcFailure, message: string, account = '?', reason: string = code): Promise<never> => {
    await recordRefusal(db, { client: meta.client, account, action: 'login', outcome: 'failed', reason: `single sign-on: ${reason}` });
    metrics().logins.inc({ outcome: 'failed', method: 'oidc' });
    throw new OidcLoginError(code, message);
  };
  const state = currentUrl.searchParams.get('state') ?? '';
  if (currentUrl.searchParams.get('error')) return refuse('provider', `The identity provider refused the sign-in: ${currentUrl.searchParams.get('error_description') ?? currentUrl.searchParams.get('error')}.`.slice(0, 300));
  if (!state || !meta.browserState || state !== meta.browserState) return refuse('state', 'The sign-in could not be matched to this browser; please start it again.', '?', 'state does not match');
  const row = (
    await sql<{ verifier: string; nonce: string; next: string }>`
      DELETE FROM oidc_login WHERE state_hash = ${sha256(state)} AND created_at > now() - make_interval(mins => ${LOGIN_MINUTES}) RETURNING verifier, nonce, next`.execute(db)
  ).rows[0];
  if (!row) return refuse('state', 'The sign-in has expired or was used already; please start it again.', '?', 'unknown or used state');
  const config = await providerConfig(s);
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, { pkceCodeVerifier: row.verifier, expectedState: state, expectedNonce: row.nonce, idTokenExpected: true });
  } catch (e) {
    log.warn(`single sign-on refused: ${oneLine(e)}`);
    return refuse('token', 'The identity provider’s answer could not be verified; the sign-in was refused.', '?', oneLine(e).slice(0, 200));
  }
  const claims = tokens.claims() as Record<string, unknown> | undefined;
  if (!claims?.sub) return refuse('token', 'The identity provider’s answer has no subject; the sign-in was refused.');
  const subject = `${s.issuer}|${String(claims.sub)}`;
  const groups = groupsOf(claims, s.groupsClaim);
  const username = usernameFrom(claims);
  const rights = await rightsOfGroups(db, groups);
  if (!rights) return refuse('unmapped', `Your account has no role in FIS: none of your groups${groups.length ? ` (${groups.slice(0, 10).join(', ')})` : ''} is mapped; ask an administrator.`, username, 'no mapped group');
  const user = await provision(db, { subject, username, name: String(claims.name ?? username).slice(0, 120), groups, ...rights });
  if (user === 'conflict') return refuse('conflict', `A local account named "${username}" exists; an administrator must rename it before you can sign in.`, username, 'local account of that name');
  if (!user.active) return refuse('inactive', 'Your FIS account is deactivated; ask an administrator.', username, 'inactive');
  const started = await startSession(db, user, { client: meta.client, previousToken: meta.previousToken, method: 'oidc', idToken: tokens.id_token }, auth);
  if (!started) return refuse('inactive', 'Your FIS account is locked or deactivated; ask an administrator.', username, 'locked');
  return { ...started, next: row.next };
}

/** Creates the user of a subject, or refreshes name, roles, scope and groups — in one statement with its audit entry. */
async function provision(db: AppDb, p: { subject: string; username: string; name: string; groups: string[]; roles: string[]; offices: string[]; states: string[] }): Promise<StoredUser | 'conflict'> {
  const existing = await db.selectFrom('app_user').select(['username', 'oidc_subject']).where((eb) => eb.or([eb('oidc_subject', '=', p.subject), eb('username', '=', p.username)])).execute();
  const mine = existing.find((u) => u.oidc_subject === p.subject);
  if (!mine && existing.length) return 'conflict';
  const r = mine
    ? await sql<{ username: string }>`
        WITH upd AS (
          UPDATE app_user SET display_name = ${p.name}, roles = ${p.roles}::text[], offices = ${p.offices}::text[], states = ${p.states}::text[],
                 oidc_groups = ${p.groups}::text[], version = version + 1, updated_at = now()
           WHERE oidc_subject = ${p.subject} RETURNING username, roles, offices, states),
        aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
                SELECT 'sso', 'user.update', username, 'ok', jsonb_build_object('roles', roles, 'offices', offices, 'states', states, 'groups', ${p.groups}::text[], 'via', 'oidc') FROM upd)
        SELECT username FROM upd`.execute(db)
    : await sql<{ username: string }>`
        WITH ins AS (
          INSERT INTO app_user (username, display_name, password_hash, roles, offices, states, oidc_subject, oidc_groups)
          VALUES (${p.username}, ${p.name}, 'oidc', ${p.roles}::text[], ${p.offices}::text[], ${p.states}::text[], ${p.subject}, ${p.groups}::text[])
          ON CONFLICT DO NOTHING RETURNING username, roles, offices, states),
        aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
                SELECT 'sso', 'user.create', username, 'ok', jsonb_build_object('roles', roles, 'offices', offices, 'states', states, 'groups', ${p.groups}::text[], 'via', 'oidc') FROM ins)
        SELECT username FROM ins`.execute(db);
  const name = r.rows[0]?.username;
  if (!name) return 'conflict';
  return (await getUser(db, name))!;
}

/** Where to send the browser to end the provider's session too (RP-initiated logout), if it offers that. */
export async function endSessionUrl(s: OidcSettings, idToken: string | null | undefined, postLogoutRedirect: string): Promise<string | undefined> {
  if (!idToken) return undefined;
  const config = await providerConfig(s).catch(() => undefined);
  if (!config?.serverMetadata().end_session_endpoint) return undefined;
  return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirect }).href;
}
