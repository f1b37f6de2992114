import type { ReactNode } from 'react';
import { currentLang } from '@/dashboards/server/page';
import './globals.css';

export const metadata = { title: 'FIS – Führungsinformationssystem' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang={await currentLang()}>
      <body>{children}</body>
    </html>
  );
}
