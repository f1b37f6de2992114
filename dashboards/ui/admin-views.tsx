/**
 * Administration views: users and roles (read; changed with `fis users` / `fis roles`), and the
 * audit log with filters and CSV download. Shown only to users with an administrative right —
 * which grants no case data.
 */
import type { AuditEntry, AuditQuery, StoredRole, StoredUser } from '../../roles/store';
import { formatDate, t, type Lang } from '../i18n';

/** A plain table: column headings, and rows whose first cell heads the row. */
function AdminTable({ label, testId, headers, rows }: { label: string; testId: string; headers: string[]; rows: Array<{ key: string; cells: Array<string | number> }> }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={label}>
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            {headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, i) => (i === 0 ? <th scope="row" key={i}>{c}</th> : <td key={i} className={typeof c === 'number' ? 'num' : undefined}>{c}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
          <AdminTable
            label={t(lang, 'adminUsers')}
            testId="admin-users"
            headers={(['colUser', 'colName', 'colRoles', 'colOffices', 'colStates', 'colActive'] as const).map((k) => t(lang, k))}
            rows={users.map((u) => ({ key: u.username, cells: [u.username, u.display_name, u.roles.join(', '), u.offices.join(', '), u.states.join(', '), yes(u.active)] }))}
          />
        </section>
      ) : null}
      {roles ? (
        <section className="panel" aria-labelledby="admin-roles" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="admin-roles">{t(lang, 'adminRoles')}</h2>
          <AdminTable
            label={t(lang, 'adminRoles')}
            testId="admin-roles"
            headers={(['colRole', 'colName', 'colRules', 'colVersion', 'colChangedBy'] as const).map((k) => t(lang, k))}
            rows={roles.map((r) => ({ key: r.name, cells: [r.name, lang === 'de' ? r.label_de : r.label_en, r.rules.length, r.version, r.updated_by] }))}
          />
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
      <AdminTable
        label={t(lang, 'auditLog')}
        testId="audit"
        headers={(['colUser', 'colAt', 'colAction', 'colTarget', 'colOutcome', 'colDetails'] as const).map((k) => t(lang, k))}
        rows={rows.map((r) => ({ key: r.audit_id, cells: [r.actor, formatDate(r.at, lang), r.action, r.target ?? '', r.outcome, JSON.stringify(r.details)] }))}
      />
    </>
  );
}
