// GET /api/admin/roles/<name>/start — the start page a role's new users begin with (panels, no figures); PUT {"items": [{"slug", "panel", "tile", "query"}]} — set it.
import { z } from 'zod';
import { requireAdmin } from '@/dashboards/server/admin';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { MAX_PINS, pinInputSchema, roleStartPage, setRoleStartPage } from '@/dashboards/my/start-page';

export const dynamic = 'force-dynamic';

export const GET = route<{ name: string }>(async ({ principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  return json({ role: name, items: await roleStartPage(await appDb(), name) });
});

const body = z.object({ items: z.array(pinInputSchema).max(MAX_PINS) }).strict();

export const PUT = route<{ name: string }>(async ({ req, principal }, { name }) => {
  requireAdmin(principal!, 'roles');
  const b = await jsonBody(req, body, '{"items": [{"slug": "<dashboard>", "panel": "<panel>"}, …]}');
  return json({ role: name, items: await setRoleStartPage(await appDb(), name, b.items, principal!.user.username) });
});
