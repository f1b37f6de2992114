/** Session and language for server-rendered pages. */
import 'server-only';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { redirect } from 'next/navigation';
import type { Principal } from '../../roles/access';
import { SESSION_COOKIE } from '../../roles/auth';
import { LANG_COOKIE, type Lang } from '../i18n';
import { resolveSession } from './http';

export async function currentLang(): Promise<Lang> {
  // German first: the users are German officials; English on request (cookie set by the switch)
  return (await cookies()).get(LANG_COOKIE)?.value === 'en' ? 'en' : 'de';
}

/** The logged-in user of this request (the layout, the page and its parts ask once between them). */
export const currentPrincipal = cache(async (): Promise<Principal | undefined> => (await resolveSession((await cookies()).get(SESSION_COOKIE)?.value)).principal);

/** The logged-in user, or a redirect to the login page that comes back here. */
export async function requirePrincipal(path: string): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) redirect(`/login?next=${encodeURIComponent(path)}`);
  // a one-time password leads to the password change first
  if (p.user.must_change_password && path !== '/password') redirect(`/password?next=${encodeURIComponent(path)}`);
  return p;
}
