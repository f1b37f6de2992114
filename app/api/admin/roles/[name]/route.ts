// GET /api/admin/roles/<name> — a role with its history; PUT {definition, version} — change it
// (refused when someone else changed it since `version`); DELETE ?version=N — delete it.
import { z } from 'zod';
import { requireAdmin } from '@/dashboards/server/admin';
import { errorResponse, json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { deleteRole, getRole, roleHistory, updateRole } from '@/roles/store';

export const dynamic = 'force-dynamic';

type P = { name: string };

export const GET = route<P>(async ({ principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  const db = await appDb();
  const [role, history] = await Promise.all([getRole(db, name), roleHistory(db, name)]);
  if (!role && !history.length) return errorResponse(404, `There is no role "${name.slice(0, 60)}".`);
  return json({ role: role ?? null, history });
});

const change = z.object({ definition: z.record(z.string(), z.unknown()), version: z.number().int().positive() }).strict();

export const PUT = route<P>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  const b = await jsonBody(req, change, '{"definition": {…}, "version": <the version you edited>}');
  return json(await updateRole(await appDb(), name, b.definition, b.version, principal!.user.username));
});

export const DELETE = route<P>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  const version = Number(req.nextUrl.searchParams.get('version'));
  if (!Number.isInteger(version) || version < 1) return errorResponse(400, 'Name the version you mean to delete: ?version=N.');
  await deleteRole(await appDb(), name, version, principal!.user.username);
  return json({ deleted: name });
});
