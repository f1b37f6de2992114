// PATCH /api/me/views/<id> {"name", "path", "isDefault"} — change one of one's own views; DELETE — delete it. Another user's id: 404.
import { json, jsonBody, route } from '@/dashboards/server/http';
import { checkOwnViewPath, requireViewer } from '@/dashboards/server/my';
import { appDb } from '@/dashboards/server/services';
import { changeView, deleteView, viewChangeSchema } from '@/dashboards/my/views';

export const dynamic = 'force-dynamic';

export const PATCH = route<{ id: string }>(async ({ req, principal }, { id }) => {
  requireViewer(principal!);
  const b = await jsonBody(req, viewChangeSchema, 'one or more of {"name": "…", "path": "/dashboards/<slug>?<filters>", "isDefault": true|false}');
  if (b.path !== undefined) checkOwnViewPath(principal!, b.path);
  return json(await changeView(await appDb(), principal!.user.username, id, b));
});

export const DELETE = route<{ id: string }>(async ({ principal }, { id }) => {
  requireViewer(principal!);
  await deleteView(await appDb(), principal!.user.username, id);
  return json({ deleted: id });
});
