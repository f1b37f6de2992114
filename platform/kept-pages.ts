/**
 * Kept pages: FIS's web server can answer a page from a finished copy instead of having Next.js
 * render it again. The web app decides what may be kept and under which key (it registers a
 * keeper, dashboards/server/kept-pages.ts: the key holds everything the page is made of); this
 * module does the HTTP part — asking Next for an uncompressed page on a miss and copying it as it
 * streams to the client, and on a hit writing the copy with this response's CSP nonce in place of
 * the one it was rendered with, compressed if the client accepts gzip.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { processWide } from './process-wide';

export interface PageKeeper {
  /** The key of this request's page; undefined: not to be kept (nor answered from a copy). */
  key(req: IncomingMessage): Promise<string | undefined>;
  get(key: string): string | undefined;
  keep(key: string, copy: string): void;
  /** Whether a finished page may be kept (not one that shows a failure). */
  keepable(html: string): boolean;
  /** The Cookie header Next must render the page with: exactly what the key was made of. */
  cookies(req: IncomingMessage): string | undefined;
}

const registry = processWide('web:page-keeper', () => ({ keeper: undefined as PageKeeper | undefined }));

/** Registers the web app's keeper (once per process; the last one wins). */
export function registerPageKeeper(k: PageKeeper): void {
  registry.keeper = k;
}

// headers of a page that are the page's own (the rest — security headers, instance, date — belong to each response)
const KEPT_HEADERS = ['content-type', 'vary', 'link', 'x-nextjs-cache', 'x-nextjs-prerender', 'x-nextjs-stale-time'];

interface Copy {
  nonce: string;
  headers: Record<string, string>;
  body: string;
}

const encode = (c: Copy) => `${c.nonce}\n${JSON.stringify(c.headers)}\n${c.body}`;
function decode(s: string): Copy {
  const a = s.indexOf('\n');
  const b = s.indexOf('\n', a + 1);
  return { nonce: s.slice(0, a), headers: JSON.parse(s.slice(a + 1, b)) as Record<string, string>, body: s.slice(b + 1) };
}

/**
 * Answers `req` from a kept copy (true), or prepares `req`/`res` so that the page Next renders is
 * kept once complete (false: the caller hands the request to Next). `nonce` is this response's.
 */
export async function servePageFromKeeping(
  req: IncomingMessage,
  res: ServerResponse,
  nonce: string,
  setRequestHeaders: (set: Record<string, string>, drop: string[]) => void,
  opts: { settleFirst?: boolean } = {},
): Promise<boolean> {
  const keeper = registry.keeper;
  if (!keeper || req.method !== 'GET') return false;
  const key = await keeper.key(req).catch(() => undefined);
  if (!key) return false;
  const kept = keeper.get(key);
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  if (kept) {
    const copy = decode(kept);
    const html = Buffer.from(copy.body.replaceAll(copy.nonce, nonce));
    const body = gzip ? gzipSync(html, { level: 1 }) : html;
    res.statusCode = 200;
    for (const [k, v] of Object.entries(copy.headers)) res.setHeader(k, v);
    if (gzip) res.setHeader('content-encoding', 'gzip');
    res.setHeader('content-length', body.length);
    res.setHeader('x-fis-kept', '1');
    res.end(body);
    return true;
  }
  // a miss: Next renders the page uncompressed (so that the copy holds the text), streamed as
  // usual, with exactly the cookies the key was made of
  const cookies = keeper.cookies(req);
  if (!cookies) return false;
  setRequestHeaders({ cookie: cookies }, ['accept-encoding']);
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const take = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    take(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  // kept once the whole page went out, as anyone would get it: no redirect, no cookie, no
  // compression of its own, a complete document — and only if what the key was made of still holds
  const keepCopy = async () => {
    const type = String(res.getHeader('content-type') ?? '');
    if (res.statusCode !== 200 || !type.startsWith('text/html') || res.getHeader('set-cookie') || res.getHeader('content-encoding')) return;
    const body = Buffer.concat(chunks).toString('utf8');
    if (!body.trimEnd().endsWith('</html>') || !keeper.keepable(body)) return;
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = res.getHeader(h);
      if (v !== undefined) headers[h] = Array.isArray(v) ? v.join(', ') : String(v);
    }
    if ((await keeper.key(req)) === key) keeper.keep(key, encode({ nonce, headers, body }));
  };
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  let ended = false;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (ended) return end(chunk, ...rest);
    ended = true;
    take(chunk, rest[0]);
    // a warm-up render (opts.settleFirst) ends only once its copy is kept (the warm-up then knows it is there)
    if (opts.settleFirst) {
      void keepCopy()
        .catch(() => undefined)
        .then(() => end(chunk, ...rest));
      return res;
    }
    return end(chunk, ...rest);
  }) as typeof res.end;
  if (!opts.settleFirst) res.once('finish', () => void keepCopy().catch(() => undefined));
  return false;
}

/**
 * The warm-up's page renders. Before the readers switch to a new snapshot, the warm-up renders the
 * pages its users opened last through this process's private listener (web-handler.ts), as they
 * would get them, so that the first of them after the switch is answered from a copy. The request
 * names the snapshot to render on by a ticket in WARM_HEADER: an unguessable value this process
 * issued for the warm-up and withdraws when it ends (the public listener drops the header).
 */
export const WARM_HEADER = 'x-fis-warm';

const internal = processWide('web:internal', () => ({ url: undefined as string | undefined, tickets: new Map<string, unknown>() }));

/** Where this process's private listener is (set by startWebServer; undefined: none, e.g. in development). */
export function setInternalUrl(url: string | undefined): void {
  internal.url = url;
}

/** A new ticket that stands for `value` (the snapshot being warmed) until it is withdrawn. */
export function openWarmTicket(value: unknown): { ticket: string; close(): void } {
  const ticket = randomBytes(32).toString('base64url');
  internal.tickets.set(ticket, value);
  return { ticket, close: () => void internal.tickets.delete(ticket) };
}

/** What a ticket stands for; undefined for anything this process did not issue or has withdrawn. */
export function warmTicket(header: string | string[] | null | undefined): unknown {
  return typeof header === 'string' && header.length === 43 ? internal.tickets.get(header) : undefined;
}

/**
 * Renders `path` through the private listener with these request headers (a session cookie, the
 * language, the ticket); answers the status, or undefined when this process has no private
 * listener. The page is kept by the listener as any page is.
 */
export async function renderInternally(path: string, headers: Record<string, string>): Promise<number | undefined> {
  if (!internal.url) return undefined;
  const r = await fetch(`${internal.url}${path}`, { headers, redirect: 'manual' });
  await r.arrayBuffer();
  return r.status;
}
