import { forbidden } from 'next/navigation';
import { mayAdminister, userFormChoices } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { ta } from '@/dashboards/i18n-admin';
import { UserForm } from '@/dashboards/ui/user-form.client';

export const dynamic = 'force-dynamic';

export default async function NewUserPage() {
  const principal = await requirePrincipal('/admin/users/new');
  if (!mayAdminister(principal, 'users')) forbidden();
  const lang = await currentLang();
  return (
    <>
      <h1>{ta(lang, 'userNew')}</h1>
      <UserForm lang={lang} {...await userFormChoices(lang)} />
    </>
  );
}
