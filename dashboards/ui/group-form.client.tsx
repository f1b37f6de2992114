'use client';
/**
 * Mapping a group of the identity provider to FIS roles and scope: create, change (carrying the
 * version it was loaded at — a concurrent change is refused), delete. Members get it at their next
 * single sign-on.
 */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { sendJson } from './api.client';
import { FormError } from './form-error';
import { ScopeFieldsets, splitOffices, type ScopeChoices } from './scope-fields';

interface Mapping {
  group_name: string;
  roles: string[];
  offices: string[];
  states: string[];
  version: number;
}

export function GroupForm({ lang, mapping, choices }: { lang: Lang; mapping?: Mapping; choices: ScopeChoices }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const change = { roles: f.getAll('roles').map(String), offices: splitOffices(String(f.get('offices') ?? '')), states: f.getAll('states').map(String) };
    const group = mapping?.group_name ?? String(f.get('group') ?? '').trim();
    setBusy(true);
    setError('');
    setSaved(false);
    const r = mapping
      ? await sendJson('PUT', `/api/admin/groups/${encodeURIComponent(group)}`, { change, version: mapping.version }, ta(lang, 'errorTitle'))
      : await sendJson('POST', '/api/admin/groups', { group, ...change }, ta(lang, 'errorTitle'));
    setBusy(false);
    if (r.error) return setError(r.error);
    setSaved(true);
    if (!mapping) router.push(`/admin/groups/${encodeURIComponent(group)}`);
    else router.refresh();
  };

  const remove = async () => {
    if (!mapping || !window.confirm(ta(lang, 'groupDeleteConfirm', { name: mapping.group_name }))) return;
    setBusy(true);
    const r = await sendJson('DELETE', `/api/admin/groups/${encodeURIComponent(mapping.group_name)}?version=${mapping.version}`, undefined, ta(lang, 'errorTitle'));
    setBusy(false);
    if (r.error) return setError(r.error);
    router.push('/admin/groups');
  };

  return (
    <form className="user-form" onSubmit={submit} aria-describedby={error ? `${id}-error` : undefined}>
      <div className="filters">
        <div className="filter" style={{ flex: '1 1 320px' }}>
          <label htmlFor={`${id}-group`}>{ta(lang, 'colGroup')}</label>
          <input id={`${id}-group`} name="group" defaultValue={mapping?.group_name ?? ''} readOnly={!!mapping} required maxLength={200} placeholder="fis-regional-08-09" autoComplete="off" />
        </div>
        <div className="filter">
          <label htmlFor={`${id}-offices`}>{ta(lang, 'colOffices')}</label>
          <input id={`${id}-offices`} name="offices" defaultValue={mapping?.offices.join(', ') ?? ''} placeholder="MUC, BER" />
        </div>
      </div>
      <ScopeFieldsets lang={lang} choices={choices} value={mapping} />
      <div className="filter-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {ta(lang, mapping ? 'save' : 'groupCreate')}
        </button>
        {mapping ? (
          <button type="button" className="button-secondary" onClick={() => void remove()} disabled={busy}>
            {ta(lang, 'groupDelete')}
          </button>
        ) : null}
      </div>
      <FormError id={id} error={error} />
      {saved ? <p role="status">{ta(lang, 'saved')}</p> : null}
    </form>
  );
}
