import { forbidden } from 'next/navigation';
import { mayAdminister } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { ta } from '@/dashboards/i18n-admin';
import { RoleEditor } from '@/dashboards/ui/role-editor.client';
import { getRole } from '@/roles/store';

export const dynamic = 'force-dynamic';

// /admin/roles/new[?copy=<role>] — a new role, empty or as a copy of another
export default async function NewRolePage({ searchParams }: { searchParams: Promise<{ copy?: string }> }) {
  const principal = await requirePrincipal('/admin/roles/new');
  if (!mayAdminister(principal, 'roles')) forbidden();
  const lang = await currentLang();
  const { copy } = await searchParams;
  const from = typeof copy === 'string' ? await getRole(await appDb(), copy) : undefined;
  const initial = from
    ? { name: `${from.name}-kopie`.slice(0, 48), label_de: `${from.label_de} (Kopie)`, label_en: `${from.label_en} (copy)`, description: from.description, rules: from.rules }
    : { name: '', label_de: '', label_en: '', description: '', rules: [{ action: 'view', subject: 'Dashboard' }] };
  return (
    <>
      <h1>{ta(lang, 'roleNew')}</h1>
      <RoleEditor lang={lang} initial={initial} version={null} />
    </>
  );
}
