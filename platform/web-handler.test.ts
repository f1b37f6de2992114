/**
 * The two listeners of FIS's web server (web-handler.ts), with a stand-in for Next.js that shows
 * what reached it: the warm-up ticket header never passes the public listener, even with a ticket
 * this process issued; the private listener answers nothing but a GET of a page with a live ticket;
 * and a warm-up render ends only after its copy is kept.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openWarmTicket, registerPageKeeper, WARM_HEADER } from './kept-pages';
import { webRequestHandler } from './web-handler';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  registerPageKeeper(undefined as never);
});

async function listen(internal: boolean, html = false): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer(
    webRequestHandler(
      async (req, res) => {
        seen.push({ ...req.headers });
        res.setHeader('content-type', html ? 'text/html; charset=utf-8' : 'application/json');
        res.end(html ? '<!DOCTYPE html><html><body>page</body></html>' : JSON.stringify(req.headers));
      },
      { instance: 'test', internal },
    ),
  );
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

describe('the public and the private listener', () => {
  it('drop the warm-up ticket on the public listener, even a live one', async () => {
    const ticket = openWarmTicket({ warming: 'new' });
    try {
      const pub = await listen(false);
      const r = await fetch(`${pub.url}/dashboards/overview`, { headers: { [WARM_HEADER]: ticket.ticket, 'x-fis-peer': '10.9.9.9' } });
      expect(r.status).toBe(200);
      expect(pub.seen).toHaveLength(1);
      expect(pub.seen[0]![WARM_HEADER]).toBeUndefined();
      expect(pub.seen[0]!['x-fis-peer']).toBe('127.0.0.1');
    } finally {
      ticket.close();
    }
  });

  it('answer on the private listener only a GET of a page with a ticket that is live', async () => {
    const priv = await listen(true);
    const ticket = openWarmTicket({ warming: 'new' });
    const ask = (path: string, headers: Record<string, string>, method = 'GET') => fetch(`${priv.url}${path}`, { method, headers }).then((r) => r.status);
    expect(await ask('/dashboards/overview', {})).toBe(404);
    expect(await ask('/dashboards/overview', { [WARM_HEADER]: 'A'.repeat(43) })).toBe(404);
    expect(await ask('/dashboards/overview', { [WARM_HEADER]: `${ticket.ticket}x` })).toBe(404);
    expect(await ask('/api/query', { [WARM_HEADER]: ticket.ticket })).toBe(404);
    expect(await ask('/dashboards/overview', { [WARM_HEADER]: ticket.ticket }, 'POST')).toBe(404);
    expect(priv.seen).toHaveLength(0);
    expect(await ask('/dashboards/overview', { [WARM_HEADER]: ticket.ticket })).toBe(200);
    expect(priv.seen[0]![WARM_HEADER]).toBe(ticket.ticket);
    ticket.close();
    expect(await ask('/dashboards/overview', { [WARM_HEADER]: ticket.ticket })).toBe(404);
    expect(priv.seen).toHaveLength(1);
  });

  it('end a warm-up render only once its copy is kept', async () => {
    const kept = new Map<string, string>();
    let asked = 0;
    registerPageKeeper({
      // the key is read again after the render, slowly
      key: async () => (++asked > 1 ? new Promise((r) => setTimeout(() => r('k'), 200)) : 'k'),
      get: (k) => kept.get(k),
      keep: (k, copy) => kept.set(k, copy),
      keepable: () => true,
      cookies: () => 'fis_session=x',
    });
    const priv = await listen(true, true);
    const ticket = openWarmTicket({ warming: 'new' });
    try {
      const r = await fetch(`${priv.url}/dashboards/overview`, { headers: { [WARM_HEADER]: ticket.ticket } });
      expect(await r.text()).toContain('page');
      expect(kept.has('k'), 'the copy is there when the response has ended').toBe(true);
    } finally {
      ticket.close();
    }
  });
});
