import Link from 'next/link';
import { currentLang } from '@/dashboards/server/page';
import { t } from '@/dashboards/i18n';

export default async function NotFound() {
  const lang = await currentLang();
  return (
    <main id="main" className="message-page">
      <h1>{t(lang, 'notFoundTitle')}</h1>
      <Link href="/">{t(lang, 'back')}</Link>
    </main>
  );
}
