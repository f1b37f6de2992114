/**
 * Single sign-on: which groups of the identity provider give which FIS roles and scope. Mappings
 * are data in the app-state database, versioned with their history like roles, changed with
 * optimistic concurrency, and every change is one statement with its audit entry. A user's rights
 * are the union of the mappings of their groups, refreshed at every login; a user with no mapped
 * group gets nothing. Nobody changes the mapping of a group they belong to (separation of duties).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { UserError } from '../platform/errors';
import type { AppDb } from './app-db';
import { listRoles } from './store';

export interface GroupMapping {
  group_name: string;
  roles: string[];
  offices: string[];
  states: string[];
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface GroupMappingVersion extends Omit<GroupMapping, 'updated_at' | 'updated_by'> {
  deleted: boolean;
  changed_at: string;
  changed_by: string;
}

const GROUP = /^[\p{L}\p{N} _.:/@=,\\-]{1,200}$/u;

const MappingInput = z
  .object({
    roles: z.array(z.string()).min(1, 'name at least one role').max(20),
    offices: z.array(z.string().regex(/^[A-Z0-9]{2,8}$/, 'an office is its code, e.g. MUC')).max(200).default([]),
    states: z.array(z.string().regex(/^(0[1-9]|1[0-6])$/, 'a state is its two-digit key, 01 to 16')).max(16).default([]),
  })
  .strict();

function checkGroup(name: string): void {
  if (!GROUP.test(name)) throw new UserError(`"${name.slice(0, 60)}" is not a group name (1–200 letters, digits, spaces and _ . : / @ = , \\ -).`);
}

const toMapping = (r: Record<string, unknown>): GroupMapping => ({ ...(r as unknown as GroupMapping), version: Number(r.version), updated_at: new Date(String(r.updated_at)).toISOString() });

export async function listGroupMappings(db: AppDb): Promise<GroupMapping[]> {
  return (await db.selectFrom('group_mapping').selectAll().orderBy('group_name').execute()).map(toMapping);
}

export async function getGroupMapping(db: AppDb, name: string): Promise<GroupMapping | undefined> {
  const r = await db.selectFrom('group_mapping').selectAll().where('group_name', '=', name).executeTakeFirst();
  return r ? toMapping(r) : undefined;
}

export async function groupMappingHistory(db: AppDb, name: string): Promise<GroupMappingVersion[]> {
  return (await db.selectFrom('group_mapping_version').selectAll().where('group_name', '=', name).orderBy('version', 'desc').execute()).map((r) => ({
    ...r,
    version: Number(r.version),
    changed_at: new Date(r.changed_at).toISOString(),
  }));
}

/** Separation of duties: an administrator who signs in through a group does not change what that group gives. */
async function refuseOwnGroup(db: AppDb, name: string, actor: string): Promise<void> {
  const me = await db.selectFrom('app_user').select('oidc_groups').where('username', '=', actor).executeTakeFirst();
  if (me?.oidc_groups.includes(name)) throw new UserError(`You belong to the group "${name}" yourself; another administrator changes its mapping.`, { httpStatus: 403 });
}

/**
 * Creates (`expectedVersion` null) or changes a mapping at the version it was read; the new version,
 * its history row and the audit entry in one statement.
 */
export async function setGroupMapping(db: AppDb, name: string, input: unknown, expectedVersion: number | null, actor: string): Promise<GroupMapping> {
  checkGroup(name);
  const parsed = MappingInput.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UserError(`Invalid group mapping: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}.`);
  }
  const m = parsed.data;
  const known = new Set((await listRoles(db)).map((r) => r.name));
  const unknown = m.roles.filter((r) => !known.has(r));
  if (unknown.length) throw new UserError(`There is no role ${unknown.map((r) => `"${r.slice(0, 40)}"`).join(', ')}; the roles are ${[...known].join(', ')}.`);
  await refuseOwnGroup(db, name, actor);
  const r =
    expectedVersion === null
      ? await sql<{ version: number }>`
          WITH ins AS (
            INSERT INTO group_mapping (group_name, roles, offices, states, version, updated_by)
            VALUES (${name}, ${m.roles}::text[], ${m.offices}::text[], ${m.states}::text[],
                    (SELECT coalesce(max(version), 0) + 1 FROM group_mapping_version WHERE group_name = ${name}), ${actor})
            ON CONFLICT (group_name) DO NOTHING RETURNING *),
          hist AS (INSERT INTO group_mapping_version (group_name, version, roles, offices, states, changed_by)
                   SELECT group_name, version, roles, offices, states, updated_by FROM ins),
          aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
                  SELECT ${actor}, 'group.create', group_name, 'ok', jsonb_build_object('version', version, 'roles', roles, 'offices', offices, 'states', states) FROM ins)
          SELECT version FROM ins`.execute(db)
      : await sql<{ version: number }>`
          WITH upd AS (
            UPDATE group_mapping SET roles = ${m.roles}::text[], offices = ${m.offices}::text[], states = ${m.states}::text[],
                   version = version + 1, updated_at = now(), updated_by = ${actor}
             WHERE group_name = ${name} AND version = ${expectedVersion} RETURNING *),
          hist AS (INSERT INTO group_mapping_version (group_name, version, roles, offices, states, changed_by)
                   SELECT group_name, version, roles, offices, states, updated_by FROM upd),
          aud AS (INSERT INTO audit_log (actor, action, target, outcome, details)
                  SELECT ${actor}, 'group.update', group_name, 'ok', jsonb_build_object('version', version, 'roles', roles, 'offices', offices, 'states', states) FROM upd)
          SELECT version FROM upd`.execute(db);
  if (!r.rows.length) {
    const current = await getGroupMapping(db, name);
    if (expectedVersion === null) throw new UserError(`The group "${name}" is mapped already; change its mapping instead.`, { httpStatus: 409 });
    if (!current) throw new UserError(`The group "${name}" has no mapping.`, { httpStatus: 404 });
    throw new UserError(`The mapping of "${name}" was changed by ${current.updated_by} in the meantime (now version ${current.version}); reload it and apply your change again.`, { httpStatus: 409 });
  }
  return (await getGroupMapping(db, name))!;
}

/** Removes a mapping (its members lose what it gave at their next login); the history keeps a deletion row. */
export async function deleteGroupMapping(db: AppDb, name: string, expectedVersion: number, actor: string): Promise<void> {
  await refuseOwnGroup(db, name, actor);
  const r = await sql<{ group_name: string }>`
    WITH del AS (DELETE FROM group_mapping WHERE group_name = ${name} AND version = ${expectedVersion} RETURNING *),
    hist AS (INSERT INTO group_mapping_version (group_name, version, roles, offices, states, changed_by, deleted)
             SELECT group_name, version + 1, roles, offices, states, ${actor}, true FROM del),
    aud AS (INSERT INTO audit_log (actor, action, target, outcome, details) SELECT ${actor}, 'group.delete', group_name, 'ok', jsonb_build_object('version', version) FROM del)
    SELECT group_name FROM del`.execute(db);
  if (!r.rows.length) throw new UserError(`The group "${name.slice(0, 60)}" has no mapping at version ${expectedVersion} (deleted or changed meanwhile).`, { httpStatus: 409 });
}

/** What a member of `groups` gets: the union of their groups' mappings, or undefined when none is mapped. */
export async function rightsOfGroups(db: AppDb, groups: readonly string[]): Promise<{ roles: string[]; offices: string[]; states: string[]; mapped: string[] } | undefined> {
  if (!groups.length) return undefined;
  const rows = await db.selectFrom('group_mapping').selectAll().where('group_name', 'in', [...groups]).execute();
  if (!rows.length) return undefined;
  const union = (k: 'roles' | 'offices' | 'states') => [...new Set(rows.flatMap((r) => r[k]))].sort();
  return { roles: union('roles'), offices: union('offices'), states: union('states'), mapped: rows.map((r) => r.group_name).sort() };
}
