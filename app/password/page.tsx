import { currentLang, requirePrincipal } from '@/dashboards/server/page';
import { t } from '@/dashboards/i18n';
import { safeNext } from '@/dashboards/safe-next';
import { PasswordForm } from '@/dashboards/ui/password-form.client';

export const dynamic = 'force-dynamic';

export default async function PasswordPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const principal = await requirePrincipal('/password');
  const lang = await currentLang();
  const { next } = await searchParams;
  return (
    <main id="main" className="login-page">
      <h1>{t(lang, 'appName')}</h1>
      <section className="login-box" aria-labelledby="password-title">
        <h2 id="password-title">{t(lang, 'passwordChange')}</h2>
        {principal.user.must_change_password ? <p>{t(lang, 'passwordMustChange')}</p> : null}
        <PasswordForm lang={lang} next={safeNext(next)} />
      </section>
    </main>
  );
}
