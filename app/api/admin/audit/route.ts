// GET /api/admin/audit?actor=…&action=…&from=…&to=…[&format=csv] — the audit log, for who may read it.
import { auditCsv, auditQuery, canReadAudit } from '@/dashboards/server/admin';
import { appDb } from '@/dashboards/server/services';
import { errorResponse, json, route } from '@/dashboards/server/http';
import { audit, queryAudit } from '@/roles/store';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  if (!canReadAudit(principal!)) return errorResponse(403, 'You may not read the audit log.');
  const p = req.nextUrl.searchParams;
  const format = p.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') return errorResponse(400, 'format must be json or csv.');
  const q = auditQuery(p, true);
  const db = await appDb();
  if (format === 'json') return json(await queryAudit(db, { ...q, limit: 1000 }));
  const rows = await queryAudit(db, { ...q, limit: 100_000 });
  await audit(db, { actor: principal!.user.username, action: 'export', target: 'audit', outcome: 'ok', details: { format, filters: q, rows: rows.length, via: 'web' } });
  return new Response(auditCsv(rows), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="fis-audit-${new Date().toISOString().slice(0, 10)}.csv"`, 'cache-control': 'no-store' },
  });
});
