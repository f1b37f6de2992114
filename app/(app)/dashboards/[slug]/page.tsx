import { forbidden, notFound } from 'next/navigation';
import { dashboardDef } from '@/dashboards/defs';
import { canViewDashboard } from '@/dashboards/rights';
import { pageState } from '@/dashboards/server/my';
import { dashboardSource } from '@/dashboards/server/options';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { PageActions } from '@/dashboards/ui/my.server';
import { DashboardView } from '@/dashboards/ui/dashboard-view.server';

export const dynamic = 'force-dynamic';

export default async function DashboardPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await params;
  const principal = await requirePrincipal(`/dashboards/${slug}`);
  const def = dashboardDef(slug);
  if (!def) notFound();
  if (!canViewDashboard(principal, slug)) forbidden();
  const lang = await currentLang();
  const sp = await searchParams;
  // the default view when opened without filters; values outside the rights of the moment dropped, and said so
  const { notice } = await pageState(principal, `/dashboards/${slug}`, dashboardSource(def), sp, lang);
  return (
    <>
      <PageActions kind="dashboard" id={slug} principal={principal} lang={lang} notice={notice} />
      <DashboardView def={def} searchParams={sp} principal={principal} lang={lang} />
    </>
  );
}
