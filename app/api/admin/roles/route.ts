// GET /api/admin/roles — the role definitions; POST — create one (the definition as JSON).
import { z } from 'zod';
import { requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { createRole, listRoles } from '@/roles/store';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ principal }) => {
  requireAdmin(principal!, 'roles');
  return json(await listRoles(await appDb()));
});

export const POST = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'roles');
  const def = await jsonBody(req, z.record(z.string(), z.unknown()), 'a role definition {"name", "label_de", "label_en", "description", "rules"}');
  return json(await createRole(await appDb(), def, principal!.user.username), 201);
});
