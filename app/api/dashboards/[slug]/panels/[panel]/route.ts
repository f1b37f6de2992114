// GET /api/dashboards/<slug>/panels/<panel>?<the dashboard's URL filters> — one panel's data as the page shows it (JSON), with the viewer's rights.
import { langOf } from '@/dashboards/server/exports';
import { route, json } from '@/dashboards/server/http';
import { dashboardFor, filtersOf, panelView } from '@/dashboards/server/live';
import { services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route<{ slug: string; panel: string }>(async ({ req, principal }, { slug, panel }) => {
  const def = dashboardFor(principal!, slug);
  const snapshot = await services().reader.pin();
  const params = Object.fromEntries(req.nextUrl.searchParams);
  return json(await panelView(snapshot, principal!, def, panel, filtersOf(snapshot, def, params), langOf(req)));
});
