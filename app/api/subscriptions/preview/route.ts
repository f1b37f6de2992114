// POST /api/subscriptions/preview {definition} — what each recipient would get, with their rights as of now (their figures only where the caller may see them).
import { z } from 'zod';
import { langOf } from '@/dashboards/server/exports';
import { json, jsonBody, route } from '@/dashboards/server/http';
import { appDb, services } from '@/dashboards/server/services';
import { requireSubscriber, subscriptionSettings } from '@/dashboards/server/subscriptions';
import { previewRecipients } from '@/dashboards/subscriptions/service';

export const dynamic = 'force-dynamic';

export const POST = route(async ({ req, principal }) => {
  requireSubscriber(principal!);
  const input = await jsonBody(req, z.record(z.string(), z.unknown()), 'the subscription as for POST /api/subscriptions');
  const lang = langOf(req);
  return json(await previewRecipients(await appDb(), services().reader, principal!, input, subscriptionSettings(), lang));
});
