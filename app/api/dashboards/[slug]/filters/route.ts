// GET /api/dashboards/<slug>/filters?<the dashboard's URL filters> — the filter bar's choices for that state (JSON), within the viewer's rights.
import { langOf } from '@/dashboards/server/exports';
import { route, json } from '@/dashboards/server/http';
import { barView, dashboardFor, filtersOf } from '@/dashboards/server/live';
import { services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route<{ slug: string }>(async ({ req, principal }, { slug }) => {
  const def = dashboardFor(principal!, slug);
  const snapshot = await services().reader.pin();
  return json(await barView(snapshot, principal!, def, filtersOf(snapshot, def, Object.fromEntries(req.nextUrl.searchParams)), langOf(req)));
});
