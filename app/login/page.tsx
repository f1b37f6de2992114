import { currentLang } from '@/dashboards/server/page';
import { loginOptions } from '@/dashboards/server/sso';
import { t } from '@/dashboards/i18n';
import { isSsoFailure, ts } from '@/dashboards/i18n-login';
import { safeNext } from '@/dashboards/safe-next';
import { LoginForm } from '@/dashboards/ui/login-form.client';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; sso?: string }> }) {
  const lang = await currentLang();
  const { next, sso } = await searchParams;
  const o = loginOptions();
  const target = safeNext(next);
  return (
    <main id="main" className="login-page">
      <h1>{t(lang, 'appName')}</h1>
      <section className="login-box" aria-labelledby="login-title">
        <h2 id="login-title">{t(lang, 'loginTitle')}</h2>
        {isSsoFailure(sso) ? (
          <p className="form-error" role="alert">
            {ts(lang, `sso_${sso}`)}
          </p>
        ) : null}
        {o.sso ? (
          <p>
            <a className="button-primary sso-button" href={`/api/auth/oidc/login?next=${encodeURIComponent(target)}`}>
              {ts(lang, 'ssoButton', { name: o.sso })}
            </a>
          </p>
        ) : null}
        {o.local !== 'off' ? (
          <>
            {o.sso ? <p className="hint">{o.local === 'admins' ? ts(lang, 'ssoAdminsOnly') : ts(lang, 'ssoOr')}</p> : null}
            <LoginForm lang={lang} next={target} />
          </>
        ) : null}
      </section>
      <p className="muted">{t(lang, 'fictitious')}</p>
    </main>
  );
}
