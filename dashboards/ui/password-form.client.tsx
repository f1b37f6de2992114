'use client';
/** Changing one's own password (required after a one-time password). */
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { t, type Lang } from '../i18n';
import { postJson, safeNext } from './api.client';
import { FormError } from './form-error';

export function PasswordForm({ lang, next }: { lang: Lang; next: string }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    if (form.get('next') !== form.get('repeat')) {
      setError(t(lang, 'passwordMismatch'));
      return;
    }
    setBusy(true);
    setError('');
    const error = await postJson('/api/session/password', { current: form.get('current'), next: form.get('next') }, t(lang, 'errorTitle'));
    if (!error) {
      router.push(safeNext(next));
      router.refresh();
      return;
    }
    setError(error);
    setBusy(false);
  };
  return (
    <form className="login-form" onSubmit={submit} aria-describedby={error ? `${id}-error` : undefined}>
      <label htmlFor={`${id}-current`}>{t(lang, 'passwordCurrent')}</label>
      <input id={`${id}-current`} name="current" type="password" autoComplete="current-password" required autoFocus />
      <label htmlFor={`${id}-next`}>{t(lang, 'passwordNew')}</label>
      <input id={`${id}-next`} name="next" type="password" autoComplete="new-password" minLength={10} required />
      <label htmlFor={`${id}-repeat`}>{t(lang, 'passwordRepeat')}</label>
      <input id={`${id}-repeat`} name="repeat" type="password" autoComplete="new-password" minLength={10} required />
      <FormError id={id} error={error} />
      <button type="submit" className="button-primary" disabled={busy}>
        {t(lang, 'passwordChange')}
      </button>
    </form>
  );
}
