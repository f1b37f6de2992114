// GET /api/events?from=&to= — the events on the time axes the caller may see; POST {"date", "title", "text", "scope", "roles"} — add one (201; needs annotate).
import { UserError } from '@/platform/errors';
import { isIsoDate } from '@/platform/dates';
import { eventContext } from '@/dashboards/events/context';
import { addEvent, EVENT_SHAPE, eventInputSchema } from '@/dashboards/events/events';
import { requireAnnotate } from '@/dashboards/server/events';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { requireViewer } from '@/dashboards/server/my';
import { appDb, services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  requireViewer(principal!);
  const range = { from: req.nextUrl.searchParams.get('from') ?? undefined, to: req.nextUrl.searchParams.get('to') ?? undefined };
  for (const [k, v] of Object.entries(range)) if (v !== undefined && !isIsoDate(v)) throw new UserError(`"${k}" must be a date (YYYY-MM-DD).`);
  const reader = await services().reader.pin();
  return json((await eventContext(reader, principal!, await appDb(), range)).events);
});

export const POST = route(async ({ req, principal }) => {
  requireAnnotate(principal!);
  const b = await jsonBody(req, eventInputSchema, EVENT_SHAPE);
  return json(await addEvent(await appDb(), b, principal!.user.username), 201);
});
