/**
 * Administration views: users and roles (read; changed with `fis users` / `fis roles`), and the
 * audit log with filters and CSV download. Shown only to users with an administrative right —
 * which grants no case data.
 */
import type { AuditEntry, AuditQuery, StoredRole, StoredUser } from '../../roles/store';
import { formatDate, t, type Lang } from '../i18n';

export function AdminOverview({ lang, users, roles, audit }: { lang: Lang; users?: StoredUser[]; roles?: StoredRole[]; audit: boolean }) {
  const yes = (b: boolean) => t(lang, b ? 'yes' : 'no');
  return (
    <>
      <h1>{t(lang, 'administration')}</h1>
      <p>{t(lang, 'adminCli')}</p>
      {audit ? (
        <p>
          <a href="/admin/audit">{t(lang, 'auditLog')}</a>
        </p>
      ) : null}
      {users ? (
        <section className="panel" aria-labelledby="admin-users">
          <h2 id="admin-users">{t(lang, 'adminUsers')}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="admin-users">
            <table className="data" data-testid="admin-users">
              <thead>
                <tr>
                  {(['colUser', 'colName', 'colRoles', 'colOffices', 'colStates', 'colActive'] as const).map((k) => (
                    <th scope="col" key={k}>
                      {t(lang, k)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.username}>
                    <th scope="row">{u.username}</th>
                    <td>{u.display_name}</td>
                    <td>{u.roles.join(', ')}</td>
                    <td>{u.offices.join(', ')}</td>
                    <td>{u.states.join(', ')}</td>
                    <td>{yes(u.active)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {roles ? (
        <section className="panel" aria-labelledby="admin-roles" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="admin-roles">{t(lang, 'adminRoles')}</h2>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="admin-roles">
            <table className="data" data-testid="admin-roles">
              <thead>
                <tr>
                  {(['colRole', 'colName', 'colRules', 'colVersion', 'colChangedBy'] as const).map((k) => (
                    <th scope="col" key={k}>
                      {t(lang, k)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {roles.map((r) => (
                  <tr key={r.name}>
                    <th scope="row">{r.name}</th>
                    <td>{lang === 'de' ? r.label_de : r.label_en}</td>
                    <td className="num">{r.rules.length}</td>
                    <td className="num">{r.version}</td>
                    <td>{r.updated_by}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

export function AuditView({ lang, q, rows, limit }: { lang: Lang; q: AuditQuery; rows: AuditEntry[]; limit: number }) {
  const csv = new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)), format: 'csv' });
  return (
    <>
      <h1>{t(lang, 'auditLog')}</h1>
      <p>{t(lang, 'auditIntro', { n: limit })}</p>
      <form className="filters" method="get" action="/admin/audit" aria-label={t(lang, 'filters')}>
        {(
          [
            ['actor', 'colUser', 'text'],
            ['action', 'colAction', 'text'],
            ['from', 'from', 'date'],
            ['to', 'to', 'date'],
          ] as const
        ).map(([name, label, type]) => (
          <div className="filter" key={name}>
            <label htmlFor={`audit-${name}`}>{t(lang, label)}</label>
            <input id={`audit-${name}`} name={name} type={type} defaultValue={q[name] ?? ''} />
          </div>
        ))}
        <div className="filter-actions">
          <button type="submit" className="button-secondary">
            {t(lang, 'apply')}
          </button>
          <a href={`/api/admin/audit?${csv.toString()}`} download>
            {t(lang, 'downloadCsv')}
          </a>
        </div>
      </form>
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t(lang, 'auditLog')}>
        <table className="data" data-testid="audit">
          <thead>
            <tr>
              {(['colAt', 'colUser', 'colAction', 'colTarget', 'colOutcome', 'colDetails'] as const).map((k) => (
                <th scope="col" key={k}>
                  {t(lang, k)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.audit_id}>
                <td>{formatDate(r.at, lang)}</td>
                <th scope="row">{r.actor}</th>
                <td>{r.action}</td>
                <td>{r.target ?? ''}</td>
                <td>{r.outcome}</td>
                <td>
                  <code>{JSON.stringify(r.details)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
