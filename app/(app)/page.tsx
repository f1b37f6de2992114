import { redirect } from 'next/navigation';
import { DASHBOARDS } from '@/dashboards/catalog';
import { canViewDashboard, describeRights } from '@/dashboards/rights';
import { hasStartPage } from '@/dashboards/server/my';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { StartPage } from '@/dashboards/ui/start-page.server';

export const dynamic = 'force-dynamic';

/**
 * The start page: "Mein FIS" for a user who has one (pinned items, or their role's start page);
 * otherwise the first dashboard the user may see (admins: administration), as before.
 */
export default async function Home() {
  const p = await requirePrincipal('/');
  const first = DASHBOARDS.find((d) => canViewDashboard(p, d.id));
  if (first && (await hasStartPage(p))) return <StartPage principal={p} lang={await currentLang()} />;
  if (first) redirect(`/dashboards/${first.id}`);
  const r = describeRights(p);
  redirect(r.reports.length ? `/reports/${r.reports[0]}` : '/admin');
}
