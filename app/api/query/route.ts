// GET /api/query?metric=…&by=…&filter=d:v1|v2&from=…&to=…[&format=csv] — the semantic layer, with the caller's rights.
import { route, json, errorResponse } from '../../../dashboards/server/http';
import { services } from '../../../dashboards/server/services';
import { parseQuery } from '../../../warehouse/semantic/parse';
import { runQuery } from '../../../warehouse/semantic/query';
import { toCsv } from '../../../warehouse/semantic/format';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  const p = req.nextUrl.searchParams;
  const format = p.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return errorResponse(400, 'format must be json or csv.');
  const q = parseQuery({ metric: p.getAll('metric'), by: p.getAll('by'), filter: p.getAll('filter'), from: p.get('from') ?? undefined, to: p.get('to') ?? undefined });
  const result = await runQuery(services().reader, q, principal!.access);
  if (format === 'csv') return new Response(toCsv(result), { headers: { 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store' } });
  return json(result);
});
