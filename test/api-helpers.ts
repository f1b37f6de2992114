/**
 * Helpers for tests of the route handlers: requests as Next passes them behind FIS's own web server
 * (which sets `x-fis-peer` to the socket's address; these tests play that server), and logging in
 * through the real session route.
 */
import { NextRequest } from 'next/server';
import { PEER_HEADER, trustPeerHeader } from '../platform/peer';

trustPeerHeader();

export type Handler = (req: NextRequest, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RequestInit {
  method?: string;
  body?: unknown;
  cookie?: string;
  csrf?: string;
  headers?: Record<string, string>;
}

export const req = (path: string, init: RequestInit = {}) =>
  new NextRequest(`http://localhost${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
      [PEER_HEADER]: '10.1.2.3',
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

export interface Login {
  status: number;
  cookies: string[];
  /** the session cookie as a Cookie header */
  cookie: string;
  csrf: string;
  body: { csrfToken?: string; error?: string };
}

/** Logs in through POST /api/session (the route module is imported lazily, after the test set FIS_DATA_DIR). */
export async function login(username: string, password = 'demo-password-1', headers: Record<string, string> = {}): Promise<Login> {
  const session = (await import('../app/api/session/route')) as unknown as { POST: Handler };
  const r = await session.POST(req('/api/session', { method: 'POST', body: { username, password }, headers }));
  const cookies = r.headers.getSetCookie();
  const token = /fis_session=([^;]+)/.exec(cookies.join('\n'))?.[1];
  const body = (await r.json()) as Login['body'];
  return { status: r.status, cookies, cookie: token ? `fis_session=${token}` : '', csrf: body.csrfToken ?? '', body };
}
