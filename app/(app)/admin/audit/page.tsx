import { forbidden } from 'next/navigation';
import { auditQuery, canReadAudit } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { AuditView } from '@/dashboards/ui/admin-views';
import { queryAudit } from '@/roles/store';

export const dynamic = 'force-dynamic';

const LIMIT = 200;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal('/admin/audit');
  if (!canReadAudit(principal)) forbidden();
  const q = auditQuery(await searchParams, false);
  return <AuditView lang={await currentLang()} q={q} rows={await queryAudit(await appDb(), { ...q, limit: LIMIT })} limit={LIMIT} />;
}
