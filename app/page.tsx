import { redirect } from 'next/navigation';
import { DASHBOARDS } from '@/dashboards/catalog';
import { canViewDashboard, describeRights } from '@/dashboards/rights';
import { currentPrincipal } from '@/dashboards/server/page';

export const dynamic = 'force-dynamic';

/** The start page: the first dashboard the user may see (admins: administration). */
export default async function Home() {
  const p = await currentPrincipal();
  if (!p) redirect('/login');
  const first = DASHBOARDS.find((d) => canViewDashboard(p, d.id));
  if (first) redirect(`/dashboards/${first.id}`);
  const r = describeRights(p);
  redirect(r.reports.length ? `/reports/${r.reports[0]}` : '/admin');
}
