import { forbidden, notFound } from 'next/navigation';
import { DASHBOARDS, REPORTS } from '@/dashboards/catalog';
import { ts } from '@/dashboards/i18n-subscriptions';
import { canViewDashboard, canViewReport } from '@/dashboards/rights';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { CHANNELS, SUBSCRIPTION_FORMATS } from '@/dashboards/subscriptions/definition';
import { SubscriptionForm } from '@/dashboards/ui/subscription-form.client';

export const dynamic = 'force-dynamic';

/** "Abonnieren" on a report or dashboard leads here, with the view's filters: ?report=ID&state=09… */
export default async function NewSubscriptionPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const one = (k: string) => (Array.isArray(sp[k]) ? sp[k]![0] : sp[k]);
  const kind = one('report') ? 'report' : one('dashboard') ? 'dashboard' : undefined;
  const target = kind ? one(kind)! : '';
  const principal = await requirePrincipal(`/subscriptions/new?${kind}=${encodeURIComponent(target)}`);
  const entry = (kind === 'report' ? REPORTS : DASHBOARDS).find((e) => e.id === target);
  if (!kind || !entry) notFound();
  if (!(kind === 'report' ? canViewReport(principal, target) : canViewDashboard(principal, target))) forbidden();
  const lang = await currentLang();
  const filters = Object.fromEntries(Object.entries(sp).filter(([k, v]) => k !== kind && typeof v === 'string' && v).map(([k, v]) => [k, v as string]));
  const keys = ['recipients', 'recipientsHint', 'format', 'when', 'whenAfterPublish', 'whenWeekly', 'whenCron', 'cron', 'channel', 'previewIntro', 'create', 'colRecipient', 'colOutcome', 'colReason', 'colScope', 'colFigures', 'would_file', 'would_link', 'would_nothing'] as const;
  const t = { ...Object.fromEntries(keys.map((k) => [k, ts(lang, k)])), preview: ts(lang, 'previewRecipients'), error: ts(lang, 'errorTitle') } as Parameters<typeof SubscriptionForm>[0]['t'];
  return (
    <>
      <h1>{ts(lang, 'subscribeTitle', { title: entry.title[lang] })}</h1>
      <p className="report-meta">
        {ts(lang, 'filtersOfView')}: {Object.entries(filters).map(([k, v]) => `${k} = ${v}`).join(', ') || ts(lang, 'noFilters')}. {ts(lang, 'filtersNarrowed')}
      </p>
      <SubscriptionForm
        kind={kind}
        target={target}
        filters={filters}
        me={principal.user.username}
        lang={lang}
        formats={SUBSCRIPTION_FORMATS.filter((f) => kind === 'report' || f !== 'csv-de').map((f) => ({ value: f, label: ts(lang, `format_${f}`) }))}
        channels={CHANNELS.map((c) => ({ value: c, label: ts(lang, `channel_${c}`) }))}
        t={t}
      />
    </>
  );
}
