import { forbidden, notFound } from 'next/navigation';
import { mayAdminister, userFormChoices } from '@/dashboards/server/admin';
import { groupDetail } from '@/dashboards/server/groups';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { ta } from '@/dashboards/i18n-admin';
import { GroupForm } from '@/dashboards/ui/group-form.client';
import { GroupDetailView } from '@/dashboards/ui/groups-view';

export const dynamic = 'force-dynamic';

export default async function GroupPage({ params }: { params: Promise<{ name: string }> }) {
  const name = decodeURIComponent((await params).name);
  const principal = await requirePrincipal(`/admin/groups/${encodeURIComponent(name)}`);
  if (!mayAdminister(principal, 'users')) forbidden();
  const lang = await currentLang();
  const d = await groupDetail(name);
  if (!d.mapping && !d.history.length) notFound();
  return (
    <>
      <h1>{ta(lang, 'groupEdit', { name })}</h1>
      {d.mapping ? <GroupForm key={d.mapping.version} lang={lang} mapping={d.mapping} choices={await userFormChoices(lang)} /> : <p>{ta(lang, 'groupDeleted')}</p>}
      <GroupDetailView lang={lang} detail={d} />
    </>
  );
}
