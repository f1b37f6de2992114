// GET /api/health — liveness and the current snapshot; no login, no data.
import { route, json } from '@/dashboards/server/http';
import { services } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route(
  async () => {
    const info = services().reader.info();
    if (!info) return json({ status: 'unavailable', snapshot: null, dataAsOf: null, reason: 'no snapshot published yet' }, 503);
    return json({ status: 'ok', snapshot: info.id, dataAsOf: info.dataAsOf });
  },
  { auth: 'none' },
);
