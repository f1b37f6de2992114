// GET /api/me/views — the caller's own saved views; POST {"name", "path", "isDefault"} — save one (201, the new view).
import { json, jsonBody, route } from '@/dashboards/server/http';
import { checkOwnViewPath, requireViewer } from '@/dashboards/server/my';
import { appDb } from '@/dashboards/server/services';
import { createView, listViews, viewCreateSchema } from '@/dashboards/my/views';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  requireViewer(principal!);
  const target = req.nextUrl.searchParams.get('target') ?? undefined;
  return json(await listViews(await appDb(), principal!.user.username, target));
});

export const POST = route(async ({ req, principal }) => {
  requireViewer(principal!);
  const b = await jsonBody(req, viewCreateSchema, '{"name": "…", "path": "/dashboards/<slug>?<filters>", "isDefault": false}');
  checkOwnViewPath(principal!, b.path);
  return json(await createView(await appDb(), principal!.user.username, b), 201);
});
