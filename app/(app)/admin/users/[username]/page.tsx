import { forbidden, notFound } from 'next/navigation';
import { mayAdminister, publicUser, userFormChoices } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { ta } from '@/dashboards/i18n-admin';
import { UserForm } from '@/dashboards/ui/user-form.client';
import { getUser } from '@/roles/store';

export const dynamic = 'force-dynamic';

export default async function UserPage({ params }: { params: Promise<{ username: string }> }) {
  const { username } = await params;
  const principal = await requirePrincipal(`/admin/users/${encodeURIComponent(username)}`);
  if (!mayAdminister(principal, 'users')) forbidden();
  const lang = await currentLang();
  const user = await getUser(await appDb(), username);
  if (!user) notFound();
  return (
    <>
      <h1>{ta(lang, 'userEdit', { name: username })}</h1>
      <UserForm key={user.version} lang={lang} user={publicUser(user)} self={user.username === principal.user.username} {...await userFormChoices(lang)} />
    </>
  );
}
