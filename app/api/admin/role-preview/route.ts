// POST /api/admin/role-preview {definition, scope} — what a user with this unsaved role would see (no figures).
import { z } from 'zod';
import { previewRole, requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

const codes = z.array(z.string().max(16)).max(500);
const body = z.object({ definition: z.record(z.string(), z.unknown()), scope: z.object({ username: z.string().max(48).optional(), offices: codes.optional(), states: codes.optional() }).strict().default({}) }).strict();

export const POST = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'roles');
  const b = await jsonBody(req, body, '{"definition": {…}, "scope": {"offices": […], "states": […]}}');
  return json(await previewRole(services().reader, b.definition, b.scope));
});
