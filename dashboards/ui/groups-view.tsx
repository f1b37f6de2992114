/** The group mappings of single sign-on: the list, and one mapping's preview and history. */
import type { GroupMapping } from '../../roles/group-mappings';
import type { groupDetail } from '../server/groups';
import { formatDate, type Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { AdminTable } from './admin-views';

export function GroupsView({ lang, mappings, provider }: { lang: Lang; mappings: GroupMapping[]; provider?: string }) {
  return (
    <>
      <h1>{ta(lang, 'groupsTitle')}</h1>
      <p className="hint">{provider ? ta(lang, 'groupsIntro', { name: provider }) : ta(lang, 'groupsNoSso')}</p>
      <p>
        <a href="/admin/groups/new">{ta(lang, 'groupNew')}</a>
      </p>
      <AdminTable
        lang={lang}
        label={ta(lang, 'groupsTitle')}
        testId="groups"
        empty={ta(lang, 'groupsEmpty')}
        headers={(['colGroup', 'colRoles', 'colOffices', 'colStates', 'colVersion', 'colChangedBy'] as const).map((k) => ta(lang, k))}
        rows={mappings.map((m) => ({
          key: m.group_name,
          cells: [<a key="a" href={`/admin/groups/${encodeURIComponent(m.group_name)}`}>{m.group_name}</a>, m.roles.join(', '), m.offices.join(', ') || '—', m.states.join(', ') || '—', m.version, m.updated_by],
        }))}
      />
    </>
  );
}

export function GroupDetailView({ lang, detail }: { lang: Lang; detail: Awaited<ReturnType<typeof groupDetail>> }) {
  const p = detail.preview;
  return (
    <>
      {p ? (
        <section className="panel" aria-labelledby="group-preview" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="group-preview">{ta(lang, 'groupPreview')}</h2>
          <dl className="facts" data-testid="group-preview">
            <dt>{ta(lang, 'previewDashboards')}</dt>
            <dd>{p.rights.dashboards.join(', ') || '—'}</dd>
            <dt>{ta(lang, 'previewReports')}</dt>
            <dd>{p.rights.reports.join(', ') || '—'}</dd>
            <dt>{ta(lang, 'previewExports')}</dt>
            <dd>{p.rights.exports.join(', ') || '—'}</dd>
            <dt>{ta(lang, 'colOffices')}</dt>
            <dd>{p.offices.join(', ') || '—'}</dd>
            <dt>{ta(lang, 'colStates')}</dt>
            <dd>{p.states.join(', ') || '—'}</dd>
          </dl>
        </section>
      ) : null}
      <section className="panel" aria-labelledby="group-history" style={{ marginTop: 'var(--gap)' }}>
        <h2 id="group-history">{ta(lang, 'history')}</h2>
        <AdminTable
          lang={lang}
          label={ta(lang, 'history')}
          testId="group-history"
          headers={(['colVersion', 'colChangedAt', 'colChangedBy', 'colRoles', 'colOffices', 'colStates'] as const).map((k) => ta(lang, k))}
          rows={detail.history.map((h) => ({ key: String(h.version), cells: [h.deleted ? `${h.version} (${ta(lang, 'deleted')})` : h.version, formatDate(h.changed_at, lang), h.changed_by, h.roles.join(', '), h.offices.join(', ') || '—', h.states.join(', ') || '—'] }))}
        />
      </section>
    </>
  );
}
