/**
 * The web side of single sign-on: the provider's settings, the redirect URI, the cookie that binds a
 * login in progress to the browser, and the answers of the two routes.
 */
import 'server-only';
import type { NextRequest } from 'next/server';
import { UserError } from '../../platform/errors';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../roles/auth';
import { OidcLoginError, beginOidcLogin, completeOidcLogin, type OidcSettings } from '../../roles/oidc';
import { safeNext } from '../safe-next';
import { authSettings, clientAddress, secureCookies } from './http';
import { appDb, services } from './services';

export const STATE_COOKIE = 'fis_oidc_state';

export function oidcSettings(): OidcSettings {
  const o = services().config.oidc;
  if (!o) throw new UserError('Single sign-on is not configured.', { httpStatus: 404 });
  return o;
}

/** Where FIS is reached: FIS_PUBLIC_URL, or the request's own origin. */
export const publicOrigin = (req: NextRequest) => services().config.publicUrl ?? req.nextUrl.origin;
export const redirectUri = (req: NextRequest) => `${publicOrigin(req)}/api/auth/oidc/callback`;

export function cookie(name: string, value: string, opts: { httpOnly: boolean; secure: boolean; maxAge?: number; path?: string }) {
  return [`${name}=${value}`, `Path=${opts.path ?? '/'}`, 'SameSite=Lax', ...(opts.httpOnly ? ['HttpOnly'] : []), ...(opts.secure ? ['Secure'] : []), ...(opts.maxAge !== undefined ? [`Max-Age=${opts.maxAge}`] : [])].join('; ');
}

const redirect = (location: string, cookies: string[] = []) => {
  const headers = new Headers({ location, 'cache-control': 'no-store' });
  for (const c of cookies) headers.append('set-cookie', c);
  return new Response(null, { status: 302, headers });
};

export async function startSso(req: NextRequest): Promise<Response> {
  const s = oidcSettings();
  const next = safeNext(req.nextUrl.searchParams.get('next'));
  const { url, state } = await beginOidcLogin(await appDb(), s, redirectUri(req), next);
  return redirect(url, [cookie(STATE_COOKIE, state, { httpOnly: true, secure: secureCookies(req), maxAge: 600, path: '/api/auth/oidc' })]);
}

export async function finishSso(req: NextRequest): Promise<Response> {
  const s = oidcSettings();
  const secure = secureCookies(req);
  const clearState = cookie(STATE_COOKIE, '', { httpOnly: true, secure, maxAge: 0, path: '/api/auth/oidc' });
  // the URL the provider redirected to, as registered (behind a proxy the request's own may differ)
  const current = new URL(`${redirectUri(req)}${req.nextUrl.search}`);
  try {
    const r = await completeOidcLogin(await appDb(), s, current, { client: clientAddress(req), browserState: req.cookies.get(STATE_COOKIE)?.value, previousToken: req.cookies.get(SESSION_COOKIE)?.value }, authSettings());
    return redirect(safeNext(r.next), [clearState, cookie(SESSION_COOKIE, r.token, { httpOnly: true, secure }), cookie(CSRF_COOKIE, r.csrf, { httpOnly: false, secure })]);
  } catch (e) {
    if (e instanceof OidcLoginError || (e instanceof UserError && e.httpStatus === 503)) {
      const code = e instanceof OidcLoginError ? e.code : 'provider';
      return redirect(`/login?sso=${code}`, [clearState]);
    }
    throw e;
  }
}

/** What the login page offers: single sign-on (its name) and who may use a local password. */
export const loginOptions = () => ({ sso: services().config.oidc?.name, local: services().config.localLogin });
