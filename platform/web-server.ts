/**
 * The web server of FIS: Next.js as a request handler inside a plain Node HTTP server of our own.
 * Next's route handlers cannot see the TCP peer, and a client address taken from a header the
 * client writes is worthless for rate limits and the audit log. This server removes any incoming
 * `x-fis-peer` header and sets it to the socket's address, so the app can trust it (and believe
 * X-Forwarded-For only from FIS_TRUSTED_PROXIES, platform/net.ts). It also sets the security
 * headers and the CSP nonce of every request (platform/security-headers.ts). `npm run demo`,
 * `npm start` and the browser tests all start the app this way.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import next from 'next';
import { metrics, routePattern } from './metrics';
import { setRequestHeaders, stampPeer, trustPeerHeader } from './peer';
import { securityHeaders } from './security-headers';
import { servePageFromKeeping } from './kept-pages';

export interface WebServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startWebServer(opts: { dir: string; port: number; host: string; dev?: boolean }): Promise<WebServer> {
  trustPeerHeader();
  const app = next({ dev: opts.dev ?? false, dir: opts.dir, hostname: opts.host, port: opts.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const instance = randomBytes(4).toString('hex');
  const { httpDuration } = metrics();
  const server = createServer((req, res) => {
    stampPeer(req);
    // a fresh CSP nonce for Next.js's scripts (a client's own CSP request header is dropped) and the security headers
    const sec = securityHeaders((req.url ?? '/').split('?')[0]!, req.headers['x-forwarded-proto'] === 'https');
    setRequestHeaders(req, { 'content-security-policy': sec.csp }, ['content-security-policy-report-only', 'x-nonce']);
    for (const [name, value] of Object.entries(sec.response)) res.setHeader(name, value);
    const started = process.hrtime.bigint();
    // which replica answered (for operators behind a load balancer)
    res.setHeader('x-fis-instance', instance);
    res.once('finish', () => {
      httpDuration.observe({ route: routePattern(req.url ?? '/', res.statusCode), method: req.method ?? 'GET', status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    // a page kept finished is answered from its copy; otherwise Next renders it (and it may be kept)
    const keeping = opts.dev ? Promise.resolve(false) : servePageFromKeeping(req, res, sec.nonce, (set, drop) => setRequestHeaders(req, set, drop));
    keeping
      .then((served) => (served ? undefined : handle(req, res)))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('An internal error occurred.');
      });
  });
  // long exports stream for minutes; idle keep-alive connections are closed after a while
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        void app.close?.();
      }),
  };
}
