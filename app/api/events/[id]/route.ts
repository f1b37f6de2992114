// DELETE /api/events/<id> — remove an event (needs annotate; an event the caller does not see: 404).
import { eventContext } from '@/dashboards/events/context';
import { removeEvent } from '@/dashboards/events/events';
import { requireAnnotate } from '@/dashboards/server/events';
import { json, route } from '@/dashboards/server/http';
import { UserError } from '@/platform/errors';
import { appDb, services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const DELETE = route<{ id: string }>(async ({ principal }, { id }) => {
  requireAnnotate(principal!);
  const db = await appDb();
  const visible = (await eventContext(await services().reader.pin(), principal!, db, { from: '1900-01-01' })).events.some((e) => e.id === id);
  if (!visible) throw new UserError(`There is no event ${id.slice(0, 20)}.`, { httpStatus: 404 });
  await removeEvent(db, id, principal!.user.username);
  return json({ deleted: id });
});
