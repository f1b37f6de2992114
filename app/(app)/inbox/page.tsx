import { forbidden } from 'next/navigation';
import { ts } from '@/dashboards/i18n-subscriptions';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb, services } from '@/dashboards/server/services';
import { inboxView, maySubscribe } from '@/dashboards/server/subscriptions';
import { markRead } from '@/dashboards/subscriptions/store';
import { InboxList } from '@/dashboards/ui/subscription-views';

export const dynamic = 'force-dynamic';

/** What was delivered to the user: files (read once downloaded), links, alerts and notices (read once shown). */
export default async function InboxPage() {
  const principal = await requirePrincipal('/inbox');
  if (!maySubscribe(principal)) forbidden();
  const lang = await currentLang();
  const db = await appDb();
  const items = await inboxView(db, principal.user.username, lang);
  // shown in full here: alerts, links and notices count as read from now on (files once downloaded)
  await markRead(db, principal.user.username, items.filter((i) => !i.read_at && i.kind !== 'file').map((i) => i.id));
  return (
    <>
      <h1>{ts(lang, 'inbox')}</h1>
      <p className="hint">
        {ts(lang, 'inboxIntro', { days: services().config.inboxDays })} <a href="/subscriptions">{ts(lang, 'mySubscriptions')}</a>
      </p>
      <InboxList lang={lang} items={items} />
    </>
  );
}
