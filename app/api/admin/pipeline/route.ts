// GET /api/admin/pipeline — runs, freshness, schedule, quarantine; POST {full} — run now (202; 409 while a run is in progress).
import { z } from 'zod';
import { pipelineStatus, requireAdmin, runPipelineNow } from '@/dashboards/server/admin';
import { answersStatus } from '@/dashboards/server/answers';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ principal }) => {
  requireAdmin(principal!, 'pipeline');
  return json({ ...(await pipelineStatus()), answers: answersStatus() });
});

export const POST = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'run');
  const b = await jsonBody(req, z.object({ full: z.boolean().default(false) }).strict(), '{"full": true|false}');
  return json(await runPipelineNow(await appDb(), principal!, b.full), 202);
});
