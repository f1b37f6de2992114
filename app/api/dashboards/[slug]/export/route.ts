// GET /api/dashboards/<slug>/export?format=pdf|xlsx&<the dashboard's URL filters> — the whole dashboard as one file.
import { exportDashboard } from '@/dashboards/exports/dashboard';
import { exportContext } from '@/dashboards/server/exports';
import { fileResponse, route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route<{ slug: string }>(async ({ req, principal }, { slug }) => {
  const p = req.nextUrl.searchParams;
  const ctx = await exportContext(req, principal!);
  const filters = Object.fromEntries([...p.keys()].filter((k) => k !== 'format').map((k) => [k, p.getAll(k)]));
  return fileResponse(await exportDashboard(ctx, slug, p.get('format'), filters));
});
