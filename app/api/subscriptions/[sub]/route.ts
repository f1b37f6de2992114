// PATCH /api/subscriptions/<id> {active, version} — deactivate or activate one's own subscription; refused when changed since `version`.
import { z } from 'zod';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { requireSubscriber, subscriptionSettings } from '@/dashboards/server/subscriptions';
import { setActive } from '@/dashboards/subscriptions/service';

export const dynamic = 'force-dynamic';

const body = z.object({ active: z.boolean(), version: z.number().int().positive() }).strict();

export const PATCH = route<{ sub: string }>(async ({ req, principal }, { sub }) => {
  requireSubscriber(principal!);
  const b = await jsonBody(req, body, '{"active": true|false, "version": <the version you saw>}');
  const s = await setActive(await appDb(), sub, b.active, { username: principal!.user.username, admin: false }, b.version, subscriptionSettings());
  return json({ id: s.id, active: s.active, version: s.version });
});
