import { forbidden, notFound } from 'next/navigation';
import { mayAdminister } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { ta } from '@/dashboards/i18n-admin';
import { tm } from '@/dashboards/i18n-my';
import { RoleHistoryView } from '@/dashboards/ui/admin-views';
import { RoleEditor } from '@/dashboards/ui/role-editor.client';
import { getRole, roleHistory } from '@/roles/store';

export const dynamic = 'force-dynamic';

// /admin/roles/<name> — edit a role, preview it, see its versions with what changed, restore one
export default async function RolePage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const principal = await requirePrincipal(`/admin/roles/${encodeURIComponent(name)}`);
  if (!mayAdminister(principal, 'roles')) forbidden();
  const lang = await currentLang();
  const db = await appDb();
  const [role, history] = await Promise.all([getRole(db, name), roleHistory(db, name)]);
  if (!role && !history.length) notFound();
  return (
    <>
      <h1>{ta(lang, 'roleEdit', { name })}</h1>
      {role ? (
        <>
          <p>
            <a href={`/admin/roles/new?copy=${encodeURIComponent(name)}`}>{ta(lang, 'roleCopy')}</a> ·{' '}
            <a href={`/admin/roles/${encodeURIComponent(name)}/start`} data-testid="role-start-link">{tm(lang, 'roleStartPage')}</a>
          </p>
          {/* keyed by version: after a save or restore the form starts from the stored definition */}
          <RoleEditor key={role.version} lang={lang} initial={role} version={role.version} />
        </>
      ) : (
        <p>{ta(lang, 'roleDeleted')}</p>
      )}
      <RoleHistoryView lang={lang} name={name} history={history} current={role?.version ?? null} />
    </>
  );
}
