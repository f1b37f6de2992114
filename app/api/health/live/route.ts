// GET /api/health/live — liveness: the process answers. No login, no data.
import { json, route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route(async () => json({ status: 'live' }), { auth: 'none' });
