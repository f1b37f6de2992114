/**
 * The administration of single sign-on's group mappings: list, one with its history, and a preview
 * of what a member of the group would get (dashboards, reports, exports, scope — no figures).
 */
import 'server-only';
import { buildPrincipal } from '../../roles/access';
import { getGroupMapping, groupMappingHistory, listGroupMappings, type GroupMapping, type GroupMappingVersion } from '../../roles/group-mappings';
import { getRoles } from '../../roles/store';
import { describeRights } from '../rights';
import { appDb, services } from './services';

export interface GroupPreview {
  rights: ReturnType<typeof describeRights>;
  offices: string[];
  states: string[];
}

/** What a member of a group with this mapping alone would get (at their next login). */
export async function previewGroup(m: Pick<GroupMapping, 'roles' | 'offices' | 'states'>): Promise<GroupPreview> {
  const roles = await getRoles(await appDb(), m.roles);
  const p = buildPrincipal({ user_id: '0', username: 'preview', display_name: 'preview', roles: m.roles, offices: m.offices, states: m.states, must_change_password: false }, roles, services().config.suppressionMin);
  return { rights: describeRights(p), offices: m.offices, states: m.states };
}

export async function groupsOverview(): Promise<GroupMapping[]> {
  return listGroupMappings(await appDb());
}

export async function groupDetail(name: string): Promise<{ mapping: GroupMapping | null; history: GroupMappingVersion[]; preview: GroupPreview | null }> {
  const db = await appDb();
  const mapping = (await getGroupMapping(db, name)) ?? null;
  return { mapping, history: await groupMappingHistory(db, name), preview: mapping ? await previewGroup(mapping) : null };
}
