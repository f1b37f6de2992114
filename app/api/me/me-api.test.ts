/**
 * "Mein FIS" through the real route handlers: every new route refuses anonymous callers and
 * changes without the CSRF token; nobody reads, changes or deletes another user's view (404 on
 * every route); a view opened after its owner's scope shrank drops the values outside it, with the
 * sentence, never their figures; relative periods stay relative; the start page shows pinned
 * panels with their own filters and the numbers of their dashboards, and leaves out what the user
 * may no longer see; events need the annotate right and are seen only by their roles and scopes —
 * on screen, in exports and in the API; every change is audited.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '@/etl/run';
import { appDb, services } from '@/dashboards/server/services';
import { openAppDb } from '@/roles/app-db';
import { principalByName } from '@/roles/access';
import { installDemo, queryAudit } from '@/roles/store';
import { updateUser } from '@/roles/users';
import { login, req, type Handler } from '@/test/api-helpers';
import { etlOpts } from '@/test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
const targets = pgliteTargets(t.dir);

type Mod = Partial<Record<'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', Handler>>;
const views = () => import('./views/route') as Promise<Mod>;
const view = () => import('./views/[id]/route') as Promise<Mod>;
const start = () => import('./start/route') as Promise<Mod>;
const events = () => import('../events/route') as Promise<Mod>;
const event = () => import('../events/[id]/route') as Promise<Mod>;
const roleStart = () => import('../admin/roles/[name]/start/route') as Promise<Mod>;
const panel = () => import('../dashboards/[slug]/panels/[panel]/route') as Promise<Mod>;
const dashboardExport = () => import('../dashboards/[slug]/export/route') as Promise<Mod>;
const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });
const body = async <T>(r: Response) => (await r.json()) as T;
let dataAsOf = '';

beforeAll(async () => {
  await generateTiny(targets, 16);
  await runEtl(etlOpts(t.dir, targets, true));
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
  dataAsOf = services().reader.info()!.dataAsOf!;
});
afterAll(() => t.cleanup());

const principal = async (username: string) => principalByName(await appDb(), username, 5);

describe('every new route: login, CSRF, rights', () => {
  it('refuses anonymous callers (401) and changes without the CSRF token (403), on every route and method', async () => {
    const routes: Array<[string, () => Promise<Mod>, Record<string, string>]> = [
      ['/api/me/views', views, {}],
      ['/api/me/views/1', view, { id: '1' }],
      ['/api/me/start', start, {}],
      ['/api/events', events, {}],
      ['/api/events/1', event, { id: '1' }],
      ['/api/admin/roles/analyst/start', roleStart, { name: 'analyst' }],
    ];
    const l = await login('leitung');
    for (const [path, mod, p] of routes) {
      const m = await mod();
      for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
        const h = m[method];
        if (!h) continue;
        const b = method === 'GET' || method === 'DELETE' ? undefined : {};
        expect((await h(req(path, { method, body: b }), params(p))).status, `${method} ${path} anonymous`).toBe(401);
        if (method !== 'GET') expect((await h(req(path, { method, body: b, cookie: l.cookie }), params(p))).status, `${method} ${path} without CSRF`).toBe(403);
      }
    }
    // the role's start page is the administration's: 403 for everyone else, with one sentence
    const r = await (await roleStart()).GET!(req('/api/admin/roles/analyst/start', { cookie: l.cookie }), params({ name: 'analyst' }));
    expect(r.status).toBe(403);
    expect((await body<{ error: string }>(r)).error.split('\n')).toHaveLength(1);
    // administering grants no views, start page or events (no dashboards to see)
    const admin = await login('admin');
    expect((await (await views()).GET!(req('/api/me/views', { cookie: admin.cookie }))).status).toBe(403);
    expect((await (await start()).GET!(req('/api/me/start', { cookie: admin.cookie }))).status).toBe(403);
    expect((await (await events()).GET!(req('/api/events', { cookie: admin.cookie }))).status).toBe(403);
  });
});

describe('personal views', () => {
  let id = '';

  it('saves a view with a relative period, refuses foreign paths and pages outside the rights', async () => {
    const l = await login('leitung');
    const post = (b: unknown, who = l) => (views()).then((m) => m.POST!(req('/api/me/views', { method: 'POST', body: b, cookie: who.cookie, csrf: who.csrf })));
    const r = await post({ name: 'Bayern, letzte 12 Monate', path: '/dashboards/pending?state=09&period=last-12-months', isDefault: true });
    expect(r.status).toBe(201);
    const v = await body<{ id: string; path: string; isDefault: boolean }>(r);
    id = v.id;
    expect(v).toMatchObject({ path: '/dashboards/pending?period=last-12-months&state=09', isDefault: true });
    for (const path of ['https://evil.example/dashboards/pending', '//evil.example/x', '/admin/users', '/api/query?metric=applications', '/dashboards/nope']) {
      const bad = await post({ name: 'x', path, isDefault: false });
      expect(bad.status, path).toBe(400);
      expect((await body<{ error: string }>(bad)).error.split('\n')).toHaveLength(1);
    }
    expect((await post({ name: '', path: '/dashboards/pending' })).status).toBe(400);
    const muc = await login('ast-muc');
    expect((await post({ name: 'Kurse', path: '/dashboards/integration-courses', isDefault: false }, muc)).status).toBe(403);
    // a second default of the same page replaces the first
    const second = await body<{ id: string }>(await post({ name: 'Alles', path: '/dashboards/pending', isDefault: true }));
    const mine = await body<Array<{ id: string; isDefault: boolean }>>(await (await views()).GET!(req('/api/me/views', { cookie: l.cookie })));
    expect(mine.filter((x) => x.isDefault).map((x) => x.id)).toEqual([second.id]);
    const audit = await queryAudit(await appDb(), { action: 'view' });
    expect(audit.filter((e) => e.action === 'view.create').length).toBe(2);
  });

  it('lets no one read, change or delete another user\'s view (404 on every route), and the owner rename and delete it', async () => {
    const a = await login('analyst');
    expect(await body(await (await views()).GET!(req('/api/me/views', { cookie: a.cookie })))).toEqual([]);
    const patch = await (await view()).PATCH!(req(`/api/me/views/${id}`, { method: 'PATCH', body: { name: 'mine now' }, cookie: a.cookie, csrf: a.csrf }), params({ id }));
    expect(patch.status).toBe(404);
    expect((await body<{ error: string }>(patch)).error).toBe(`You have no view ${id}.`);
    expect((await (await view()).PATCH!(req(`/api/me/views/${id}`, { method: 'PATCH', body: { isDefault: true }, cookie: a.cookie, csrf: a.csrf }), params({ id }))).status).toBe(404);
    expect((await (await view()).DELETE!(req(`/api/me/views/${id}`, { method: 'DELETE', cookie: a.cookie, csrf: a.csrf }), params({ id }))).status).toBe(404);
    expect((await (await view()).DELETE!(req('/api/me/views/abc', { method: 'DELETE', cookie: a.cookie, csrf: a.csrf }), params({ id: 'abc' }))).status).toBe(404);
    const l = await login('leitung');
    const renamed = await (await view()).PATCH!(req(`/api/me/views/${id}`, { method: 'PATCH', body: { name: 'Bayern' }, cookie: l.cookie, csrf: l.csrf }), params({ id }));
    expect(renamed.status).toBe(200);
    expect(await body(renamed)).toMatchObject({ id, name: 'Bayern', path: '/dashboards/pending?period=last-12-months&state=09' });
    expect((await (await view()).DELETE!(req(`/api/me/views/${id}`, { method: 'DELETE', cookie: l.cookie, csrf: l.csrf }), params({ id }))).status).toBe(200);
    expect((await body<Array<{ id: string }>>(await (await views()).GET!(req('/api/me/views', { cookie: l.cookie })))).map((v) => v.id)).not.toContain(id);
  });

  it('opens a view whose owner\'s scope shrank without the values outside it, says which, and shows none of their figures', async () => {
    const r = await login('region-sued');
    const saved = await body<{ path: string }>(await (await views()).POST!(req('/api/me/views', { method: 'POST', body: { name: 'Süden', path: '/dashboards/applications?state=08&period=last-12-months', isDefault: true }, cookie: r.cookie, csrf: r.csrf })));
    // the scope shrinks to Bavaria
    await updateUser(await appDb(), 'region-sued', { states: ['09'] }, 'admin');
    const p = await principal('region-sued');
    const { pageState } = await import('@/dashboards/server/my');
    const { dashboardSource } = await import('@/dashboards/server/options');
    const { dashboardDef } = await import('@/dashboards/defs');
    const def = dashboardDef('applications')!;
    const sp = Object.fromEntries(new URL(saved.path, 'http://x').searchParams);
    const redirected = await pageState(p, '/dashboards/applications', dashboardSource(def), sp, 'de').then(() => '', (e: { digest?: string }) => e.digest ?? String(e));
    expect(redirected).toMatch(/^NEXT_REDIRECT;/);
    const to = new URL(redirected.split(';')[2]!, 'http://x');
    expect(to.pathname).toBe('/dashboards/applications');
    expect(to.searchParams.get('state')).toBeNull();
    expect(to.searchParams.get('period')).toBe('last-12-months');
    expect(to.searchParams.get('dropped')).toBe('state:08');
    const { notice } = await pageState(p, '/dashboards/applications', dashboardSource(def), Object.fromEntries(to.searchParams), 'de');
    expect(notice).toBe('Außerhalb Ihrer Rechte und daher nicht angewandt: Bundesland Baden-Württemberg.');
    // the figures: Bavaria's only — with the view's filter or without it, nothing of state 08
    const { panelView } = await import('@/dashboards/server/live');
    const { parseFilters } = await import('@/dashboards/filters');
    const reader = await services().reader.pin();
    for (const q of [Object.fromEntries(to.searchParams), sp]) {
      const v = await panelView(reader, p, def, 'map', parseFilters(q, def, dataAsOf), 'de');
      const chart = v.data.status === 'ok' && v.data.kind === 'chart' ? v.data.chart : undefined;
      const shown = chart!.categories.filter((_, i) => chart!.series.some((s) => (s.data[i] ?? 0) !== 0)).map((c) => c.code);
      expect(shown.every((c) => c === '09' || /^[A-Z]{3}$/.test(c)), JSON.stringify(shown)).toBe(true);
      expect(shown).not.toContain('08');
    }
    // a claimed drop that is not outside the scope says nothing
    expect((await pageState(p, '/dashboards/applications', dashboardSource(def), { dropped: 'state:09' }, 'de')).notice).toBeUndefined();
    // and the default view is where the bare dashboard leads
    const bare = await pageState(p, '/dashboards/applications', dashboardSource(def), {}, 'de').then(() => '', (e: { digest?: string }) => e.digest ?? '');
    expect(bare.split(';')[2]).toBe('/dashboards/applications?period=last-12-months&state=08');
  });
});

describe('the start page', () => {
  it('pins panels and a tile with their own filters, arranges them, and shows the numbers of their dashboards', async () => {
    const l = await login('leitung');
    const pin = async (b: unknown) => (await start()).POST!(req('/api/me/start', { method: 'POST', body: b, cookie: l.cookie, csrf: l.csrf }));
    const a = await body<{ id: string }>(await pin({ slug: 'applications', panel: 'monthly', query: 'state=09&period=last-12-months' }));
    const b = await body<{ id: string }>(await pin({ slug: 'overview', panel: 'kpis', tile: 'applications', query: 'office=MUC' }));
    const c = await body<{ id: string }>(await pin({ slug: 'pending', panel: 'stock', query: '' }));
    expect((await pin({ slug: 'pending', panel: 'nope' })).status).toBe(400);
    expect((await pin({ slug: 'overview', panel: 'kpis', tile: 'nope' })).status).toBe(400);
    const put = await (await start()).PUT!(req('/api/me/start', { method: 'PUT', body: { order: [c.id, a.id, b.id] }, cookie: l.cookie, csrf: l.csrf }));
    expect(put.status).toBe(200);
    expect((await (await start()).PUT!(req('/api/me/start', { method: 'PUT', body: { order: ['forged'] }, cookie: l.cookie, csrf: l.csrf }))).status).toBe(400);
    const { startPageView } = await import('@/dashboards/server/my');
    const { panelView } = await import('@/dashboards/server/live');
    const { parseFilters } = await import('@/dashboards/filters');
    const { dashboardDef } = await import('@/dashboards/defs');
    const p = await principal('leitung');
    const page = await startPageView(p, 'de');
    expect(page.pins.map((x) => x.pin.id)).toEqual([c.id, a.id, b.id]);
    expect(page.hidden).toBe(0);
    const reader = await services().reader.pin();
    for (const x of page.pins) {
      const def = dashboardDef(x.pin.slug)!;
      const own = await panelView(reader, p, def, x.pin.panel, parseFilters(Object.fromEntries(new URLSearchParams(x.pin.query)), def, dataAsOf), 'de');
      if (x.pin.tile) {
        expect(x.view.data.status === 'ok' && x.view.data.kind === 'kpis' && x.view.data.tiles.map((tile) => [tile.metric, tile.value])).toEqual(own.data.status === 'ok' && own.data.kind === 'kpis' && own.data.tiles.filter((tile) => tile.metric === 'applications').map((tile) => [tile.metric, tile.value]));
      } else expect(x.view.data).toEqual(own.data);
      expect(x.href).toBe(`/dashboards/${x.pin.slug}${x.pin.query ? `?${x.pin.query}` : ''}`);
    }
    // the pinned Bavarian chart is not the federal one
    const federal = await panelView(reader, p, dashboardDef('applications')!, 'monthly', parseFilters({}, dashboardDef('applications')!, dataAsOf), 'de');
    expect(page.pins[1]!.view.data).not.toEqual(federal.data);
  });

  it('starts a new user with the start page the administrator set for the role, leaving out what they may not see', async () => {
    const admin = await login('admin');
    const items = [{ slug: 'applications', panel: 'monthly' }, { slug: 'integration-courses', panel: 'courses' }];
    const r = await (await roleStart()).PUT!(req('/api/admin/roles/division-integration/start', { method: 'PUT', body: { items }, cookie: admin.cookie, csrf: admin.csrf }), params({ name: 'division-integration' }));
    expect(r.status).toBe(200);
    // the administrator sees panels by name, never figures
    expect(JSON.stringify(await body(r))).not.toMatch(/"value"|"series"|"rows"/);
    const { startPageView } = await import('@/dashboards/server/my');
    const page = await startPageView(await principal('abt-integration'), 'de');
    expect(page.source).toBe('role');
    expect(page.pins.map((x) => `${x.pin.slug}/${x.pin.panel}`)).toEqual(['integration-courses/courses']);
    expect(page.hidden).toBe(1);
    expect((await queryAudit(await appDb(), { action: 'role' })).some((e) => e.action === 'role.start-page' && e.target === 'division-integration')).toBe(true);
  });
});

describe('events on the time axes', () => {
  let everyone = '';
  let leadersOnly = '';
  let nue = '';
  const day = () => `${new Date(new Date(dataAsOf).getTime() - 90 * 86400_000).toISOString().slice(0, 7)}-01`;

  it('need the annotate right and the CSRF token; malformed ones are refused with one sentence', async () => {
    const post = async (who: Awaited<ReturnType<typeof login>>, b: unknown, csrf = true) => (await events()).POST!(req('/api/events', { method: 'POST', body: b, cookie: who.cookie, csrf: csrf ? who.csrf : undefined }));
    const ev = { date: day(), title: 'Rechtsänderung', text: 'Neues Gesetz in Kraft', scope: { states: [], offices: [] }, roles: ['leadership', 'analyst', 'branch-office-head'] };
    for (const u of ['analyst', 'ast-muc', 'region-sued']) {
      const r = await post(await login(u), ev);
      expect(r.status, u).toBe(403);
      expect((await body<{ error: string }>(r)).error).toBe('You may not write events: that needs the annotate right.');
    }
    const l = await login('leitung');
    expect((await post(l, ev, false)).status).toBe(403);
    expect((await post(l, { ...ev, date: 'yesterday' })).status).toBe(400);
    expect((await post(l, { ...ev, roles: ['no-such-role'] })).status).toBe(400);
    const r = await post(l, ev);
    expect(r.status).toBe(201);
    everyone = (await body<{ id: string }>(r)).id;
    leadersOnly = (await body<{ id: string }>(await post(l, { ...ev, title: 'Nur Leitung', text: '', roles: ['leadership'] }))).id;
    nue = (await body<{ id: string }>(await post(await login('abt-asyl'), { ...ev, title: 'Zugangsspitze Nürnberg', scope: { states: [], offices: ['NUE'] }, roles: [...ev.roles, 'division-asylum'] }))).id;
  });

  it('are seen by their roles and scopes only — in the API, on the charts and in the PDF', async () => {
    const titles = async (u: string) => (await body<Array<{ title: string }>>(await (await events()).GET!(req(`/api/events?from=2000-01-01&to=2100-12-31`, { cookie: (await login(u)).cookie })))).map((e) => e.title);
    expect(await titles('leitung')).toEqual(expect.arrayContaining(['Rechtsänderung', 'Nur Leitung', 'Zugangsspitze Nürnberg']));
    expect(await titles('analyst')).toEqual(['Rechtsänderung', 'Zugangsspitze Nürnberg']);
    // NUE is not in Munich: the branch-office head sees the event for everyone only
    expect(await titles('ast-muc')).toEqual(['Rechtsänderung']);
    expect(await titles('abt-integration')).toEqual([]);
    expect((await (await events()).GET!(req('/api/events?from=soon', { cookie: (await login('leitung')).cookie }))).status).toBe(400);

    const chartEvents = async (u: string, qs = '') => {
      const r = await (await panel()).GET!(req(`/api/dashboards/overview/panels/trend${qs}`, { cookie: (await login(u)).cookie }), params({ slug: 'overview', panel: 'trend' }));
      const v = await body<{ data: { chart: { events?: Array<{ title: string; index: number }> } } }>(r);
      return (v.data.chart.events ?? []).map((e) => e.title);
    };
    expect(await chartEvents('leitung')).toEqual(expect.arrayContaining(['Rechtsänderung', 'Nur Leitung', 'Zugangsspitze Nürnberg']));
    expect(await chartEvents('analyst')).toEqual(['Rechtsänderung', 'Zugangsspitze Nürnberg']);
    // a chart filtered to another office does not show Nuremberg's event
    expect(await chartEvents('leitung', '?office=MUC')).not.toContain('Zugangsspitze Nürnberg');

    const pdfText = async (u: string) => {
      const r = await (await dashboardExport()).GET!(req('/api/dashboards/overview/export?format=pdf', { cookie: (await login(u)).cookie }), params({ slug: 'overview' }));
      expect(r.status).toBe(200);
      const out = spawnSync('pdftotext', ['-', '-'], { input: Buffer.from(await r.arrayBuffer()) });
      return out.stdout.toString('utf8').replace(/\s+/g, ' ');
    };
    const leader = await pdfText('leitung');
    expect(leader).toContain('Nur Leitung');
    expect(leader).toContain('Rechtsänderung');
    const analyst = await pdfText('analyst');
    expect(analyst).toContain('Rechtsänderung');
    expect(analyst).not.toContain('Nur Leitung');
  });

  it('are removed by writers who see them (404 otherwise), audited', async () => {
    const del = async (u: string, id: string) => {
      const who = await login(u);
      return (await event()).DELETE!(req(`/api/events/${id}`, { method: 'DELETE', cookie: who.cookie, csrf: who.csrf }), params({ id }));
    };
    const onTrend = async (u: string) => {
      const r = await (await panel()).GET!(req('/api/dashboards/overview/panels/trend', { cookie: (await login(u)).cookie }), params({ slug: 'overview', panel: 'trend' }));
      return ((await body<{ data: { chart: { events?: Array<{ title: string }> } } }>(r)).data.chart.events ?? []).map((e) => e.title);
    };
    // the chart just seen, the event removed: the next answer no longer shows it (no event list kept between requests)
    expect(await onTrend('leitung')).toContain('Nur Leitung');
    expect((await del('analyst', everyone)).status).toBe(403);
    // the division head for integration does not see the leadership's event: it is not there for them
    expect((await del('abt-integration', leadersOnly)).status).toBe(404);
    expect((await del('leitung', leadersOnly)).status).toBe(200);
    expect(await onTrend('leitung')).not.toContain('Nur Leitung');
    expect((await del('leitung', leadersOnly)).status).toBe(404);
    expect((await del('abt-asyl', nue)).status).toBe(200);
    const audit = (await queryAudit(await appDb(), { action: 'event' })).map((e) => [e.action, e.actor]);
    expect(audit).toEqual(expect.arrayContaining([['event.create', 'leitung'], ['event.create', 'abt-asyl'], ['event.delete', 'leitung'], ['event.delete', 'abt-asyl']]));
  });
});
