/**
 * Attacks on the running server (the production build behind FIS's own web server), as a hostile
 * client would try them over HTTP: a rotating X-Forwarded-For and a forged x-fis-peer do not escape
 * the rate limit nor reach the audit log; an open redirect through `next` after the login is
 * refused; an administrator cannot widen their own access in the web UI; a page's scripts carry a
 * fresh nonce of the server's CSP, whatever CSP header the client sends. The attacker connects
 * from 127.0.0.9 (all of 127/8 is loopback), so the other browser tests' logins are not limited.
 */
import { request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { fileBrowser, loginAs } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);

/** An HTTP request from a chosen local address, with whatever headers the attacker likes. */
function send(path: string, opts: { method?: string; body?: unknown; headers?: Record<string, string>; from?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const url = new URL(path, env.baseURL);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const r = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? 'GET', localAddress: opts.from ?? '127.0.0.9', headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}

describe.skipIf(!!env.skip)(`attacks on the running server${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('counts the socket\'s address, whatever X-Forwarded-For or x-fis-peer the client writes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const r = await send('/api/session', { method: 'POST', body: { username: 'ghost', password: 'guess' }, headers: { 'x-forwarded-for': `198.51.100.${i}`, 'x-fis-peer': `203.0.113.${i}` } });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    // another address is not limited by it
    expect((await send('/api/session', { method: 'POST', body: { username: 'ghost', password: 'guess' }, from: '127.0.0.10' })).status).toBe(401);
    // what the audit log recorded: the socket's address, never a header's
    const admin = await send('/api/session', { method: 'POST', body: { username: 'admin', password: 'demo-password-1' }, from: '127.0.0.11' });
    expect(admin.status).toBe(200);
    const cookie = String(admin.headers['set-cookie']).match(/fis_session=[^;]+/)![0];
    const audit = JSON.parse((await send('/api/admin/audit?action=login&actor=ghost', { headers: { cookie }, from: '127.0.0.11' })).body) as Array<{ details: { client: string } }>;
    const clients = new Set(audit.map((a) => a.details.client));
    expect(clients.has('127.0.0.9')).toBe(true);
    expect([...clients].some((c) => /^(198\.51\.100|203\.0\.113)\./.test(c))).toBe(false);
  });

  it('puts a fresh nonce of its own CSP on every script of a page, whatever CSP the client sends, and the security headers on every answer', async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await send('/login', { headers: { 'content-security-policy': "script-src 'nonce-attacker'", 'content-security-policy-report-only': "script-src 'nonce-attacker'", 'x-nonce': 'attacker' } });
      expect(r.status).toBe(200);
      const csp = String(r.headers['content-security-policy']);
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.body).not.toContain('attacker');
      const scripts = [...r.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce!);
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(String(r.headers['cache-control'])).toContain('no-store');
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    // data answers are never cached; the build's static files may be
    expect((await send('/api/health')).headers['cache-control']).toBe('no-store');
    const asset = /\/_next\/static\/[^"]+\.js/.exec((await send('/login')).body)![0];
    const a = await send(asset);
    expect(a.status).toBe(200);
    expect(String(a.headers['cache-control'])).not.toContain('no-store');
    expect(a.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses an open redirect through next after the login', async () => {
    for (const next of ['/\\evil.example', '//evil.example', '/%5Cevil.example', 'https://evil.example/']) {
      const context = await browserOf().newContext({ baseURL: env.baseURL });
      const page = await context.newPage();
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await page.fill('input[name=username]', 'leitung');
      await page.fill('input[name=password]', 'demo-password-1');
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit]')]);
      await page.waitForLoadState('load');
      expect(new URL(page.url()).origin, next).toBe(new URL(env.baseURL).origin);
      await context.close();
    }
  });

  it('shows an administrator their own account without the means to widen it', async () => {
    const { context, page } = await loginAs(browserOf(), env.baseURL, 'admin');
    await page.goto('/admin/users/admin');
    await expect.poll(() => page.locator('.user-form .hint').first().textContent()).toMatch(/Funktionstrennung/);
    expect(await page.locator('input[name=roles]').first().isDisabled()).toBe(true);
    expect(await page.locator('input[name=states]').first().isDisabled()).toBe(true);
    expect(await page.locator('input[name=active]').isDisabled()).toBe(true);
    await context.close();
  });
});
