import { forbidden } from 'next/navigation';
import { listRoles, listUsers } from '@/roles/store';
import { mayAdminister } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { isAdmin } from '@/dashboards/rights';
import { AdminOverview } from '@/dashboards/ui/admin-views';

export const dynamic = 'force-dynamic';

export default async function AdminPage() {
  const principal = await requirePrincipal('/admin');
  if (!isAdmin(principal)) forbidden();
  const db = await appDb();
  const users = mayAdminister(principal, 'users') ? await listUsers(db) : undefined;
  const roles = mayAdminister(principal, 'roles') ? await listRoles(db) : undefined;
  return <AdminOverview lang={await currentLang()} users={users} roles={roles} audit={mayAdminister(principal, 'audit')} pipeline={mayAdminister(principal, 'pipeline')} />;
}
