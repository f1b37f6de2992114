/**
 * The web server of FIS: Next.js as a request handler inside a plain Node HTTP server of our own.
 * Next's route handlers cannot see the TCP peer, and a client address taken from a header the
 * client writes is worthless for rate limits and the audit log. This server removes any incoming
 * `x-fis-peer` header and sets it to the socket's address, so the app can trust it (and believe
 * X-Forwarded-For only from FIS_TRUSTED_PROXIES, platform/net.ts). It also sets the security
 * headers and the CSP nonce of every request (platform/security-headers.ts), and answers pages
 * kept finished (platform/kept-pages.ts). Beside the public listener it opens a private one on
 * the loopback interface, for the warm-up's page renders (platform/web-handler.ts). `npm run demo`,
 * `npm start` and the browser tests all start the app this way.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import next from 'next';
import { setInternalUrl } from './kept-pages';
import { trustPeerHeader } from './peer';
import { webRequestHandler } from './web-handler';

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
  const server = createServer(webRequestHandler(handle, { instance, dev: opts.dev }));
  // long exports stream for minutes; idle keep-alive connections are closed after a while
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  // the private listener of this process for the warm-up's page renders (web-handler.ts)
  const internal = opts.dev ? undefined : createServer(webRequestHandler(handle, { instance, internal: true }));
  if (internal) {
    internal.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      internal.once('error', reject);
      internal.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    const a = internal.address();
    if (typeof a === 'object' && a) setInternalUrl(`http://127.0.0.1:${a.port}`);
  }
  return {
    server,
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        setInternalUrl(undefined);
        internal?.close();
        internal?.closeAllConnections();
        server.close(() => resolve());
        server.closeAllConnections();
        void app.close?.();
      }),
  };
}
