import { forbidden } from 'next/navigation';
import { mayAdminister, userFormChoices } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { ta } from '@/dashboards/i18n-admin';
import { GroupForm } from '@/dashboards/ui/group-form.client';

export const dynamic = 'force-dynamic';

export default async function NewGroupPage() {
  const principal = await requirePrincipal('/admin/groups/new');
  if (!mayAdminister(principal, 'users')) forbidden();
  const lang = await currentLang();
  return (
    <>
      <h1>{ta(lang, 'groupNew')}</h1>
      <GroupForm lang={lang} choices={await userFormChoices(lang)} />
    </>
  );
}
