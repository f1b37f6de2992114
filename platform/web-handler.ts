/**
 * What FIS's web server (web-server.ts) does with every request before Next.js sees it: the peer
 * address and the CSP nonce are set by the server (whatever the client sent under those names is
 * gone), the security headers are written, the duration is measured, and a dashboard page kept
 * finished is answered from its copy (kept-pages.ts).
 *
 * The same handler serves two listeners. The public one is what users and proxies reach. The
 * private one listens on the loopback interface of this process only (an exclusive port, not
 * shared between the workers of `fis serve --workers`): the warm-up after a publication renders
 * its users' pages there on the snapshot it is warming, before the readers switch. Only there is
 * the warm-up ticket header (WARM_HEADER) passed on — on the public listener it is dropped like a
 * forged peer address — and only a GET of a page with a ticket this process issued is answered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics, routePattern } from './metrics';
import { setRequestHeaders, stampPeer } from './peer';
import { securityHeaders } from './security-headers';
import { servePageFromKeeping, WARM_HEADER, warmTicket } from './kept-pages';

export type NextHandle = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function webRequestHandler(handle: NextHandle, opts: { instance: string; dev?: boolean; internal?: boolean }): (req: IncomingMessage, res: ServerResponse) => void {
  const { httpDuration } = metrics();
  return (req, res) => {
    if (opts.internal && !(req.method === 'GET' && (req.url ?? '').startsWith('/dashboards/') && warmTicket(req.headers[WARM_HEADER]) !== undefined)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.');
      return;
    }
    stampPeer(req);
    // a fresh CSP nonce for Next.js's scripts (a client's own CSP request header is dropped) and the security headers
    const sec = securityHeaders((req.url ?? '/').split('?')[0]!, req.headers['x-forwarded-proto'] === 'https');
    setRequestHeaders(req, { 'content-security-policy': sec.csp }, ['content-security-policy-report-only', 'x-nonce', ...(opts.internal ? [] : [WARM_HEADER])]);
    for (const [name, value] of Object.entries(sec.response)) res.setHeader(name, value);
    // which replica answered (for operators behind a load balancer)
    res.setHeader('x-fis-instance', opts.instance);
    if (!opts.internal) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        httpDuration.observe({ route: routePattern(req.url ?? '/', res.statusCode), method: req.method ?? 'GET', status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
      });
    }
    // a page kept finished is answered from its copy; otherwise Next renders it (and it may be kept)
    const keeping = opts.dev ? Promise.resolve(false) : servePageFromKeeping(req, res, sec.nonce, (set, drop) => setRequestHeaders(req, set, drop), { settleFirst: opts.internal });
    keeping
      .then((served) => (served ? undefined : handle(req, res)))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('An internal error occurred.');
      });
  };
}
