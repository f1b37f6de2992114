// GET /api/health — status and Datenstand; no login, no data. The snapshot id only for administrators
// (anonymous callers learn nothing about the installation); probes: /api/health/live and /ready.
import { route, json } from '@/dashboards/server/http';
import { isAdmin } from '@/dashboards/rights';
import { services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route(
  async ({ principal }) => {
    const info = services().reader.serving() ?? services().reader.info();
    if (!info) return json({ status: 'unavailable', snapshot: null, dataAsOf: null, reason: 'no snapshot published yet' }, 503);
    return json({ status: 'ok', snapshot: principal && isAdmin(principal) ? info.id : null, dataAsOf: info.dataAsOf });
  },
  { auth: 'none' },
);
