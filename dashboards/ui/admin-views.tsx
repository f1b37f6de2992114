/**
 * Administration views: the overview of users and roles, a role's history with readable diffs,
 * the pipeline monitor, and the audit log with filters and CSV download. Shown only to users with
 * an administrative right — which grants no case data.
 */
import { describeRule, diffRoles } from '../../roles/describe';
import type { AuditEntry, AuditQuery, RoleVersion, StoredRole, StoredUser } from '../../roles/store';
import type { EtlStatus } from '../../etl/status';
import { formatDate, type Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { AutoRefresh, RestoreButton, RunNowButtons } from './admin-actions.client';
import { AnswersSection } from './answers-status';
import type { AnswersStatus } from '../server/answers';

/** A plain table: column headings, and rows whose first cell heads the row. */
export function AdminTable({ lang, label, testId, headers, rows, empty }: { lang: Lang; label: string; testId: string; headers: string[]; rows: Array<{ key: string; cells: Array<React.ReactNode> }>; empty?: string }) {
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
              {r.cells.map((c, i) =>
                i === 0 ? (
                  <th scope="row" key={i}>
                    {c}
                  </th>
                ) : (
                  <td key={i} className={typeof c === 'number' ? 'num' : undefined}>
                    {typeof c === 'number' ? c.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB') : c}
                  </td>
                ),
              )}
            </tr>
          ))}
          {!rows.length && empty ? (
            <tr>
              <td colSpan={headers.length}>{empty}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

export function AdminOverview({ lang, users, roles, audit, pipeline }: { lang: Lang; users?: StoredUser[]; roles?: StoredRole[]; audit: boolean; pipeline: boolean }) {
  const yes = (b: boolean) => ta(lang, b ? 'yes' : 'no');
  return (
    <>
      <h1>{ta(lang, 'administration')}</h1>
      <ul className="admin-links">
        {pipeline ? (
          <li>
            <a href="/admin/pipeline">{ta(lang, 'pipeline')}</a>
          </li>
        ) : null}
        {audit ? (
          <li>
            <a href="/admin/audit">{ta(lang, 'auditLog')}</a>
          </li>
        ) : null}
      </ul>
      {users ? (
        <section className="panel" aria-labelledby="admin-users">
          <h2 id="admin-users">{ta(lang, 'adminUsers')}</h2>
          <p>
            <a href="/admin/users/new">{ta(lang, 'userNew')}</a> · <a href="/admin/groups">{ta(lang, 'groupsTitle')}</a>
          </p>
          <AdminTable
            lang={lang}
            label={ta(lang, 'adminUsers')}
            testId="admin-users"
            headers={(['colUser', 'colName', 'colRoles', 'colOffices', 'colStates', 'colActive'] as const).map((k) => ta(lang, k))}
            rows={users.map((u) => ({ key: u.username, cells: [<a key="a" href={`/admin/users/${encodeURIComponent(u.username)}`}>{u.username}</a>, u.display_name, u.roles.join(', '), u.offices.join(', '), u.states.join(', '), yes(u.active)] }))}
          />
        </section>
      ) : null}
      {roles ? (
        <section className="panel" aria-labelledby="admin-roles" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="admin-roles">{ta(lang, 'adminRoles')}</h2>
          <p>
            <a href="/admin/roles/new">{ta(lang, 'roleNew')}</a>
          </p>
          <AdminTable
            lang={lang}
            label={ta(lang, 'adminRoles')}
            testId="admin-roles"
            headers={(['colRole', 'colName', 'colRules', 'colVersion', 'colChangedBy'] as const).map((k) => ta(lang, k))}
            rows={roles.map((r) => ({ key: r.name, cells: [<a key="a" href={`/admin/roles/${encodeURIComponent(r.name)}`}>{r.name}</a>, lang === 'de' ? r.label_de : r.label_en, r.rules.length, r.version, r.updated_by] }))}
          />
        </section>
      ) : null}
    </>
  );
}

/** Every version of a role, newest first, each with what changed against the one before and a restore button. */
export function RoleHistoryView({ lang, name, history, current }: { lang: Lang; name: string; history: RoleVersion[]; current: number | null }) {
  return (
    <section className="panel" aria-labelledby="role-history" style={{ marginTop: 'var(--gap)' }}>
      <h2 id="role-history">{ta(lang, 'history')}</h2>
      <ol className="history" data-testid="history">
        {history.map((h, i) => {
          const before = history[i + 1];
          const d = before && !h.deleted ? diffRoles(before, h) : undefined;
          return (
            <li key={h.version} data-version={h.version}>
              <p>
                <strong>
                  {ta(lang, 'colVersion')} {h.version}
                </strong>{' '}
                · {formatDate(h.changed_at, lang)} · {h.changed_by}
                {h.deleted ? ` · ${ta(lang, 'deleted')}` : ''}
                {h.version === current ? ` · ${ta(lang, 'currentVersion')}` : ''}
              </p>
              {d ? (
                <ul className="diff">
                  {d.fields.map((f) => (
                    <li key={f.field}>
                      {f.field}: „{f.from}“ → „{f.to}“
                    </li>
                  ))}
                  {d.removed.map((r, j) => (
                    <li key={`r${j}`} className="diff-removed">
                      − {describeRule(r, lang)}
                    </li>
                  ))}
                  {d.added.map((r, j) => (
                    <li key={`a${j}`} className="diff-added">
                      + {describeRule(r, lang)}
                    </li>
                  ))}
                  {!d.fields.length && !d.removed.length && !d.added.length ? <li>{ta(lang, 'noChange')}</li> : null}
                </ul>
              ) : !before && !h.deleted ? (
                <ul className="diff">
                  {h.rules.map((r, j) => (
                    <li key={j}>{describeRule(r, lang)}</li>
                  ))}
                </ul>
              ) : null}
              {h.version !== current && !h.deleted ? <RestoreButton lang={lang} name={name} version={h.version} current={current} /> : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

const seconds = (n: number | undefined, lang: Lang) => (n === undefined ? '' : `${n.toLocaleString(lang === 'de' ? 'de-DE' : 'en-GB', { maximumFractionDigits: 1 })} s`);

/** The pipeline monitor: freshness, schedule, runs (status, duration, rows per table and stage, reason), findings, quarantine. */
export function PipelineView({ lang, status, canRun, active, answers }: { lang: Lang; status: EtlStatus; canRun: boolean; active: boolean; answers?: AnswersStatus }) {
  const s = status;
  const last = s.runs[0];
  return (
    <>
      <h1>{ta(lang, 'pipeline')}</h1>
      <AutoRefresh active={active} />
      <p>
        {s.snapshot
          ? ta(lang, 'pipelineSnapshot', { id: s.snapshot.id, asOf: s.snapshot.dataAsOf ? formatDate(s.snapshot.dataAsOf, lang) : '—', at: formatDate(s.snapshot.publishedAt, lang) })
          : ta(lang, 'pipelineNoSnapshot')}
      </p>
      <p data-testid="schedule">
        {s.scheduler
          ? ta(lang, 'pipelineNext', { inc: s.scheduler.next.incremental ? formatDate(s.scheduler.next.incremental, lang) : '—', full: s.scheduler.next.full ? formatDate(s.scheduler.next.full, lang) : '—' })
          : ta(lang, 'pipelineNoScheduler')}
      </p>
      {canRun ? <RunNowButtons lang={lang} /> : null}
      {active ? (
        <p className="loading-flag" role="status">
          {ta(lang, 'pipelineRunning')}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="freshness" style={{ marginTop: 'var(--gap)' }}>
        <h2 id="freshness">{ta(lang, 'freshness')}</h2>
        <AdminTable
            lang={lang}
          label={ta(lang, 'freshness')}
          testId="freshness"
          headers={(['colSource', 'colLatestChange', 'colAgeHours', 'colThreshold', 'colStatus'] as const).map((k) => ta(lang, k))}
          rows={s.freshness.map((f) => ({
            key: f.system,
            cells: [f.system, f.latestChange ? formatDate(f.latestChange, lang) : '—', f.ageHours ?? '—', f.thresholdHours, ta(lang, f.fresh ? 'fresh' : 'stale')],
          }))}
        />
      </section>
      <section className="panel" aria-labelledby="runs" style={{ marginTop: 'var(--gap)' }}>
        <h2 id="runs">{ta(lang, 'runs')}</h2>
        <AdminTable
            lang={lang}
          label={ta(lang, 'runs')}
          testId="runs"
          headers={(['colRun', 'colMode', 'colTrigger', 'colStatus', 'colDuration', 'colExtracted', 'colQuarantined', 'colReason'] as const).map((k) => ta(lang, k))}
          rows={s.runs.map((r) => ({
            key: r.runId,
            cells: [
              formatDate(r.startedAt, lang),
              r.transform ? `${ta(lang, `mode_${r.mode}`)} · ${ta(lang, `transform_${r.transform.kind}`)}` : ta(lang, `mode_${r.mode}`),
              r.trigger,
              ta(lang, `run_${r.status}`),
              seconds(r.stages.total, lang),
              Object.values(r.tables).reduce((n, x) => n + x.extracted, 0),
              Object.values(r.tables).reduce((n, x) => n + x.quarantined, 0),
              r.error ?? '',
            ],
          }))}
        />
      </section>
      {last ? (
        <section className="panel" aria-labelledby="last-run" style={{ marginTop: 'var(--gap)' }}>
          <h2 id="last-run">{ta(lang, 'lastRun', { at: formatDate(last.startedAt, lang) })}</h2>
          <p>{Object.entries(last.stages).map(([k, v]) => `${k} ${seconds(v, lang)}`).join(' · ')}</p>
          <AdminTable
            lang={lang}
            label={ta(lang, 'lastRun', { at: '' })}
            testId="run-tables"
            headers={(['colTable', 'colExtracted', 'colStaged', 'colQuarantined', 'colPublished'] as const).map((k) => ta(lang, k))}
            rows={Object.entries(last.tables).map(([name, x]) => ({ key: name, cells: [name, x.extracted, x.staged, x.quarantined, x.published ?? '—'] }))}
          />
          {last.dq.findings.length ? (
            <>
              <h3>{ta(lang, 'findings')}</h3>
              <ul data-testid="findings">
                {last.dq.findings.map((f) => (
                  <li key={f.check}>
                    [{f.severity}] {f.check}: {f.failing}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}
      {answers ? <AnswersSection lang={lang} s={answers} /> : null}
      <section className="panel" aria-labelledby="quarantine" style={{ marginTop: 'var(--gap)' }}>
        <h2 id="quarantine">{ta(lang, 'quarantine')}</h2>
        <p className="hint">{ta(lang, 'quarantineHint')}</p>
        <AdminTable
            lang={lang}
          label={ta(lang, 'quarantine')}
          testId="quarantine"
          empty={ta(lang, 'quarantineEmpty')}
          headers={(['colTable', 'colReason', 'colRows', 'colSamples'] as const).map((k) => ta(lang, k))}
          rows={s.quarantine.map((q) => ({ key: `${q.source_table}|${q.reason}`, cells: [q.source_table, q.reason, q.rows, q.samples.map((x) => `${x.key}${x.date ? ` (${x.date})` : ''}`).join(', ')] }))}
        />
      </section>
    </>
  );
}

export function AuditView({ lang, q, rows, limit }: { lang: Lang; q: AuditQuery; rows: AuditEntry[]; limit: number }) {
  const csv = new URLSearchParams({ ...Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)), format: 'csv' });
  return (
    <>
      <h1>{ta(lang, 'auditLog')}</h1>
      <p>{ta(lang, 'auditIntro', { n: limit })}</p>
      <form className="filters" method="get" action="/admin/audit" aria-label={ta(lang, 'filters')}>
        {(
          [
            ['actor', 'colUser', 'text'],
            ['action', 'colAction', 'text'],
            ['from', 'from', 'date'],
            ['to', 'to', 'date'],
          ] as const
        ).map(([name, label, type]) => (
          <div className="filter" key={name}>
            <label htmlFor={`audit-${name}`}>{ta(lang, label)}</label>
            <input id={`audit-${name}`} name={name} type={type} defaultValue={q[name] ?? ''} />
          </div>
        ))}
        <div className="filter-actions">
          <button type="submit" className="button-secondary">
            {ta(lang, 'apply')}
          </button>
          <a href={`/api/admin/audit?${csv.toString()}`} download>
            {ta(lang, 'downloadCsv')}
          </a>
        </div>
      </form>
      <AdminTable
            lang={lang}
        label={ta(lang, 'auditLog')}
        testId="audit"
        headers={(['colUser', 'colAt', 'colAction', 'colTarget', 'colOutcome', 'colDetails'] as const).map((k) => ta(lang, k))}
        rows={rows.map((r) => ({ key: r.audit_id, cells: [r.actor, formatDate(r.at, lang), r.action, r.target ?? '', r.outcome, JSON.stringify(r.details)] }))}
      />
    </>
  );
}
