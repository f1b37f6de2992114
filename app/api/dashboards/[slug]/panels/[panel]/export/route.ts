// GET /api/dashboards/<slug>/panels/<panel>/export?format=…&<the dashboard's URL filters> — a panel's data as a file.
import { exportPanel } from '@/dashboards/exports/panel';
import { exportContext } from '@/dashboards/server/exports';
import { fileResponse, route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route<{ slug: string; panel: string }>(async ({ req, principal }, { slug, panel }) => {
  const p = req.nextUrl.searchParams;
  const ctx = await exportContext(req, principal!);
  const filters = Object.fromEntries([...p.keys()].filter((k) => k !== 'format').map((k) => [k, p.getAll(k)]));
  return fileResponse(await exportPanel(ctx, slug, panel, p.get('format'), filters));
});
