/**
 * The rights of a user, built once per request from their roles: the CASL ability (dashboards,
 * reports, exports, admin) and the data access the query path applies (row conditions per domain
 * through the single CASL → SQL bridge, disclosure control, allowed metrics).
 */
import { randomUUID } from 'node:crypto';
import { getConfig } from '../platform/config';
import { UserError } from '../platform/errors';
import { processWide } from '../platform/process-wide';
import type { Domain } from '../warehouse/semantic/metrics';
import type { Access } from '../warehouse/semantic/types';
import { can, defineAbilityFor, type Ability } from './ability';
import { accessibleBy } from './accessible-by';
import type { AppDb } from './app-db';
import { DATA_SUBJECTS, type DataSubject } from './permissions';
import type { RoleDefinition } from './permissions';
import { getRoles, getUser, type StoredUser } from './store';

export interface Principal {
  user: Pick<StoredUser, 'user_id' | 'username' | 'display_name' | 'roles' | 'offices' | 'states' | 'must_change_password'>;
  ability: Ability;
  access: Access;
}

export function accessFrom(ability: Ability, suppressBelow: number): Access {
  const domains: Access['domains'] = {};
  const unsuppressed: Access['unsuppressed'] = {};
  for (const [subject, domain] of Object.entries(DATA_SUBJECTS) as Array<[DataSubject, Domain]>) {
    const rows = accessibleBy(ability, 'read', subject);
    if (rows) domains[domain] = rows;
    unsuppressed[domain] = ability.can('read_unsuppressed', subject);
  }
  return { domains, unsuppressed, suppressBelow, disclosure: getConfig().disclosure.method, metricAllowed: (name) => can(ability, 'use', 'Metric', { name }) };
}

/** The one way a Principal is made: a user (stored, previewed or the operator) and the definitions of their roles. */
export function buildPrincipal(user: Principal['user'], roles: readonly Pick<RoleDefinition, 'rules'>[], suppressBelow: number): Principal {
  const ability = defineAbilityFor(user, roles);
  return {
    user: { user_id: user.user_id, username: user.username, display_name: user.display_name, roles: user.roles, offices: user.offices, states: user.states, must_change_password: user.must_change_password },
    ability,
    access: accessFrom(ability, suppressBelow),
  };
}

export async function principalFor(db: AppDb, user: StoredUser, suppressBelow: number): Promise<Principal> {
  return buildPrincipal(user, await getRoles(db, user.roles), suppressBelow);
}

/**
 * The principal of a session. Building one (the roles' rules read, the CASL ability compiled) costs
 * more than the rest of a cached answer, and a manager asks many questions a minute with the same
 * rights: principals are kept by everything they are made of — the user's fields that rights
 * depend on and the versions of the user's roles, as read with the session in the same statement.
 * A changed user or role (an admin's edit, a restore, another process's change) is a different key,
 * so a kept principal can never be older than the row it was read with.
 */
const principals = processWide('access:principals', () => new Map<string, Principal>());
const PRINCIPALS_KEPT = 2000;

export async function principalForSession(db: AppDb, session: { user: StoredUser; roleVersions: string }, suppressBelow: number): Promise<Principal> {
  const u = session.user;
  const key = JSON.stringify([u.user_id, u.username, u.display_name, u.roles, u.offices, u.states, u.must_change_password, session.roleVersions, suppressBelow]);
  const kept = principals.get(key);
  if (kept) {
    // most recently used last
    principals.delete(key);
    principals.set(key, kept);
    return kept;
  }
  const p = await principalFor(db, u, suppressBelow);
  principals.set(key, p);
  if (principals.size > PRINCIPALS_KEPT) principals.delete(principals.keys().next().value!);
  return p;
}

// a name for each principal object: a changed user or role makes a new principal (above), so a new name
const principalNames = processWide('access:principal-names', () => new WeakMap<Principal, string>());

/**
 * The name of a principal for cache keys: the same for as long as the user's rights are the same,
 * a new one after any change to them. Key what depends on a user's rights by this, never by the
 * user name (which outlives a narrowed scope).
 */
export function principalName(p: Principal): string {
  let name = principalNames.get(p);
  if (!name) principalNames.set(p, (name = randomUUID()));
  return name;
}

/** For `--as USER` on the CLI: the same rights the web app applies to that user. */
export async function principalByName(db: AppDb, username: string, suppressBelow: number): Promise<Principal> {
  const user = await getUser(db, username);
  if (!user) throw new UserError(`There is no user "${username.slice(0, 60)}".`, { exitCode: 4 });
  if (!user.active) throw new UserError(`The user "${username}" is deactivated.`, { exitCode: 4 });
  return principalFor(db, user, suppressBelow);
}

/**
 * The operator on the command line without --as (`fis query`, `fis report`): whoever can read the
 * data directory can read the warehouse anyway, so the CLI answers unrestricted and unsuppressed —
 * and says so in the audit log. The only unrestricted principal.
 */
export function operatorPrincipal(username: string, suppressBelow: number): Principal {
  return buildPrincipal({ user_id: '0', username, display_name: username, roles: [], offices: [], states: [], must_change_password: false }, [{ rules: [{ action: 'manage', subject: 'all' }] }], suppressBelow);
}
