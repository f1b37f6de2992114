// GET /api/health/ready — readiness: a snapshot is open and the app-state database answers; 503 with the reason otherwise.
import { readiness } from '@/dashboards/server/health';
import { json, route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route(
  async () => {
    const r = await readiness();
    return json(r, r.status === 'ready' ? 200 : 503);
  },
  { auth: 'none' },
);
