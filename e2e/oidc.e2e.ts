/**
 * Single sign-on against a real OpenID provider on loopback (oidc-provider), in Chromium: groups
 * map to roles and scope; an unmapped user is refused; a changed group changes the scope at the
 * next login; a tampered or expired ID token, another nonce and a wrong state are refused;
 * logout ends the session (and offers the provider's logout); local passwords are for
 * administrators only by default, and refused altogether with FIS_LOCAL_LOGIN=off.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fisAsync } from '../test/helpers';
import { freePort } from '../test/pg-server';
import { axeRun, fileBrowser } from './helpers';
import { startProvider, type TestProvider } from './oidc-provider';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);
const root = new URL('..', import.meta.url).pathname;
let dir = '';
let base = '';
let idp: TestProvider;
let server: ChildProcess | undefined;

async function startFis(extra: Record<string, string> = {}): Promise<void> {
  server?.kill('SIGTERM');
  if (server) await new Promise((r) => server!.once('exit', r));
  const port = Number(new URL(base).port);
  server = spawn(process.execPath, [join(root, 'bin/fis.mjs'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
    env: {
      ...process.env,
      FIS_DATA_DIR: dir,
      FIS_LOG_LEVEL: 'warn',
      FIS_ALLOW_DEMO: 'true',
      FIS_OIDC_ISSUER: idp.issuer,
      FIS_OIDC_CLIENT_ID: idp.clientId,
      FIS_OIDC_CLIENT_SECRET: idp.clientSecret,
      FIS_OIDC_SCOPES: 'openid profile groups',
      FIS_OIDC_NAME: 'Test-IdP',
      FIS_PUBLIC_URL: base,
      ...extra,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (d) => (stderr += String(d)));
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health/live`)).ok) return;
    } catch {
      // not yet listening
    }
    if (i > 300) throw new Error(`FIS did not start: ${stderr.slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (env.skip) return;
  dir = mkdtempSync(join(tmpdir(), 'fis-oidc-'));
  const demo = { FIS_DEMO_PASSWORD: 'demo-password-1' };
  expect((await fisAsync(['fixtures', 'generate', '--profile', 'tiny', '--seed', '11', '--until', '2026-06-30'], dir, demo)).status).toBe(0);
  expect((await fisAsync(['etl', 'run'], dir)).status).toBe(0);
  for (const args of [
    ['groups', 'set', 'fis-regional-08-09', '--roles', 'regional-head', '--states', '08,09'],
    ['groups', 'set', 'fis-leitung', '--roles', 'leadership'],
  ]) {
    const r = await fisAsync(args, dir);
    expect(r.status, r.stderr).toBe(0);
  }
  base = `http://127.0.0.1:${await freePort()}`;
  idp = await startProvider([`${base}/api/auth/oidc/callback`], [`${base}/login`]);
  idp.groups.set('nina', ['fis-regional-08-09', 'some-other-group']);
  idp.groups.set('otto', ['not-mapped']);
  await startFis();
}, 300_000);

afterAll(async () => {
  server?.kill('SIGTERM');
  await idp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Through the login page, the provider's login form and its consent, back to FIS. */
async function signIn(account: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browserOf().newContext({ baseURL: base, viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto('/login?next=/dashboards/overview');
  await page.getByRole('link', { name: 'Anmelden mit Test-IdP' }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'anything-goes');
  await page.click('button[type=submit]');
  const consent = page.locator('button', { hasText: 'Continue' });
  await Promise.race([page.waitForURL((u) => u.origin === base, { timeout: 30_000 }), consent.waitFor({ timeout: 30_000 }).then(() => consent.click())]);
  await page.waitForURL((u) => u.origin === base, { timeout: 30_000 });
  await page.waitForLoadState('load');
  return { context, page };
}

const states = async (page: Page) => {
  const r = await page.request.get('/api/query?metric=applications&by=state');
  expect(r.status()).toBe(200);
  return ((await r.json()) as { rows: Array<[string, number]> }).rows.map((x) => x[0]);
};

describe.skipIf(!!env.skip)(`single sign-on with OpenID Connect${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('logs a mapped user in through the provider, with the roles and scope of their groups; axe is clean on the login page', async () => {
    const { context, page } = await signIn('nina');
    expect(new URL(page.url()).pathname).toBe('/dashboards/overview');
    const me = (await (await page.request.get('/api/session')).json()) as { username: string; rights: { domains: string[] } };
    expect(me.username).toBe('nina');
    expect(me.rights.domains).toEqual(['asylum']);
    expect(new Set(await states(page))).toEqual(new Set(['08', '09']));
    await context.close();
    const anon = await browserOf().newContext({ baseURL: base });
    const login = await anon.newPage();
    await login.goto('/login');
    const serious = (await axeRun(login)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(serious).toEqual([]);
    await anon.close();
  });

  it('refuses a user none of whose groups is mapped, with one sentence', async () => {
    const { context, page } = await signIn('otto');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('sso')).toBe('unmapped');
    await expect.poll(() => page.locator('.login-box .form-error').textContent()).toMatch(/keine Ihrer Gruppen ist zugeordnet/);
    expect((await page.request.get('/api/session')).status()).toBe(401);
    await context.close();
  });

  it('changes the scope at the next login when the groups changed', async () => {
    idp.groups.set('nina', ['fis-leitung']);
    const { context, page } = await signIn('nina');
    expect((await states(page)).length).toBeGreaterThan(2);
    await context.close();
    idp.groups.set('nina', ['fis-regional-08-09']);
  });

  it('refuses a tampered ID token, an expired one and one with another nonce', async () => {
    try {
      for (const mode of ['tampered', 'expired', 'other-nonce'] as const) {
        idp.mode = mode;
        const { context, page } = await signIn('nina');
        expect(new URL(page.url()).searchParams.get('sso'), mode).toBe('token');
        expect((await page.request.get('/api/session')).status(), mode).toBe(401);
        await context.close();
      }
    } finally {
      idp.mode = 'honest';
    }
  });

  it('refuses a callback whose state is not the browser\'s', async () => {
    const context = await browserOf().newContext({ baseURL: base });
    const page = await context.newPage();
    // a login begun here (the state cookie is set), then a forged answer
    await page.goto('/api/auth/oidc/login');
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.goto(`${base}/api/auth/oidc/callback?code=forged-code&state=forged-state`);
    expect(new URL(page.url()).searchParams.get('sso')).toBe('state');
    expect((await page.request.get('/api/session')).status()).toBe(401);
    await context.close();
  });

  it('ends the session at logout and sends the browser on to the provider\'s logout', async () => {
    const { context, page } = await signIn('nina');
    const ended = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'DELETE');
    await page.getByRole('button', { name: 'Abmelden' }).click();
    expect((await ended).status()).toBe(200);
    // the menu's logout follows the provider's end_session_endpoint with the ID token as hint
    await page.waitForURL((u) => u.origin === idp.issuer);
    expect(new URL(page.url()).pathname).toMatch(/^\/session\/end/);
    expect((await page.request.get(`${base}/api/session`)).status()).toBe(401);
    await context.close();
  });

  it('keeps local passwords for administrators only by default, and refuses them with FIS_LOCAL_LOGIN=off', async () => {
    const post = (username: string) => fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo-password-1' }) });
    const manager = await post('leitung');
    expect(manager.status).toBe(401);
    expect(((await manager.json()) as { error: string }).error).toBe('Sign in with Test-IdP; local passwords are for administrators only.');
    expect((await post('admin')).status).toBe(200);
    await startFis({ FIS_LOCAL_LOGIN: 'off' });
    const off = await post('admin');
    expect(off.status).toBe(403);
    expect(((await off.json()) as { error: string }).error).toBe('Local passwords are switched off; sign in with Test-IdP.');
    const context = await browserOf().newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto('/login');
    expect(await page.locator('input[name=password]').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Anmelden mit Test-IdP' }).count()).toBe(1);
    await context.close();
  });
});
