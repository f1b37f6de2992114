// PATCH /api/admin/users/<username> {change, version} — name, roles, scope, active; refused when changed since `version`.
import { z } from 'zod';
import { publicUser, requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { updateUser } from '@/roles/users';

export const dynamic = 'force-dynamic';

const body = z.object({ change: z.record(z.string(), z.unknown()), version: z.number().int().positive() }).strict();

export const PATCH = route<{ username: string }>(async ({ req, principal }, { username }) => {
  requireAdmin(principal!, 'users');
  const b = await jsonBody(req, body, '{"change": {…}, "version": <the version you edited>}');
  return json(publicUser(await updateUser(await appDb(), username, b.change, principal!.user.username, b.version)));
});
