// GET /api/me/start — the caller's start page ("Mein FIS": pins, in order); POST {"slug", "panel", "tile", "query"} — pin (201);
// PUT {"order": [ids]} — arrange (pins not named are unpinned).
import { z } from 'zod';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { requireViewer } from '@/dashboards/server/my';
import { appDb } from '@/dashboards/server/services';
import { addPin, arrangePins, MAX_PINS, pinInputSchema, startPageOf } from '@/dashboards/my/start-page';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ principal }) => {
  requireViewer(principal!);
  return json(await startPageOf(await appDb(), principal!.user));
});

export const POST = route(async ({ req, principal }) => {
  requireViewer(principal!);
  const b = await jsonBody(req, pinInputSchema, '{"slug": "<dashboard>", "panel": "<panel>", "tile": "<metric of a KPI panel>", "query": "<the dashboard\'s filters>"}');
  return json(await addPin(await appDb(), principal!.user, b), 201);
});

const order = z.object({ order: z.array(z.string().max(40)).max(MAX_PINS) }).strict();

export const PUT = route(async ({ req, principal }) => {
  requireViewer(principal!);
  const b = await jsonBody(req, order, '{"order": ["<pin id>", …]}');
  return json(await arrangePins(await appDb(), principal!.user, b.order));
});
