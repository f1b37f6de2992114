// GET /api/inbox — one's inbox (files, links, alerts, notices; never another's), newest first, with the unread count.
import { langOf } from '@/dashboards/server/exports';
import { json, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { inboxView, requireSubscriber } from '@/dashboards/server/subscriptions';

export const dynamic = 'force-dynamic';

export const GET = route(async ({ req, principal }) => {
  requireSubscriber(principal!);
  const items = await inboxView(await appDb(), principal!.user.username, langOf(req));
  return json({ unread: items.filter((i) => !i.read_at).length, items });
});
