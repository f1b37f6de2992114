import type { ReactNode } from 'react';
import { currentLang, currentPrincipal } from '@/dashboards/server/page';
import { Shell } from '@/dashboards/ui/shell.server';
import { redirect } from 'next/navigation';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const principal = await currentPrincipal();
  if (!principal) redirect('/login');
  return (
    <Shell principal={principal} lang={await currentLang()}>
      {children}
    </Shell>
  );
}
