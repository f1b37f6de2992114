// GET /api/query?metric=…&by=…&filter=d:v1|v2&from=…&to=…[&format=csv|csv-de|parquet|arrow] — the
// semantic layer with the caller's rights; as JSON, or as a file (export right, audited, no row limit).
import { exportAnswer } from '@/dashboards/exports/service';
import { exportContext } from '@/dashboards/server/exports';
import { errorResponse, fileResponse, json, route } from '@/dashboards/server/http';
import { services } from '@/dashboards/server/services';
import { parseQuery, type RawQuery } from '@/warehouse/semantic/parse';
import { runQuery } from '@/warehouse/semantic/query';

export const dynamic = 'force-dynamic';

const FORMATS = ['json', 'csv', 'csv-de', 'parquet', 'arrow'];

export const GET = route(async ({ req, principal }) => {
  const p = req.nextUrl.searchParams;
  const format = p.get('format') ?? 'json';
  if (!FORMATS.includes(format)) return errorResponse(400, `format must be one of ${FORMATS.join(', ')}.`);
  const raw: RawQuery = { metric: p.getAll('metric'), by: p.getAll('by'), filter: p.getAll('filter'), from: p.get('from') ?? undefined, to: p.get('to') ?? undefined };
  if (format !== 'json') return fileResponse(await exportAnswer(await exportContext(req, principal!, 'api'), raw, format));
  return json(await runQuery(services().reader, parseQuery(raw), principal!.access));
});
