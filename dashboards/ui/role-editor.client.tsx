'use client';
/**
 * The structured role editor: rules as rows (subject, action, allow/deny, conditions of field ×
 * operator × value or placeholder), a preview "as a user with this role" before saving, and save
 * with the version it was loaded at (a concurrent change is refused with a sentence, nothing lost:
 * the form keeps what was typed). Validation is the server's: one sentence per problem.
 */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { conditionTerms, FIELD_LABELS, OPERATOR_LABELS, PLACEHOLDER_LABELS, actionLabel, subjectLabel } from '../../roles/describe';
import type { RoleDefinition, RoleRule } from '../../roles/permissions';
import { OPERATORS, PLACEHOLDERS, SUBJECTS, isPlaceholder, subjectSpec } from '../../roles/vocabulary';
import type { Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { sendJson } from './api.client';
import { FormError } from './form-error';

interface Condition {
  field: string;
  op: string;
  value: string;
}
interface Rule {
  key: number;
  subject: string;
  action: string;
  inverted: boolean;
  conditions: Condition[];
  reason: string;
}

let nextKey = 1;

const valueText = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v ?? ''));

function toRows(rules: readonly RoleRule[]): Rule[] {
  return rules.map((r) => ({
    key: nextKey++,
    subject: r.subject,
    action: r.action,
    inverted: r.inverted ?? false,
    reason: r.reason ?? '',
    conditions: conditionTerms(r.conditions).map((c) => ({ field: c.field, op: c.op, value: valueText(c.value) })),
  }));
}

function parseValue(op: string, text: string): unknown {
  const v = text.trim();
  if (isPlaceholder(v)) return v;
  if (op === '$in' || op === '$nin') return v.split(',').map((x) => x.trim()).filter(Boolean);
  return v;
}

function toRules(rows: readonly Rule[]): RoleRule[] {
  return rows.map((r) => {
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const c of r.conditions) (conditions[c.field] ??= {})[c.op] = parseValue(c.op, c.value);
    return {
      action: r.action,
      subject: r.subject,
      ...(Object.keys(conditions).length ? { conditions: conditions as RoleRule['conditions'] } : {}),
      ...(r.inverted ? { inverted: true } : {}),
      ...(r.reason.trim() ? { reason: r.reason.trim() } : {}),
    };
  });
}

interface Preview {
  rights: { dashboards: string[]; reports: string[]; exports: string[]; domains: string[]; unsuppressed: string[]; admin: Record<string, boolean> };
  offices: { all: boolean; codes: Array<{ code: string; name: string; state: string }> };
  states: Record<string, { all: boolean; codes: string[] } | null>;
  byNationality: boolean;
  sample: { question: string; sql: string } | null;
}

const list = (xs: string[], lang: Lang) => (xs.length ? xs.join(', ') : ta(lang, 'none'));

function PreviewView({ lang, p }: { lang: Lang; p: Preview }) {
  const yes = (b: boolean) => ta(lang, b ? 'yes' : 'no');
  return (
    <section className="panel" data-testid="preview" aria-labelledby="preview-title" aria-live="polite">
      <h2 id="preview-title">{ta(lang, 'previewTitle')}</h2>
      <dl className="facts">
        <dt>{ta(lang, 'dashboards')}</dt>
        <dd data-testid="preview-dashboards">{list(p.rights.dashboards, lang)}</dd>
        <dt>{ta(lang, 'reports')}</dt>
        <dd>{list(p.rights.reports, lang)}</dd>
        <dt>{ta(lang, 'exportFormats')}</dt>
        <dd>{list(p.rights.exports, lang)}</dd>
        <dt>{ta(lang, 'dataDomains')}</dt>
        <dd>{list(p.rights.domains, lang)}</dd>
        <dt>{ta(lang, 'unsuppressedDomains')}</dt>
        <dd>{list(p.rights.unsuppressed, lang)}</dd>
        <dt>{ta(lang, 'offices')}</dt>
        <dd data-testid="preview-offices">
          {p.rights.domains.includes('asylum') ? (p.offices.all ? ta(lang, 'all') : list(p.offices.codes.map((o) => `${o.code} (${o.state})`), lang)) : '—'}
        </dd>
        {(['integration', 'vocational'] as const).map((d) => (
          <div key={d} style={{ display: 'contents' }}>
            <dt>{ta(lang, d === 'integration' ? 'statesIntegration' : 'statesVocational')}</dt>
            <dd>{p.states[d] ? (p.states[d]!.all ? ta(lang, 'all') : p.states[d]!.codes.join(', ')) : '—'}</dd>
          </div>
        ))}
        <dt>{ta(lang, 'administration')}</dt>
        <dd>{Object.entries(p.rights.admin).map(([k, v]) => `${k}: ${yes(v)}`).join(' · ')}</dd>
      </dl>
      {p.byNationality ? <p className="hint">{ta(lang, 'previewNationality')}</p> : null}
      {p.sample ? (
        <details>
          <summary>
            {ta(lang, 'previewSample')}: <code>{p.sample.question}</code>
          </summary>
          <pre className="sql">{p.sample.sql}</pre>
        </details>
      ) : null}
      <p className="hint">{ta(lang, 'previewNoFigures')}</p>
    </section>
  );
}

export function RoleEditor({ lang, initial, version }: { lang: Lang; initial: RoleDefinition; version: number | null }) {
  const router = useRouter();
  const id = useId();
  const creating = version === null;
  const [meta, setMeta] = useState({ name: initial.name, label_de: initial.label_de, label_en: initial.label_en, description: initial.description });
  const [rules, setRules] = useState<Rule[]>(() => toRows(initial.rules));
  const [scope, setScope] = useState({ offices: 'MUC', states: '09' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);

  const definition = () => ({ ...meta, rules: toRules(rules) });
  const change = (key: number, f: (r: Rule) => Rule) => {
    setRules((rs) => rs.map((r) => (r.key === key ? f(r) : r)));
    setPreview(null);
  };

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };

  const showPreview = () =>
    run(async () => {
      const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
      const r = await sendJson<Preview>('POST', '/api/admin/role-preview', { definition: definition(), scope: { offices: split(scope.offices), states: split(scope.states) } }, ta(lang, 'errorTitle'));
      if (r.error) setError(r.error);
      else setPreview(r.body!);
    });

  const save = () =>
    run(async () => {
      const r = creating
        ? await sendJson('POST', '/api/admin/roles', definition(), ta(lang, 'errorTitle'))
        : await sendJson('PUT', `/api/admin/roles/${encodeURIComponent(initial.name)}`, { definition: definition(), version }, ta(lang, 'errorTitle'));
      if (r.error) {
        setError(r.error);
        return;
      }
      if (creating) router.push(`/admin/roles/${encodeURIComponent(meta.name)}`);
      router.refresh();
    });

  const remove = () =>
    run(async () => {
      if (!window.confirm(ta(lang, 'roleDeleteConfirm', { name: initial.name }))) return;
      const r = await sendJson('DELETE', `/api/admin/roles/${encodeURIComponent(initial.name)}?version=${version}`, undefined, ta(lang, 'errorTitle'));
      if (r.error) setError(r.error);
      else {
        router.push('/admin');
        router.refresh();
      }
    });

  const field = (name: 'name' | 'label_de' | 'label_en', label: string) => (
    <div className="filter">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        name={name}
        value={meta[name]}
        readOnly={name === 'name' && !creating}
        required
        onChange={(e) => {
          setMeta({ ...meta, [name]: e.target.value });
          setPreview(null);
        }}
      />
    </div>
  );

  return (
    <form
      className="role-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <div className="filters">
        {field('name', ta(lang, 'colRole'))}
        {field('label_de', ta(lang, 'labelDe'))}
        {field('label_en', ta(lang, 'labelEn'))}
        <div className="filter" style={{ flex: '1 1 300px' }}>
          <label htmlFor={`${id}-description`}>{ta(lang, 'description')}</label>
          <input id={`${id}-description`} name="description" value={meta.description} onChange={(e) => setMeta({ ...meta, description: e.target.value })} />
        </div>
      </div>
      <fieldset className="panel rules">
        <legend>{ta(lang, 'rules')}</legend>
        {rules.map((r, n) => {
          const spec = subjectSpec(r.subject);
          const conditional = !!spec && spec.fields.length > 0 && !spec.unconditional?.includes(r.action);
          return (
            <div className="rule" data-testid="rule" key={r.key} role="group" aria-label={`${ta(lang, 'rule')} ${n + 1}`}>
              <select
                name="subject"
                aria-label={`${ta(lang, 'rule')} ${n + 1}: ${ta(lang, 'subject')}`}
                value={r.subject}
                onChange={(e) => change(r.key, (x) => ({ ...x, subject: e.target.value, action: subjectSpec(e.target.value)?.actions[0] ?? '', conditions: [] }))}
              >
                {Object.keys(SUBJECTS).map((s) => (
                  <option key={s} value={s}>
                    {subjectLabel(s, lang)}
                  </option>
                ))}
              </select>
              <select name="action" aria-label={`${ta(lang, 'rule')} ${n + 1}: ${ta(lang, 'action')}`} value={r.action} onChange={(e) => change(r.key, (x) => ({ ...x, action: e.target.value }))}>
                {(spec?.actions ?? [r.action]).map((a) => (
                  <option key={a} value={a}>
                    {actionLabel(a, lang)}
                  </option>
                ))}
              </select>
              <label className="inline">
                <input type="checkbox" name="inverted" checked={r.inverted} onChange={(e) => change(r.key, (x) => ({ ...x, inverted: e.target.checked }))} /> {ta(lang, 'deny')}
              </label>
              <button type="button" className="link-button" onClick={() => setRules((rs) => rs.filter((x) => x.key !== r.key))}>
                {ta(lang, 'ruleRemove')}
              </button>
              {r.conditions.map((c, i) => (
                <div className="condition" data-testid="condition" key={i}>
                  <span aria-hidden="true">{i === 0 ? ta(lang, 'where') : ta(lang, 'and')}</span>
                  <select name="field" aria-label={`${ta(lang, 'condition')} ${i + 1}: ${ta(lang, 'field')}`} value={c.field} onChange={(e) => change(r.key, (x) => ({ ...x, conditions: x.conditions.map((y, j) => (j === i ? { ...y, field: e.target.value } : y)) }))}>
                    {(spec?.fields ?? [c.field]).map((f) => (
                      <option key={f} value={f}>
                        {FIELD_LABELS[f]?.[lang] ?? f}
                      </option>
                    ))}
                  </select>
                  <select name="op" aria-label={`${ta(lang, 'condition')} ${i + 1}: ${ta(lang, 'operator')}`} value={c.op} onChange={(e) => change(r.key, (x) => ({ ...x, conditions: x.conditions.map((y, j) => (j === i ? { ...y, op: e.target.value } : y)) }))}>
                    {OPERATORS.map((o) => (
                      <option key={o} value={o}>
                        {OPERATOR_LABELS[o]}
                      </option>
                    ))}
                  </select>
                  <input
                    name="value"
                    list={`${id}-placeholders`}
                    aria-label={`${ta(lang, 'condition')} ${i + 1}: ${ta(lang, 'value')}`}
                    value={c.value}
                    placeholder={ta(lang, 'valueHint')}
                    onChange={(e) => change(r.key, (x) => ({ ...x, conditions: x.conditions.map((y, j) => (j === i ? { ...y, value: e.target.value } : y)) }))}
                  />
                  <button type="button" className="link-button" onClick={() => change(r.key, (x) => ({ ...x, conditions: x.conditions.filter((_, j) => j !== i) }))}>
                    {ta(lang, 'conditionRemove')}
                  </button>
                </div>
              ))}
              {conditional ? (
                <button type="button" className="link-button" onClick={() => change(r.key, (x) => ({ ...x, conditions: [...x.conditions, { field: spec!.fields[0]!, op: '$in', value: '' }] }))}>
                  {ta(lang, 'conditionAdd')}
                </button>
              ) : null}
            </div>
          );
        })}
        <datalist id={`${id}-placeholders`}>
          {Object.keys(PLACEHOLDERS).map((p) => (
            <option key={p} value={p}>
              {PLACEHOLDER_LABELS[p as keyof typeof PLACEHOLDERS][lang]}
            </option>
          ))}
        </datalist>
        <button type="button" className="button-secondary" onClick={() => setRules((rs) => [...rs, { key: nextKey++, subject: 'Dashboard', action: 'view', inverted: false, conditions: [], reason: '' }])}>
          {ta(lang, 'ruleAdd')}
        </button>
      </fieldset>
      <div className="filters">
        <div className="filter">
          <label htmlFor={`${id}-scope-offices`}>{ta(lang, 'previewOffices')}</label>
          <input id={`${id}-scope-offices`} value={scope.offices} onChange={(e) => setScope({ ...scope, offices: e.target.value })} />
        </div>
        <div className="filter">
          <label htmlFor={`${id}-scope-states`}>{ta(lang, 'previewStates')}</label>
          <input id={`${id}-scope-states`} value={scope.states} onChange={(e) => setScope({ ...scope, states: e.target.value })} />
        </div>
        <div className="filter-actions">
          <button type="button" className="button-secondary" onClick={() => void showPreview()} disabled={busy}>
            {ta(lang, 'preview')}
          </button>
          <button type="submit" className="button-primary" disabled={busy}>
            {ta(lang, creating ? 'roleCreate' : 'save')}
          </button>
          {!creating ? (
            <button type="button" className="button-secondary" onClick={() => void remove()} disabled={busy}>
              {ta(lang, 'delete')}
            </button>
          ) : null}
        </div>
      </div>
      <FormError id={id} error={error} />
      {preview ? <PreviewView lang={lang} p={preview} /> : null}
    </form>
  );
}
