/**
 * The HTTP contract and authentication, through the real route handlers: login and logout,
 * cookie flags, rotation, lockout, rate limiting, idle expiry, CSRF, and /api/query and
 * /api/health answers.
 */
import { NextRequest } from 'next/server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '@/etl/run';
import { openAppDb } from '@/roles/app-db';
import { installDemo } from '@/roles/store';
import { etlOpts } from '@/test/etl-helpers';
import { login, req } from '@/test/api-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
process.env.FIS_DEMO_PASSWORD = 'demo-password-1';
type H = (req: NextRequest) => Promise<Response>;
let session: { POST: H; DELETE: H; GET: H };
let query: { GET: H };
let health: { GET: H };

const loginAs = login;

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

  it('locks an account after repeated failures, even for the right password, with the same sentence as a wrong password', async () => {
    for (let i = 0; i < 5; i++) expect((await loginAs('abt-asyl', `wrong-${i}`)).status).toBe(401);
    const locked = await loginAs('abt-asyl');
    expect(locked.status).toBe(401);
    expect(locked.body.error).toBe('Unknown user or wrong password.');
    const db = await (await import('@/dashboards/server/services')).appDb();
    const rows = await db.selectFrom('audit_log').select(['actor', 'outcome', 'details']).where('action', '=', 'login').where('actor', '=', 'abt-asyl').execute();
    expect(rows.some((r) => r.outcome === 'failed-locked')).toBe(true);
    // refused attempts are summarised per minute: the audit rows so far plus what is still being
    // counted for the current minute make all six
    const open = await db.selectFrom('refusal_window').select(['count']).where('account', '=', 'abt-asyl').execute();
    const logged = rows.reduce((n, r) => n + Number((r.details as { count?: number }).count ?? 0), 0);
    expect(logged + open.reduce((n, r) => n + Number(r.count) - 1, 0)).toBe(6);
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
    const db = await (await import('@/dashboards/server/services')).appDb();
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
      const r = await session.POST(req('/api/session', { method: 'POST', body: { username: 'ghost', password: 'x' }, headers: { 'x-fis-peer': '10.9.9.9' } }));
      last = r.status;
    }
    expect(last).toBe(429);
  });
});

describe('attacks on the login', () => {
  const post = (username: string, password: string, headers: Record<string, string> = {}) =>
    session.POST(req('/api/session', { method: 'POST', body: { username, password }, headers }));

  it('does not let a rotating X-Forwarded-For escape the rate limit: the socket\'s address counts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await post('ghost', 'x', { 'x-fis-peer': '10.7.7.7', 'x-forwarded-for': `198.51.100.${i}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    // a victim's address in the header does not get the victim limited, nor is it what the audit log records
    expect((await post('ghost', 'x', { 'x-fis-peer': '10.7.7.8', 'x-forwarded-for': '10.7.7.7' })).status).toBe(401);
    const db = await (await import('@/dashboards/server/services')).appDb();
    const clients = await db.selectFrom('refusal_window').select('client').distinct().execute();
    expect(clients.map((c) => c.client)).not.toContain('198.51.100.3');
  });

  it('counts 20 parallel wrong passwords one each: the account is locked, the right password refused', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => post('abt-integration', `wrong-guess-${i}`, { 'x-fis-peer': `10.8.0.${i + 1}` })));
    expect(rs.every((r) => r.status === 401)).toBe(true);
    const right = await post('abt-integration', 'demo-password-1', { 'x-fis-peer': '10.8.1.1' });
    expect(right.status).toBe(401);
    const db = await (await import('@/dashboards/server/services')).appDb();
    const u = await db.selectFrom('app_user').select(['locked_until']).where('username', '=', 'abt-integration').executeTakeFirstOrThrow();
    expect(new Date(u.locked_until!).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers unknown, locked and wrong-password attempts byte for byte the same', async () => {
    // abt-integration is locked by the test above
    const answers = await Promise.all([
      post('nobody-here', 'whatever-1', { 'x-fis-peer': '10.6.0.1' }),
      post('abt-integration', 'demo-password-1', { 'x-fis-peer': '10.6.0.2' }),
      post('analyst', 'wrong-password-1', { 'x-fis-peer': '10.6.0.3' }),
    ]);
    const shape = async (r: Response) => JSON.stringify([r.status, [...r.headers.entries()].filter(([k]) => k !== 'date').sort(), await r.text()]);
    const [unknown, locked, wrong] = await Promise.all(answers.map(shape));
    expect(locked).toBe(unknown);
    expect(wrong).toBe(unknown);
  });

  it('keeps a flood of 1,000 refused logins to a handful of audit rows', async () => {
    const db = await (await import('@/dashboards/server/services')).appDb();
    const count = async () => Number((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    let limited = 0;
    // guesses at one account (which locks) and at unknown ones, from one address
    for (let i = 0; i < 1000; i++) if ((await post(i % 2 ? 'abt-integration' : `nobody-${i % 7}`, `flood-${i}`, { 'x-fis-peer': '10.5.5.5' })).status === 429) limited++;
    expect(limited).toBeGreaterThan(950);
    // per minute and account: the first refusal of each kind, and the summaries of the minute
    expect((await count()) - before).toBeLessThanOrEqual(30);
  });
});

describe('GET /api/query and /api/health', () => {
  it('answers the contract shape for a logged-in user, with no-store', async () => {
    const a = await loginAs('leitung');
    const r = await query.GET(req('/api/query?metric=applications&metric=decisions&by=year&filter=kind:initial|follow_up&from=2025-01-01&to=2025-12-31', { cookie: a.cookie }));
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['columns', 'dataAsOf', 'disclosure', 'rows', 'snapshot', 'suppressed']);
    expect(body.disclosure).toEqual({ method: 'none' });
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

describe('export routes', () => {
  type Routed = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  let report: Routed;
  let panel: Routed;
  beforeAll(async () => {
    report = ((await import('./reports/[id]/export/route')) as unknown as { GET: Routed }).GET;
    panel = ((await import('./dashboards/[slug]/panels/[panel]/export/route')) as unknown as { GET: Routed }).GET;
  });
  const getReport = (id: string, qs: string, cookie?: string) => report(req(`/api/reports/${id}/export?${qs}`, { cookie }), { params: Promise.resolve({ id }) });
  const getPanel = (slug: string, id: string, qs: string, cookie?: string) => panel(req(`/api/dashboards/${slug}/panels/${id}/export?${qs}`, { cookie }), { params: Promise.resolve({ slug, panel: id }) });
  const exportsLogged = async () => {
    const db = await (await import('@/dashboards/server/services')).appDb();
    return db.selectFrom('audit_log').select(['actor', 'target', 'outcome', 'details']).where('action', '=', 'export').execute();
  };

  it('gives a report as a file, named, with the filters of /api/query, and logs it', async () => {
    const a = await loginAs('leitung');
    const before = (await exportsLogged()).length;
    const x = await getReport('asylum-monthly', 'format=xlsx&filter=state:09&from=2025-01-01&to=2025-12-31', a.cookie);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(x.headers.get('content-disposition')).toMatch(/^attachment; filename="fis-asylum-monthly-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    expect(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
    const pdf = await getReport('office-performance', 'format=pdf', a.cookie);
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const log = await exportsLogged();
    expect(log.length).toBe(before + 2);
    expect(log.at(-2)).toMatchObject({ actor: 'leitung', target: 'report:asylum-monthly', outcome: 'ok' });
  });

  it('gives a panel\'s data for the dashboard\'s URL filters', async () => {
    const a = await loginAs('analyst');
    const r = await getPanel('applications', 'map', 'format=csv-de&state=09', a.cookie);
    expect(r.status).toBe(200);
    const raw = Buffer.from(await r.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(raw.subarray(3).toString('utf8').split('\r\n')[0]).toBe('Ebene;Bundesland (Schlüssel);Bundesland;Asylanträge');
    const geo = await getPanel('applications', 'geo', 'format=csv&state=09', a.cookie);
    const rows = (await geo.text()).trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((l) => /^row,[A-Z]{3},/.test(l))).toBe(true);
  });

  it('streams query answers as Parquet and Arrow, and leaves no file behind', async () => {
    const a = await loginAs('analyst');
    const pq = await query.GET(req('/api/query?metric=applications&by=office&by=month&format=parquet', { cookie: a.cookie }));
    expect(pq.status).toBe(200);
    const bytes = Buffer.from(await pq.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    expect(Number(pq.headers.get('x-fis-rows'))).toBeGreaterThan(100);
    const arrow = await query.GET(req('/api/query?metric=applications&by=year&format=arrow', { cookie: a.cookie }));
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    expect((await arrow.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    expect(readdirSync(join(t.dir, 'tmp', 'exports'))).toEqual([]);
  });

  it('refuses anonymous callers, users without the export right, unknown reports and formats, and bad filters', async () => {
    expect((await getReport('asylum-monthly', 'format=csv')).status).toBe(401);
    expect((await getPanel('applications', 'map', 'format=csv')).status).toBe(401);
    const muc = await loginAs('ast-muc');
    const denied = await getReport('asylum-monthly', 'format=csv', muc.cookie);
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: string }).error).toMatch(/Exportrecht/);
    expect((await getPanel('applications', 'map', 'format=csv', muc.cookie)).status).toBe(403);
    expect((await query.GET(req('/api/query?metric=applications&format=parquet', { cookie: muc.cookie }))).status).toBe(403);
    const admin = await loginAs('admin');
    expect((await getReport('asylum-monthly', 'format=pdf', admin.cookie)).status).toBe(403);
    expect((await exportsLogged()).filter((r) => r.outcome === 'denied').length).toBeGreaterThanOrEqual(4);
    const a = await loginAs('leitung');
    expect((await getReport('no-such-report', 'format=csv', a.cookie)).status).toBe(404);
    expect((await getPanel('applications', 'no-such-panel', 'format=csv', a.cookie)).status).toBe(404);
    for (const qs of ['format=docx', '', 'format=csv&from=1990-01-01', 'format=csv&to=2025-13-01', 'format=csv&filter=state:99', 'format=csv&filter=kind:initial']) {
      const r = await getReport('asylum-monthly', qs, a.cookie);
      expect(r.status, qs).toBe(400);
      expect(((await r.json()) as { error: string }).error.split('\n')).toHaveLength(1);
    }
    expect((await query.GET(req('/api/query?metric=applications&format=xls', { cookie: a.cookie }))).status).toBe(400);
  });
});

describe('panel data and filter choices for the browser', () => {
  type Routed = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const get = async (path: string, params: Record<string, string>, cookie?: string) => {
    const file = path.endsWith('/filters') ? './dashboards/[slug]/filters/route' : './dashboards/[slug]/panels/[panel]/route';
    const mod = (await import(file)) as unknown as { GET: Routed };
    return mod.GET(req(path, { cookie }), { params: Promise.resolve(params) });
  };

  it('gives a panel as the page shows it, with the viewer\'s rights, and refuses what they may not see', async () => {
    expect((await get('/api/dashboards/applications/panels/map', { slug: 'applications', panel: 'map' })).status).toBe(401);
    const muc = await loginAs('ast-muc');
    const r = await get('/api/dashboards/offices/panels/league?state=08', { slug: 'offices', panel: 'league' }, muc.cookie);
    expect(r.status).toBe(200);
    const v = (await r.json()) as { data: { status: string; chart?: { categories: Array<{ code: string }> } }; exportBase: string };
    expect(v.data.status).toBe('ok');
    // a filter outside the scope shows nothing of it: MUC is in state 09
    expect(v.data.chart?.categories.map((c) => c.code) ?? []).toEqual([]);
    const own = (await (await get('/api/dashboards/offices/panels/league', { slug: 'offices', panel: 'league' }, muc.cookie)).json()) as { data: { chart: { categories: Array<{ code: string }> } } };
    expect(own.data.chart.categories.map((c) => c.code)).toEqual(['MUC']);
    expect((await get('/api/dashboards/integration-courses/panels/kpis', { slug: 'integration-courses', panel: 'kpis' }, muc.cookie)).status).toBe(403);
    expect((await get('/api/dashboards/offices/panels/nope', { slug: 'offices', panel: 'nope' }, muc.cookie)).status).toBe(404);
    expect((await get('/api/dashboards/nope/panels/x', { slug: 'nope', panel: 'x' }, muc.cookie)).status).toBe(404);
    const bar = await get('/api/dashboards/offices/filters', { slug: 'offices' }, muc.cookie);
    expect(bar.status).toBe(200);
    const choices = (await bar.json()) as { filters: Array<{ key: string; options: Array<{ code: string }> }> };
    expect(choices.filters.find((f) => f.key === 'office')?.options.map((o) => o.code) ?? ['MUC']).toEqual(['MUC']);
  });

  it('streams a filter change in one request — the same panels and choices, the same rights, a line of error for what is not for the viewer', async () => {
    const view = ((await import('./dashboards/[slug]/view/route')) as unknown as { GET: Routed }).GET;
    const lines = async (path: string, slug: string, cookie?: string) => {
      const r = await view(req(path, { cookie }), { params: Promise.resolve({ slug }) });
      return { status: r.status, type: r.headers.get('content-type'), lines: r.status === 200 ? (await r.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) : [] };
    };
    expect((await lines('/api/dashboards/offices/view?panels=league&bar=1', 'offices')).status).toBe(401);
    const muc = await loginAs('ast-muc');
    expect((await lines('/api/dashboards/integration-courses/view?panels=kpis', 'integration-courses', muc.cookie)).status).toBe(403);
    expect((await lines('/api/dashboards/nope/view?panels=x', 'nope', muc.cookie)).status).toBe(404);
    const many = await view(req(`/api/dashboards/offices/view?panels=${Array.from({ length: 40 }, (_, i) => `p${i}`).join(',')}`, { cookie: muc.cookie }), { params: Promise.resolve({ slug: 'offices' }) });
    expect(many.status).toBe(400);
    // a state outside the scope shows nothing of it, as on the one-panel route; an unknown panel is a line with its sentence
    const r = await lines('/api/dashboards/offices/view?panels=league,nope&bar=1&state=08', 'offices', muc.cookie);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/x-ndjson/);
    expect(r.lines).toHaveLength(3);
    const league = r.lines.find((l) => (l.panel as { id?: string } | undefined)?.id === 'league')!.panel as { data: { chart?: { categories: Array<{ code: string }> } } };
    expect(league.data.chart?.categories.map((c) => c.code) ?? []).toEqual([]);
    expect(r.lines.find((l) => l.panel === 'nope')?.error).toMatch(/no panel "nope"/);
    const bar = r.lines.find((l) => 'bar' in l)!.bar as { filters: Array<{ key: string; options: Array<{ code: string }> }> };
    expect(bar.filters.find((f) => f.key === 'office')?.options.map((o) => o.code) ?? ['MUC']).toEqual(['MUC']);
    // cell for cell what the one-panel and filter routes answer
    const own = await lines('/api/dashboards/offices/view?panels=league&bar=1', 'offices', muc.cookie);
    const single = await (await get('/api/dashboards/offices/panels/league', { slug: 'offices', panel: 'league' }, muc.cookie)).json();
    expect(own.lines.find((l) => 'panel' in l)!.panel).toEqual(single);
    expect(own.lines.find((l) => 'bar' in l)!.bar).toEqual(await (await get('/api/dashboards/offices/filters', { slug: 'offices' }, muc.cookie)).json());
  });
});

describe('GET /api/admin/audit', () => {
  let auditRoute: { GET: H };
  beforeAll(async () => {
    auditRoute = (await import('./admin/audit/route')) as unknown as { GET: H };
  });

  it('gives the audit log to who may read it, filtered, as JSON or CSV — and logs the CSV export', async () => {
    expect((await auditRoute.GET(req('/api/admin/audit'))).status).toBe(401);
    const leitung = await loginAs('leitung');
    expect((await auditRoute.GET(req('/api/admin/audit', { cookie: leitung.cookie }))).status).toBe(403);
    const admin = await loginAs('admin');
    const all = (await (await auditRoute.GET(req('/api/admin/audit', { cookie: admin.cookie }))).json()) as Array<{ action: string; actor: string; details: unknown }>;
    expect(all.length).toBeGreaterThan(0);
    const logins = (await (await auditRoute.GET(req('/api/admin/audit?action=login&actor=leitung', { cookie: admin.cookie }))).json()) as Array<{ action: string; actor: string }>;
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((r) => r.action === 'login' && r.actor === 'leitung')).toBe(true);
    expect(JSON.stringify(all)).not.toMatch(/demo-password-1|scrypt\$/);
    const csv = await auditRoute.GET(req('/api/admin/audit?format=csv&action=login', { cookie: admin.cookie }));
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="fis-audit-/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('at,actor,action,target,outcome,details');
    expect(lines.length).toBeGreaterThan(1);
    const exported = (await (await auditRoute.GET(req('/api/admin/audit?action=export&actor=admin', { cookie: admin.cookie }))).json()) as Array<{ target: string }>;
    expect(exported[0]?.target).toBe('audit');
    for (const bad of ['from=2025-13-01', 'actor=a%20b', 'format=xml']) expect((await auditRoute.GET(req(`/api/admin/audit?${bad}`, { cookie: admin.cookie }))).status, bad).toBe(400);
  });
});

describe('one-time passwords', () => {
  it('open nothing but the password change, which needs the CSRF token', async () => {
    const db = await (await import('@/dashboards/server/services')).appDb();
    const { resetPassword } = await import('@/roles/users');
    const once = await resetPassword(db, 'region-sued', 'admin');
    const a = await loginAs('region-sued', once);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ mustChangePassword: true });
    const blocked = await query.GET(req('/api/query?metric=applications', { cookie: a.cookie }));
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as { error: string }).error).toMatch(/one-time password/);
    const pw = ((await import('./session/password/route')) as unknown as { POST: H }).POST;
    const change = (csrf?: string, body: unknown = { current: once, next: 'region-sued-new-1' }) => pw(req('/api/session/password', { method: 'POST', body, cookie: a.cookie, csrf }));
    expect((await change()).status).toBe(403);
    expect((await change(a.csrf, { current: once })).status).toBe(400);
    expect((await change(a.csrf, { current: 'wrong-password-9', next: 'region-sued-new-1' })).status).toBe(400);
    expect((await change(a.csrf)).status).toBe(200);
    expect((await query.GET(req('/api/query?metric=applications', { cookie: a.cookie }))).status).toBe(200);
    expect((await loginAs('region-sued', 'region-sued-new-1')).status).toBe(200);
  });
});

describe('the routes of "Mein FIS" in the walk of rights', () => {
  type Routed = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const ROUTES: Array<[string, string, Record<string, string>]> = [
    ['./me/views/route', '/api/me/views', {}],
    ['./me/views/[id]/route', '/api/me/views/1', { id: '1' }],
    ['./me/start/route', '/api/me/start', {}],
    ['./events/route', '/api/events', {}],
    ['./events/[id]/route', '/api/events/1', { id: '1' }],
    ['./admin/roles/[name]/start/route', '/api/admin/roles/analyst/start', { name: 'analyst' }],
  ];

  it('answers 401 to anonymous callers, 403 to changes without CSRF, and keeps the admin one to administrators', async () => {
    const l = await loginAs('leitung');
    const admin = await loginAs('admin');
    for (const [file, path, params] of ROUTES) {
      const mod = (await import(file)) as Record<string, Routed | undefined>;
      for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
        const h = mod[method];
        if (!h) continue;
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        expect((await h(req(path, { method, body }), { params: Promise.resolve(params) })).status, `${method} ${path}`).toBe(401);
        if (method !== 'GET') expect((await h(req(path, { method, body, cookie: l.cookie }), { params: Promise.resolve(params) })).status, `${method} ${path} CSRF`).toBe(403);
      }
    }
    const roleStart = (await import('./admin/roles/[name]/start/route')) as unknown as { GET: Routed };
    expect((await roleStart.GET(req('/api/admin/roles/analyst/start', { cookie: l.cookie }), { params: Promise.resolve({ name: 'analyst' }) })).status).toBe(403);
    expect((await roleStart.GET(req('/api/admin/roles/analyst/start', { cookie: admin.cookie }), { params: Promise.resolve({ name: 'analyst' }) })).status).toBe(200);
    const events = (await import('./events/route')) as unknown as { GET: Routed };
    expect((await events.GET(req('/api/events', { cookie: admin.cookie }), { params: Promise.resolve({}) })).status).toBe(403);
  });
});
