// GET /metrics — Prometheus text format, for addresses in FIS_METRICS_ALLOW or with FIS_METRICS_TOKEN as a bearer token; 404 for everyone else.
import { metricsResponse } from '@/dashboards/server/metrics';
import { route } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req }) => metricsResponse(req), { auth: 'none' });
