import { forbidden, notFound } from 'next/navigation';
import { dashboardDef } from '@/dashboards/defs';
import { canViewDashboard } from '@/dashboards/rights';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { SubscribeAndDownload } from '@/dashboards/ui/view-actions.server';
import { DashboardView } from '@/dashboards/ui/dashboard-view.server';

export const dynamic = 'force-dynamic';

export default async function DashboardPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const principal = await requirePrincipal(`/dashboards/${slug}`);
  const def = dashboardDef(slug);
  if (!def) notFound();
  if (!canViewDashboard(principal, slug)) forbidden();
  const lang = await currentLang();
  return (
    <>
      <SubscribeAndDownload kind="dashboard" id={slug} principal={principal} lang={lang} />
      <DashboardView def={def} searchParams={await searchParams} principal={principal} lang={lang} />
    </>
  );
}
