// GET /api/dashboards/<slug>/view?panels=<id,id>&bar=1&<the dashboard's URL filters> — a filter change in one request: the panels asked for and the filter bar's choices, with the viewer's rights, each as a line of JSON when it is ready (NDJSON).
import { langOf } from '@/dashboards/server/exports';
import { route } from '@/dashboards/server/http';
import { dashboardFor, filtersOf, liveView } from '@/dashboards/server/live';
import { services } from '@/dashboards/server/services';
import { UserError } from '@/platform/errors';

export const dynamic = 'force-dynamic';

export const GET = route<{ slug: string }>(async ({ req, principal }, { slug }) => {
  const def = dashboardFor(principal!, slug);
  const sp = req.nextUrl.searchParams;
  const panels = (sp.get('panels') ?? '').split(',').filter(Boolean);
  if (panels.length > def.panels.length) throw new UserError(`The dashboard "${def.slug}" has ${def.panels.length} panels; ask for at most that many.`);
  const snapshot = await services().reader.pin();
  const params = Object.fromEntries([...sp].filter(([k]) => k !== 'panels' && k !== 'bar'));
  const body = await liveView(snapshot, principal!, def, panels, sp.get('bar') === '1', filtersOf(snapshot, def, params), langOf(req));
  return new Response(body, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' } });
});
