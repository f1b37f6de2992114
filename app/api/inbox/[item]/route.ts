// GET /api/inbox/<item> — a delivered file, while one still has the right to it; audited.
import { fileResponse, route } from '@/dashboards/server/http';
import { appDb } from '@/dashboards/server/services';
import { inboxDownload, requireSubscriber } from '@/dashboards/server/subscriptions';

export const dynamic = 'force-dynamic';

export const GET = route<{ item: string }>(async ({ principal }, { item }) => {
  requireSubscriber(principal!);
  const f = await inboxDownload(await appDb(), principal!, item);
  return fileResponse({ filename: f.filename, contentType: f.contentType, rows: 0, body: f.body });
});
