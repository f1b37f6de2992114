import { forbidden } from 'next/navigation';
import { manualRunActive, mayAdminister, pipelineStatus } from '@/dashboards/server/admin';
import { answersStatus } from '@/dashboards/server/answers';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { PipelineView } from '@/dashboards/ui/admin-views';

export const dynamic = 'force-dynamic';

export default async function PipelinePage() {
  const principal = await requirePrincipal('/admin/pipeline');
  if (!mayAdminister(principal, 'pipeline')) forbidden();
  const status = await pipelineStatus();
  const active = manualRunActive() || status.runs.some((r) => r.status === 'running') || !!status.scheduler?.running;
  return <PipelineView lang={await currentLang()} status={status} canRun={mayAdminister(principal, 'run')} active={active} answers={answersStatus()} />;
}
