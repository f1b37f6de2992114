import { forbidden, notFound } from 'next/navigation';
import { DASHBOARDS } from '@/dashboards/catalog';
import { dashboardDef } from '@/dashboards/defs';
import { pick, tm } from '@/dashboards/i18n-my';
import { roleStartPage } from '@/dashboards/my/start-page';
import { mayAdminister } from '@/dashboards/server/admin';
import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { appDb } from '@/dashboards/server/services';
import { RoleStartEditor, type StartChoice } from '@/dashboards/ui/role-start.client';
import { metric } from '@/warehouse/semantic/metrics';
import { getRole } from '@/roles/store';

export const dynamic = 'force-dynamic';

// /admin/roles/<name>/start — the start page ("Mein FIS") new users of the role begin with: panels and tiles by title, never figures
export default async function RoleStartPage({ params }: { params: Promise<{ name: string }> }) {
  const { name } = await params;
  const principal = await requirePrincipal(`/admin/roles/${encodeURIComponent(name)}/start`);
  if (!mayAdminister(principal, 'roles')) forbidden();
  const lang = await currentLang();
  const db = await appDb();
  if (!(await getRole(db, name))) notFound();
  const choices: StartChoice[] = DASHBOARDS.flatMap((d) =>
    dashboardDef(d.id)!.panels.flatMap((p) => [
      { key: `${d.id}/${p.id}`, group: d.title[lang], label: p.title[lang] },
      ...(p.kind === 'kpis' ? p.metrics.map((m) => ({ key: `${d.id}/${p.id}/${m}`, group: d.title[lang], label: `${p.title[lang]}: ${metric(m)!.label[lang]}` })) : []),
    ]),
  );
  const items = (await roleStartPage(db, name)).map((x) => `${x.slug}/${x.panel}${x.tile ? `/${x.tile}` : ''}`);
  return (
    <>
      <h1>
        {tm(lang, 'roleStartPage')}: {name}
      </h1>
      <p className="intro">{tm(lang, 'roleStartPageIntro')}</p>
      <RoleStartEditor role={name} choices={choices} initial={items} labels={pick(lang, ['chooseWhat', 'addToStartPage', 'moveUp', 'moveDown', 'unpin', 'save', 'roleStartPageSaved', 'saveFailed', 'myFisEmpty'])} />
    </>
  );
}
