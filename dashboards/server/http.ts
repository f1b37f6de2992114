/**
 * The one wrapper every route handler goes through: it resolves the session (cookie → principal
 * with its rights), refuses anonymous callers (401) and state-changing requests without the CSRF
 * token (403), and turns errors into one sentence with the right status — never a stack trace.
 */
import 'server-only';
import { createReadStream, openSync, unlinkSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { NextRequest } from 'next/server';
import type { z } from 'zod';
import type { ExportFile } from '../exports/doc';
import { UserError, isUserError, oneLine } from '../../platform/errors';
import { createLogger } from '../../platform/logger';
import { clientAddressOf } from '../../platform/net';
import { PEER_HEADER, peerHeaderTrusted } from '../../platform/peer';
import { principalForSession, type Principal } from '../../roles/access';
import { CSRF_HEADER, DEFAULT_AUTH, SESSION_COOKIE, csrfValid, sessionFromToken, type AuthSettings, type Session } from '../../roles/auth';
import { appDb, services } from './services';

const log = createLogger('web');

export function authSettings(): AuthSettings {
  const c = services().config;
  return { ...DEFAULT_AUTH, idleMinutes: c.session.idleMinutes, maxFailures: c.session.maxLoginFailures, localLogin: c.localLogin, provider: c.oidc?.name };
}

export interface RequestContext {
  req: NextRequest;
  session?: Session;
  principal?: Principal;
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers } });

export const errorResponse = (status: number, message: string) => json({ error: message }, status);

export async function resolveSession(token: string | undefined): Promise<{ session?: Session; principal?: Principal }> {
  if (!token) return {};
  const db = await appDb();
  const session = await sessionFromToken(db, token, authSettings());
  if (!session) return {};
  return { session, principal: await principalForSession(db, session, services().config.suppressionMin) };
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function route<P extends Record<string, string> = Record<string, never>>(
  handler: (ctx: RequestContext, params: P) => Promise<Response>,
  opts: { auth?: 'user' | 'none'; csrf?: boolean; beforePasswordChange?: boolean } = {},
): (req: NextRequest, context?: { params: Promise<P> }) => Promise<Response> {
  return async (req, context) => {
    try {
      const params = ((await context?.params) ?? {}) as P;
      const ctx: RequestContext = { req, ...(await resolveSession(req.cookies.get(SESSION_COOKIE)?.value)) };
      if ((opts.auth ?? 'user') === 'user') {
        if (!ctx.principal) return errorResponse(401, 'Please log in.');
        // a one-time password opens nothing but the password change (and the session itself)
        if (ctx.principal.user.must_change_password && !opts.beforePasswordChange) return errorResponse(403, 'Change your one-time password first (/password).');
        if ((opts.csrf ?? true) && STATE_CHANGING.has(req.method) && !csrfValid(ctx.session!, req.headers.get(CSRF_HEADER))) {
          return errorResponse(403, 'The request lacks a valid CSRF token; reload the page and try again.');
        }
      }
      return await handler(ctx, params);
    } catch (e) {
      if (isUserError(e)) return errorResponse(e.httpStatus, e.message);
      log.error(`${req.method} ${req.nextUrl.pathname}: ${oneLine(e)}`, { stack: (e as Error).stack });
      return errorResponse(500, 'An internal error occurred; it has been logged.');
    }
  };
}

/** A request's JSON body checked against `schema`; 415 or 400 with `hint` (the expected shape) otherwise. */
export async function jsonBody<T>(req: NextRequest, schema: z.ZodType<T>, hint: string): Promise<T> {
  if (!(req.headers.get('content-type') ?? '').startsWith('application/json')) throw new UserError('Send JSON (Content-Type: application/json).', { httpStatus: 415 });
  const parsed = schema.safeParse(await req.json().catch(() => undefined));
  if (!parsed.success) throw new UserError(`Send ${hint}.`);
  return parsed.data;
}

/** Whether cookies must carry the Secure flag for this request. */
export function secureCookies(req: NextRequest): boolean {
  const setting = services().config.session.secureCookies;
  if (setting !== 'auto') return setting === 'true';
  return req.nextUrl.protocol === 'https:' || req.headers.get('x-forwarded-proto') === 'https';
}

/**
 * The client of a request, for rate limits and the audit log: the TCP peer as our web server saw
 * it, or — only when that peer is a trusted proxy — the right-most untrusted X-Forwarded-For
 * entry. Without our server (a bare `next start`) the peer is unknown and all callers share one
 * limit: never an address the client wrote.
 */
export function clientAddress(req: NextRequest): string {
  const peer = peerHeaderTrusted() ? (req.headers.get(PEER_HEADER) ?? undefined) : undefined;
  return clientAddressOf(peer, req.headers.get('x-forwarded-for'), services().config.trustedProxies);
}

/**
 * An export as a download. A file written by DuckDB is opened, unlinked at once (the open
 * descriptor keeps it readable; nothing is left behind, however the download ends) and streamed.
 */
export function fileResponse(file: ExportFile): Response {
  const headers = {
    'content-type': file.contentType,
    'content-disposition': `attachment; filename="${file.filename}"`,
    'cache-control': 'no-store',
    'x-fis-rows': String(file.rows),
  };
  if (Buffer.isBuffer(file.body)) return new Response(new Uint8Array(file.body), { headers: { ...headers, 'content-length': String(file.body.length) } });
  const { path, prefix } = file.body;
  const fd = openSync(path, 'r');
  unlinkSync(path);
  const stream = createReadStream('', { fd, highWaterMark: 1 << 20 });
  const body = prefix
    ? Readable.from((async function* () {
        yield Buffer.from(prefix, 'utf8');
        yield* stream;
      })())
    : stream;
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { headers });
}
