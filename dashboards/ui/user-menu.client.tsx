'use client';
/** Language switch and logout. */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { LANG_COOKIE, t, type Lang } from '../i18n';
import { csrfToken } from './api.client';

export function UserMenu({ lang, displayName }: { lang: Lang; displayName: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const setLang = (l: Lang) => {
    document.cookie = `${LANG_COOKIE}=${l}; Path=/; Max-Age=31536000; SameSite=Lax`;
    router.refresh();
  };
  const logout = async () => {
    setBusy(true);
    const r = await fetch('/api/session', { method: 'DELETE', headers: { 'x-csrf-token': csrfToken() } });
    // signed on through the authority's identity provider: end that session too (RP-initiated logout)
    const body = r.ok ? ((await r.json().catch(() => ({}))) as { endSessionUrl?: string }) : {};
    if (body.endSessionUrl) {
      window.location.assign(body.endSessionUrl);
      return;
    }
    router.push('/login');
    router.refresh();
  };
  return (
    <div className="user-menu" role="group" aria-label={t(lang, 'userMenu')}>
      <span className="user-name" title={displayName}>
        {displayName}
      </span>
      <span className="lang-switch" role="group" aria-label={t(lang, 'language')}>
        <button type="button" className="link-button" aria-pressed={lang === 'de'} lang="de" onClick={() => setLang('de')}>
          DE
        </button>
        <button type="button" className="link-button" aria-pressed={lang === 'en'} lang="en" onClick={() => setLang('en')}>
          EN
        </button>
      </span>
      <button type="button" className="button-secondary" onClick={logout} disabled={busy}>
        {t(lang, 'logout')}
      </button>
    </div>
  );
}
