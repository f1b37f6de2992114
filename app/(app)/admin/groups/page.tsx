import { forbidden } from 'next/navigation';
import { mayAdminister } from '@/dashboards/server/admin';
import { groupsOverview } from '@/dashboards/server/groups';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { loginOptions } from '@/dashboards/server/sso';
import { GroupsView } from '@/dashboards/ui/groups-view';

export const dynamic = 'force-dynamic';

export default async function GroupsPage() {
  const principal = await requirePrincipal('/admin/groups');
  if (!mayAdminister(principal, 'users')) forbidden();
  return <GroupsView lang={await currentLang()} mappings={await groupsOverview()} provider={loginOptions().sso} />;
}
