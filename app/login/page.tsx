import { currentLang } from '@/dashboards/server/page';
import { t } from '@/dashboards/i18n';
import { safeNext } from '@/dashboards/safe-next';
import { LoginForm } from '@/dashboards/ui/login-form.client';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const lang = await currentLang();
  const { next } = await searchParams;
  return (
    <main id="main" className="login-page">
      <h1>{t(lang, 'appName')}</h1>
      <section className="login-box" aria-labelledby="login-title">
        <h2 id="login-title">{t(lang, 'loginTitle')}</h2>
        <LoginForm lang={lang} next={safeNext(next)} />
      </section>
      <p className="muted">{t(lang, 'fictitious')}</p>
    </main>
  );
}
