// GET /api/admin/groups/<group> — mapping, history, preview; PUT {change, version}; DELETE ?version=N.
import { z } from 'zod';
import { UserError } from '@/platform/errors';
import { requireAdmin } from '@/dashboards/server/admin';
import { groupDetail } from '@/dashboards/server/groups';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { deleteGroupMapping, setGroupMapping } from '@/roles/group-mappings';

export const dynamic = 'force-dynamic';

const body = z.object({ change: z.record(z.string(), z.unknown()), version: z.number().int().positive() }).strict();

export const GET = route<{ name: string }>(async ({ principal }, { name }) => {
  requireAdmin(principal!, 'users');
  const d = await groupDetail(decodeURIComponent(name));
  if (!d.mapping && !d.history.length) throw new UserError(`The group "${decodeURIComponent(name).slice(0, 60)}" has no mapping.`, { httpStatus: 404 });
  return json(d);
});

export const PUT = route<{ name: string }>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'users');
  const b = await jsonBody(req, body, '{"change": {"roles", "offices", "states"}, "version": <the version you edited>}');
  return json(await setGroupMapping(await appDb(), decodeURIComponent(name), b.change, b.version, principal!.user.username));
});

export const DELETE = route<{ name: string }>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'users');
  const version = Number(req.nextUrl.searchParams.get('version'));
  if (!Number.isInteger(version) || version < 1) throw new UserError('Say which version you delete: ?version=N.');
  await deleteGroupMapping(await appDb(), decodeURIComponent(name), version, principal!.user.username);
  return json({ deleted: true });
});
