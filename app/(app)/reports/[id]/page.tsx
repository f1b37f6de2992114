import { forbidden, notFound } from 'next/navigation';
import { reportDef } from '@/dashboards/reports/defs';
import { canViewReport } from '@/dashboards/rights';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { SubscribeAndDownload } from '@/dashboards/ui/view-actions.server';
import { ReportView } from '@/dashboards/ui/report-view.server';

export const dynamic = 'force-dynamic';

export default async function ReportPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const principal = await requirePrincipal(`/reports/${id}`);
  const def = reportDef(id);
  if (!def) notFound();
  if (!canViewReport(principal, id)) forbidden();
  const lang = await currentLang();
  return (
    <>
      <SubscribeAndDownload kind="report" id={id} principal={principal} lang={lang} />
      <ReportView def={def} searchParams={await searchParams} principal={principal} lang={lang} />
    </>
  );
}
