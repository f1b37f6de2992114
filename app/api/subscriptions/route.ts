// GET /api/subscriptions — one's own subscriptions and alerts with each recipient's latest delivery; POST — create one (201, the new subscription).
import { z } from 'zod';
import { langOf } from '@/dashboards/server/exports';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { requireSubscriber, subscriptionSettings, subscriptionView } from '@/dashboards/server/subscriptions';
import { subscribe } from '@/dashboards/subscriptions/service';
import { listSubscriptions } from '@/dashboards/subscriptions/store';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  requireSubscriber(principal!);
  const db = await appDb();
  return json(await Promise.all((await listSubscriptions(db, { owner: principal!.user.username })).map((s) => subscriptionView(db, s, langOf(req)))));
});

export const POST = route(async ({ req, principal }) => {
  requireSubscriber(principal!);
  const input = await jsonBody(req, z.record(z.string(), z.unknown()), '{"kind", "recipients", "target_kind", "target", "format", "filters", "schedule", "channel"} or an alert with {"kind": "alert", "recipients", "alert": {"metric", "op", "value", "window"}}');
  const db = await appDb();
  const s = await subscribe(db, principal!, input, principal!.user.username, subscriptionSettings());
  return json(await subscriptionView(db, s, langOf(req)), 201);
});
