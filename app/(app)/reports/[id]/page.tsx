import { forbidden, notFound } from 'next/navigation';
import { reportDef } from '@/dashboards/reports/defs';
import { canViewReport } from '@/dashboards/rights';
import { pageState } from '@/dashboards/server/my';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { PageActions } from '@/dashboards/ui/my.server';
import { ReportView, reportSource } from '@/dashboards/ui/report-view.server';

export const dynamic = 'force-dynamic';

export default async function ReportPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const principal = await requirePrincipal(`/reports/${id}`);
  const def = reportDef(id);
  if (!def) notFound();
  if (!canViewReport(principal, id)) forbidden();
  const lang = await currentLang();
  const sp = await searchParams;
  const { notice } = await pageState(principal, `/reports/${id}`, reportSource(def), sp, lang);
  return (
    <>
      <PageActions kind="report" id={id} principal={principal} lang={lang} notice={notice} />
      <ReportView def={def} searchParams={sp} principal={principal} lang={lang} />
    </>
  );
}
