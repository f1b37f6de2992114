// POST /api/session — log in ({username, password} as JSON); DELETE — log out; GET — who am I.
import { z } from 'zod';
import { clientAddress, errorResponse, json, route, secureCookies } from '@/dashboards/server/http';
import { appDb, services } from '@/dashboards/server/services';
import { publicOrigin } from '@/dashboards/server/sso';
import { endSessionUrl as providerLogoutUrl } from '@/roles/oidc';
import { describeRights } from '@/dashboards/rights';
import { CSRF_COOKIE, SESSION_COOKIE, login, logout } from '@/roles/auth';
import { authSettings } from '@/dashboards/server/http';

export const dynamic = 'force-dynamic';

const body = z.object({ username: z.string().trim().toLowerCase().max(64), password: z.string().max(200) }).strict();

function cookie(name: string, value: string, opts: { httpOnly: boolean; secure: boolean; maxAge?: number }) {
  return [`${name}=${value}`, 'Path=/', 'SameSite=Lax', ...(opts.httpOnly ? ['HttpOnly'] : []), ...(opts.secure ? ['Secure'] : []), ...(opts.maxAge !== undefined ? [`Max-Age=${opts.maxAge}`] : [])].join('; ');
}

export const POST = route(
  async ({ req, session }) => {
    if (!(req.headers.get('content-type') ?? '').startsWith('application/json')) return errorResponse(415, 'Send the login as JSON (Content-Type: application/json).');
    const parsed = body.safeParse(await req.json().catch(() => undefined));
    if (!parsed.success) return errorResponse(400, 'Send {"username": …, "password": …}.');
    const db = await appDb();
    const r = await login(db, parsed.data.username, parsed.data.password, { client: clientAddress(req), previousToken: req.cookies.get(SESSION_COOKIE)?.value }, authSettings());
    void session;
    const secure = secureCookies(req);
    const headers = new Headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    headers.append('set-cookie', cookie(SESSION_COOKIE, r.token, { httpOnly: true, secure }));
    headers.append('set-cookie', cookie(CSRF_COOKIE, r.csrf, { httpOnly: false, secure }));
    return new Response(
      JSON.stringify({ username: r.user.username, displayName: r.user.display_name, csrfToken: r.csrf, mustChangePassword: r.user.must_change_password }),
      { status: 200, headers },
    );
  },
  { auth: 'none' },
);

export const DELETE = route(async ({ req, principal }) => {
  const { idToken } = await logout(await appDb(), req.cookies.get(SESSION_COOKIE)?.value, principal!.user.username);
  // a single sign-on session ends at the provider too, where it offers that (the browser goes there next)
  const oidc = services().config.oidc;
  const endSessionUrl = oidc ? await providerLogoutUrl(oidc, idToken, `${publicOrigin(req)}/login`) : undefined;
  const headers = new Headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  headers.append('set-cookie', cookie(SESSION_COOKIE, '', { httpOnly: true, secure: secureCookies(req), maxAge: 0 }));
  headers.append('set-cookie', cookie(CSRF_COOKIE, '', { httpOnly: false, secure: secureCookies(req), maxAge: 0 }));
  return new Response(JSON.stringify({ loggedOut: true, ...(endSessionUrl ? { endSessionUrl } : {}) }), { status: 200, headers });
}, { beforePasswordChange: true });

export const GET = route(
  async ({ principal, session }) =>
    json({ username: principal!.user.username, displayName: principal!.user.display_name, csrfToken: session!.csrf, mustChangePassword: principal!.user.must_change_password, rights: describeRights(principal!) }),
  { beforePasswordChange: true },
);
