import Link from 'next/link';
import { currentLang } from '@/dashboards/server/page';
import { t } from '@/dashboards/i18n';

export default async function Forbidden() {
  const lang = await currentLang();
  return (
    <main id="main" className="message-page">
      <h1>{t(lang, 'forbiddenTitle')}</h1>
      <p>{t(lang, 'forbiddenText')}</p>
      <Link href="/">{t(lang, 'back')}</Link>
    </main>
  );
}
