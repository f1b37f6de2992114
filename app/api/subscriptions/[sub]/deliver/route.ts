// POST /api/subscriptions/<id>/deliver — deliver one's own subscription now, each recipient with their own rights; the outcome per recipient.
import { json, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { deliverFromWeb, requireSubscriber } from '@/dashboards/server/subscriptions';
import { subscriptionFor } from '@/dashboards/subscriptions/store';

export const dynamic = 'force-dynamic';

export const POST = route<{ sub: string }>(async ({ principal }, { sub }) => {
  requireSubscriber(principal!);
  const s = await subscriptionFor(await appDb(), sub, principal!.user.username, false);
  return json(await deliverFromWeb(s));
});
