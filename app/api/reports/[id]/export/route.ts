// GET /api/reports/<id>/export?format=csv|csv-de|xlsx|pdf|parquet&filter=d:v1|v2&from=…&to=… — a report as a file.
import { exportReport } from '@/dashboards/exports/service';
import { exportContext } from '@/dashboards/server/exports';
import { fileResponse, route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>(async ({ req, principal }, { id }) => {
  const p = req.nextUrl.searchParams;
  const ctx = await exportContext(req, principal!);
  return fileResponse(await exportReport(ctx, id, p.get('format'), { filter: p.getAll('filter'), from: p.get('from') ?? undefined, to: p.get('to') ?? undefined }));
});
