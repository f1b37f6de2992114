'use client';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { t, type Lang } from '../i18n';
import { postJson, safeNext } from './api.client';
import { FormError } from './form-error';

export function LoginForm({ lang, next }: { lang: Lang; next: string }) {
  const router = useRouter();
  const id = useId();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const form = new FormData(e.currentTarget);
    const error = await postJson('/api/session', { username: form.get('username'), password: form.get('password') }, t(lang, 'loginFailed'));
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
      <label htmlFor={`${id}-user`}>{t(lang, 'username')}</label>
      <input id={`${id}-user`} name="username" autoComplete="username" required autoFocus />
      <label htmlFor={`${id}-pass`}>{t(lang, 'password')}</label>
      <input id={`${id}-pass`} name="password" type="password" autoComplete="current-password" required />
      <FormError id={id} error={error} />
      <button type="submit" className="button-primary" disabled={busy}>
        {t(lang, 'login')}
      </button>
    </form>
  );
}
