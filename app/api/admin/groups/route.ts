// GET /api/admin/groups — the group mappings of single sign-on; POST {group, roles, offices, states} — map a group (201).
import { z } from 'zod';
import { requireAdmin } from '@/dashboards/server/admin';
import { groupsOverview } from '@/dashboards/server/groups';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { setGroupMapping } from '@/roles/group-mappings';

export const dynamic = 'force-dynamic';

const body = z.object({ group: z.string().max(200), roles: z.array(z.string()), offices: z.array(z.string()).optional(), states: z.array(z.string()).optional() }).strict();

export const GET = route(async ({ principal }) => {
  requireAdmin(principal!, 'users');
  return json(await groupsOverview());
});

export const POST = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'users');
  const { group, ...mapping } = await jsonBody(req, body, '{"group", "roles", "offices", "states"}');
  return json(await setGroupMapping(await appDb(), group, mapping, null, principal!.user.username), 201);
});
