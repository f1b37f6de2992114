// GET /api/admin/subscriptions — everyone's subscriptions and alerts (who sends what to whom, each recipient's latest outcome; never figures).
import { requireAdmin } from '@/dashboards/server/admin';
import { langOf } from '@/dashboards/server/exports';
import { json, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { subscriptionView } from '@/dashboards/server/subscriptions';
import { listSubscriptions } from '@/dashboards/subscriptions/store';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  requireAdmin(principal!, 'subscriptions');
  const db = await appDb();
  const lang = langOf(req);
  return json(await Promise.all((await listSubscriptions(db)).map((s) => subscriptionView(db, s, lang))));
});
