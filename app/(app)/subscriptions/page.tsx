import { forbidden } from 'next/navigation';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { mayAdministerSubscriptions, maySubscribe, subscriptionView } from '@/dashboards/server/subscriptions';
import { ts } from '@/dashboards/i18n-subscriptions';
import { listSubscriptions } from '@/dashboards/subscriptions/store';
import { SubscriptionList } from '@/dashboards/ui/subscription-views';

export const dynamic = 'force-dynamic';

/** One's own subscriptions and alerts; for administrators also everyone's (to see and deactivate). */
export default async function SubscriptionsPage() {
  const principal = await requirePrincipal('/subscriptions');
  const own = maySubscribe(principal);
  const admin = mayAdministerSubscriptions(principal);
  if (!own && !admin) forbidden();
  const lang = await currentLang();
  const db = await appDb();
  const mine = own ? await Promise.all((await listSubscriptions(db, { owner: principal.user.username })).map((s) => subscriptionView(db, s, lang, { history: 50 }))) : [];
  const all = admin ? await Promise.all((await listSubscriptions(db)).map((s) => subscriptionView(db, s, lang))) : [];
  return (
    <>
      <h1>{ts(lang, 'subscriptions')}</h1>
      <p className="hint">{ts(lang, 'subscriptionsIntro')}</p>
      {own ? (
        <section aria-labelledby="mine">
          <h2 id="mine">{ts(lang, 'mySubscriptions')}</h2>
          <SubscriptionList lang={lang} subs={mine} admin={false} testId="my-subscriptions" />
        </section>
      ) : null}
      {admin ? (
        <section aria-labelledby="all" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="all">{ts(lang, 'allSubscriptions')}</h2>
          <SubscriptionList lang={lang} subs={all} admin testId="all-subscriptions" />
        </section>
      ) : null}
    </>
  );
}
