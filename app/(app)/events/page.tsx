import { forbidden } from 'next/navigation';
import { mayAnnotate } from '@/dashboards/server/events';
import { maySubscribe } from '@/dashboards/server/subscriptions';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { EventsPage } from '@/dashboards/ui/events-page.server';

export const dynamic = 'force-dynamic';

export default async function Events() {
  const p = await requirePrincipal('/events');
  if (!maySubscribe(p)) forbidden();
  return <EventsPage principal={p} lang={await currentLang()} canWrite={mayAnnotate(p)} />;
}
