/**
 * The HTTP contract and authentication, through the real route handlers: login and logout,
 * cookie flags, rotation, lockout, rate limiting, idle expiry, CSRF, and /api/query and
 * /api/health answers.
 */
import { NextRequest } from 'next/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { openAppDb } from '../../roles/app-db';
import { installDemo } from '../../roles/store';
import { etlOpts } from '../../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../../test/helpers';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
process.env.FIS_DEMO_PASSWORD = 'demo-password-1';
type Handler = (req: NextRequest) => Promise<Response>;
let session: { POST: Handler; DELETE: Handler; GET: Handler };
let query: { GET: Handler };
let health: { GET: Handler };

const req = (path: string, init: { method?: string; body?: unknown; cookie?: string; csrf?: string; headers?: Record<string, string> } = {}) =>
  new NextRequest(`http://localhost${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
      'x-forwarded-for': '10.1.2.3',
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

async function loginAs(username: string, password = 'demo-password-1', headers: Record<string, string> = {}) {
  const r = await session.POST(req('/api/session', { method: 'POST', body: { username, password }, headers }));
  const cookies = r.headers.getSetCookie();
  const token = /fis_session=([^;]+)/.exec(cookies.join('\n'))?.[1];
  const body = (await r.json()) as { csrfToken?: string; error?: string };
  return { status: r.status, cookies, cookie: token ? `fis_session=${token}` : '', csrf: body.csrfToken ?? '', body };
}

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 51);
  await runEtl(etlOpts(t.dir, targets, true));
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
  session = (await import('./session/route')) as unknown as typeof session;
  query = (await import('./query/route')) as unknown as typeof query;
  health = (await import('./health/route')) as unknown as typeof health;
});
afterAll(() => t.cleanup());

describe('POST/DELETE /api/session', () => {
  it('logs in with a hardened session cookie and a CSRF token', async () => {
    const a = await loginAs('leitung');
    expect(a.status).toBe(200);
    const c = a.cookies.find((x) => x.startsWith('fis_session='))!;
    expect(c).toMatch(/HttpOnly/);
    expect(c).toMatch(/SameSite=Lax/);
    expect(c).toMatch(/Path=\//);
    expect(c).not.toMatch(/Secure/);
    expect(a.csrf.length).toBeGreaterThan(20);
    const https = await loginAs('leitung', 'demo-password-1', { 'x-forwarded-proto': 'https' });
    expect(https.cookies.find((x) => x.startsWith('fis_session='))).toMatch(/; Secure/);
  });

  it('answers a wrong password or an unknown user with 401 and the same sentence', async () => {
    const wrong = await loginAs('analyst', 'nope');
    const unknown = await loginAs('nobody', 'nope');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toBe('Unknown user or wrong password.');
    expect(unknown.body.error).toBe(wrong.body.error);
    const notJson = await session.POST(new NextRequest('http://localhost/api/session', { method: 'POST', body: 'username=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    expect(notJson.status).toBe(415);
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await loginAs('abt-asyl', `wrong-${i}`)).status).toBe(401);
    const locked = await loginAs('abt-asyl');
    expect(locked.status).toBe(401);
    expect(locked.body.error).toMatch(/Too many failed logins/);
    const db = await (await import('../../dashboards/server/services')).appDb();
    const rows = await db.selectFrom('audit_log').select(['actor', 'outcome']).where('action', '=', 'login').where('actor', '=', 'abt-asyl').execute();
    expect(rows.filter((r) => r.outcome.startsWith('failed')).length).toBe(5);
    expect(rows.some((r) => r.outcome === 'locked')).toBe(true);
  });

  it('rotates the session on login: the previous token stops working', async () => {
    const first = await loginAs('analyst');
    const second = await session.POST(req('/api/session', { method: 'POST', body: { username: 'analyst', password: 'demo-password-1' }, cookie: first.cookie }));
    expect(second.status).toBe(200);
    expect((await query.GET(req('/api/query?metric=applications', { cookie: first.cookie }))).status).toBe(401);
  });

  it('ends an idle session', async () => {
    const a = await loginAs('leitung');
    expect((await query.GET(req('/api/query?metric=applications', { cookie: a.cookie }))).status).toBe(200);
    const db = await (await import('../../dashboards/server/services')).appDb();
    await sql`UPDATE session SET last_seen_at = now() - interval '2 hours'`.execute(db);
    expect((await query.GET(req('/api/query?metric=applications', { cookie: a.cookie }))).status).toBe(401);
  });

  it('refuses a logout without the CSRF token, accepts it with, and the token is dead afterwards', async () => {
    const a = await loginAs('leitung');
    expect((await session.DELETE(req('/api/session', { method: 'DELETE', cookie: a.cookie }))).status).toBe(403);
    expect((await session.DELETE(req('/api/session', { method: 'DELETE', cookie: a.cookie, csrf: 'forged' }))).status).toBe(403);
    expect((await session.DELETE(req('/api/session', { method: 'DELETE', cookie: a.cookie, csrf: a.csrf }))).status).toBe(200);
    expect((await query.GET(req('/api/query?metric=applications', { cookie: a.cookie }))).status).toBe(401);
  });

  it('rate-limits login attempts per client address', async () => {
    let last = 0;
    for (let i = 0; i < 35; i++) {
      const r = await session.POST(req('/api/session', { method: 'POST', body: { username: 'ghost', password: 'x' }, headers: { 'x-forwarded-for': '10.9.9.9' } }));
      last = r.status;
    }
    expect(last).toBe(429);
  });
});

describe('GET /api/query and /api/health', () => {
  it('answers the contract shape for a logged-in user, with no-store', async () => {
    const a = await loginAs('leitung');
    const r = await query.GET(req('/api/query?metric=applications&metric=decisions&by=year&filter=kind:initial|follow_up&from=2025-01-01&to=2025-12-31', { cookie: a.cookie }));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['columns', 'dataAsOf', 'rows', 'snapshot', 'suppressed']);
    expect(body.columns).toEqual(['year', 'applications', 'decisions']);
    expect((body.rows as unknown[][])[0]![0]).toBe(2025);
    const csv = await query.GET(req('/api/query?metric=applications&by=year&format=csv', { cookie: a.cookie }));
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('year,applications');
  });

  it('refuses anonymous callers, bad questions and other domains with one sentence', async () => {
    expect((await query.GET(req('/api/query?metric=applications'))).status).toBe(401);
    const a = await loginAs('ast-muc');
    const bad = await query.GET(req('/api/query?metric=nonsense', { cookie: a.cookie }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^Unknown metric "nonsense"/);
    const other = await query.GET(req('/api/query?metric=courses_started', { cookie: a.cookie }));
    expect(other.status).toBe(403);
    const admin = await loginAs('admin');
    expect((await query.GET(req('/api/query?metric=applications', { cookie: admin.cookie }))).status).toBe(403);
    const scoped = (await (await query.GET(req('/api/query?metric=applications&by=office', { cookie: a.cookie }))).json()) as { rows: unknown[][] };
    expect(scoped.rows.map((r) => r[0])).toEqual(['MUC']);
  });

  it('reports health without login and without data', async () => {
    const r = await health.GET(req('/api/health'));
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['dataAsOf', 'snapshot', 'status']);
    expect(body.status).toBe('ok');
  });
});
