/**
 * The HTTP part of kept pages, with a real Node server and a keeper of the test's own: a copy is
 * made only of a whole page as anyone would get it (status 200, HTML, no cookie set, a complete
 * document, nothing the keeper calls a failure) and only if its key still holds after the render;
 * a hit carries this response's nonce, never the one the copy was rendered with.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { registerPageKeeper, servePageFromKeeping } from './kept-pages';
import { setRequestHeaders } from './peer';

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server whose "Next" writes `page` (with the request's nonce) unless the copy answers. */
async function serve(page: (nonce: string, req: IncomingMessage) => { status?: number; body: string; cookie?: boolean }): Promise<{ url: string; renders: () => number }> {
  let renders = 0;
  let n = 0;
  server = createServer((req, res) => {
    const nonce = `nonce${++n}AAAAAAAAAAAAAAAA==`;
    void servePageFromKeeping(req, res, nonce, (set, drop) => setRequestHeaders(req, set, drop)).then((served) => {
      if (served) return;
      renders++;
      const p = page(nonce, req);
      res.statusCode = p.status ?? 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (p.cookie) res.setHeader('set-cookie', 'a=b');
      res.write(p.body.slice(0, 10));
      res.end(p.body.slice(10));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, renders: () => renders };
}

function keeper(opts: { keepable?: (html: string) => boolean; key?: () => string } = {}) {
  const kept = new Map<string, string>();
  registerPageKeeper({
    key: async (req) => (req.url === '/skip' ? undefined : (opts.key?.() ?? `k${req.url}`)),
    get: (k) => kept.get(k),
    keep: (k, copy) => kept.set(k, copy),
    keepable: opts.keepable ?? (() => true),
    cookies: () => 'fis_session=x',
  });
  return kept;
}

const doc = (nonce: string) => `<!DOCTYPE html><html><body><script nonce="${nonce}"></script>été</body></html>`;
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('kept pages over HTTP', () => {
  it('answers a page asked again from its copy with this response\'s nonce, gzipped when accepted', async () => {
    keeper();
    const s = await serve((nonce) => ({ body: doc(nonce) }));
    const first = await fetch(`${s.url}/p`);
    expect(first.headers.get('x-fis-kept')).toBeNull();
    const firstBody = await first.text();
    await settle();
    const again = await fetch(`${s.url}/p`, { headers: { 'accept-encoding': 'identity' } });
    expect(again.headers.get('x-fis-kept')).toBe('1');
    const body = await again.text();
    expect(s.renders()).toBe(1);
    expect(body).toBe(doc('nonce2AAAAAAAAAAAAAAAA=='));
    expect(body).not.toContain('nonce1');
    expect(firstBody).toContain('nonce1');
    const raw = await new Promise<Buffer>((resolve) => {
      void import('node:http').then(({ get }) =>
        get(`${s.url}/p`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        }),
      );
    });
    expect(gunzipSync(raw).toString('utf8')).toBe(doc('nonce3AAAAAAAAAAAAAAAA=='));
  });

  it('keeps no redirect, no page that sets a cookie, no cut-off document, nothing the keeper calls a failure, and nothing whose key changed during the render', async () => {
    const cases: Array<[string, (nonce: string) => { status?: number; body: string; cookie?: boolean }, Parameters<typeof keeper>[0]]> = [
      ['a redirect', (n) => ({ status: 307, body: doc(n) }), {}],
      ['a cookie', (n) => ({ body: doc(n), cookie: true }), {}],
      ['a cut-off document', (n) => ({ body: doc(n).replace('</html>', '') }), {}],
      ['a failure', (n) => ({ body: doc(n) }), { keepable: () => false }],
    ];
    let turn = 0;
    cases.push(['a key that changed', (n) => ({ body: doc(n) }), { key: () => `k${turn++}` }]);
    for (const [what, page, opts] of cases) {
      const kept = keeper(opts);
      const s = await serve(page);
      await (await fetch(`${s.url}/p`, { redirect: 'manual' })).text();
      await settle();
      expect(kept.size, what).toBe(0);
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
    }
    // a request the keeper does not key is rendered, never answered from a copy
    const kept = keeper();
    const s = await serve((n) => ({ body: doc(n) }));
    for (let i = 0; i < 2; i++) expect((await fetch(`${s.url}/skip`)).headers.get('x-fis-kept')).toBeNull();
    expect(s.renders()).toBe(2);
    expect(kept.size).toBe(0);
  });
});
