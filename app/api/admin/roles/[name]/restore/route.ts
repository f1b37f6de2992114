// POST /api/admin/roles/<name>/restore {version, expectedVersion} — an older version becomes the newest.
import { z } from 'zod';
import { requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { restoreRole } from '@/roles/store';

export const dynamic = 'force-dynamic';

const body = z.object({ version: z.number().int().positive(), expectedVersion: z.number().int().positive().nullable() }).strict();

export const POST = route<{ name: string }>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  const b = await jsonBody(req, body, '{"version": <to restore>, "expectedVersion": <the current version, or null for a deleted role>}');
  return json(await restoreRole(await appDb(), name, b.version, b.expectedVersion, principal!.user.username));
});
