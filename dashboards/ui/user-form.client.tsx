'use client';
/**
 * Creating and changing a user: name, roles, scope (offices, states), active; and resetting the
 * password. A one-time password is shown once, here, to hand over — never stored or logged in
 * clear. Changes carry the version they were made on: a concurrent change is refused.
 */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { PublicUser } from '../server/admin';
import type { Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { sendJson } from './api.client';
import { FormError } from './form-error';
import { ScopeFieldsets, splitOffices } from './scope-fields';


function OneTimePassword({ lang, password }: { lang: Lang; password: string }) {
  return (
    <div className="panel notice" role="status">
      <p>{ta(lang, 'oneTimePasswordIntro')}</p>
      <p>
        <code data-testid="one-time-password">{password}</code>
      </p>
    </div>
  );
}

export function UserForm({ lang, user, roles, states, self = false }: { lang: Lang; user?: PublicUser; roles: Array<{ name: string; label: string }>; states: Array<{ code: string; label: string }>; self?: boolean }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [password, setPassword] = useState('');
  const [saved, setSaved] = useState(false);

  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const fields = {
      display_name: String(f.get('display_name') ?? ''),
      roles: f.getAll('roles').map(String),
      offices: splitOffices(String(f.get('offices') ?? '')),
      states: f.getAll('states').map(String),
      email: String(f.get('email') ?? '').trim(),
    };
    setBusy(true);
    setError('');
    setSaved(false);
    // one's own roles, scope and active flag are another admin's to change (the server refuses too)
    const change = self ? { display_name: fields.display_name, email: fields.email } : { ...fields, active: f.get('active') === 'on' };
    const r = user
      ? await sendJson('PATCH', `/api/admin/users/${encodeURIComponent(user.username)}`, { change, version: user.version }, ta(lang, 'errorTitle'))
      : await sendJson<{ password: string }>('POST', '/api/admin/users', { username: String(f.get('username') ?? '').trim(), ...fields }, ta(lang, 'errorTitle'));
    setBusy(false);
    if (r.error) return setError(r.error);
    if (!user) setPassword((r.body as { password: string }).password);
    setSaved(true);
    router.refresh();
  };

  const reset = async () => {
    if (!user || !window.confirm(ta(lang, 'passwordResetConfirm', { name: user.username }))) return;
    setBusy(true);
    const r = await sendJson<{ password: string }>('POST', `/api/admin/users/${encodeURIComponent(user.username)}/password`, undefined, ta(lang, 'errorTitle'));
    setBusy(false);
    if (r.error) setError(r.error);
    else setPassword(r.body!.password);
  };

  return (
    <form className="user-form" onSubmit={submit} aria-describedby={error ? `${id}-error` : undefined}>
      {self ? <p className="hint" id={`${id}-self`}>{ta(lang, 'ownAccessLocked')}</p> : null}
      <div className="filters">
        <div className="filter">
          <label htmlFor={`${id}-username`}>{ta(lang, 'username')}</label>
          <input id={`${id}-username`} name="username" defaultValue={user?.username ?? ''} readOnly={!!user} required pattern="[a-z][a-z0-9._\-]{1,47}" autoComplete="off" />
        </div>
        <div className="filter" style={{ flex: '1 1 260px' }}>
          <label htmlFor={`${id}-display`}>{ta(lang, 'colName')}</label>
          <input id={`${id}-display`} name="display_name" defaultValue={user?.display_name ?? ''} required />
        </div>
        <div className="filter" style={{ flex: '1 1 260px' }}>
          <label htmlFor={`${id}-email`}>{ta(lang, 'colEmail')}</label>
          <input id={`${id}-email`} name="email" type="email" defaultValue={user?.email ?? ''} autoComplete="off" placeholder="name@example.org" />
        </div>
        <div className="filter">
          <label htmlFor={`${id}-offices`}>{ta(lang, 'colOffices')}</label>
          <input id={`${id}-offices`} name="offices" defaultValue={user?.offices.join(', ') ?? ''} placeholder="MUC, BER" disabled={self} />
        </div>
        {user ? (
          <label className="inline">
            <input type="checkbox" name="active" defaultChecked={user.active} disabled={self} /> {ta(lang, 'colActive')}
          </label>
        ) : null}
      </div>
      <ScopeFieldsets lang={lang} choices={{ roles, states }} value={user} disabled={self} describedBy={self ? `${id}-self` : undefined} />
      <div className="filter-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {ta(lang, user ? 'save' : 'userCreate')}
        </button>
        {user ? (
          <button type="button" className="button-secondary" onClick={() => void reset()} disabled={busy}>
            {ta(lang, 'passwordReset')}
          </button>
        ) : null}
      </div>
      <FormError id={id} error={error} />
      {saved && !password ? <p role="status">{ta(lang, 'saved')}</p> : null}
      {password ? <OneTimePassword lang={lang} password={password} /> : null}
    </form>
  );
}
