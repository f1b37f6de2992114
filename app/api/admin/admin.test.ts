/**
 * The administration through the real route handlers: every admin route refuses non-admins (403),
 * the admin reads no case data through any route, roles are created, previewed, changed (with
 * optimistic concurrency), restored and deleted with history and audit entries, users are
 * administered without a password ever showing, and the pipeline monitor shows runs, failures,
 * freshness and quarantined rows, with "run now" refused while a run is in progress.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DEFS } from '@/dashboards/defs';
import { REPORTS } from '@/dashboards/catalog';
import { runEtl } from '@/etl/run';
import { openPg } from '@/platform/pg/open';
import { appDb } from '@/dashboards/server/services';
import { openAppDb } from '@/roles/app-db';
import { installDemo, queryAudit } from '@/roles/store';
import { login, req, type Handler, type Login } from '@/test/api-helpers';
import { etlOpts } from '@/test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';
import type { EtlStatus } from '@/etl/status';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
const targets = pgliteTargets(t.dir);

const API = join(__dirname, '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const PARAMS: Record<string, string> = { name: 'analyst', username: 'analyst', id: REPORTS[0]!.id, slug: DASHBOARD_DEFS[0]!.slug, panel: DASHBOARD_DEFS[0]!.panels[0]!.id, sub: '1', item: '1' };

/** Every route module under app/api, with its URL path (e.g. /api/admin/roles/[name]). */
function routes(): Array<{ path: string; file: string }> {
  return (readdirSync(API, { recursive: true }) as string[])
    .filter((f) => f.endsWith('route.ts'))
    .map((f) => ({ path: `/api/${relative(API, join(API, f)).replace(/\/?route\.ts$/, '')}`.replace(/\/$/, ''), file: join(API, f) }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls `method` of the route at `path` as the logged-in user, its [params] filled in. */
async function call(path: string, file: string, method: string, who: Login | undefined, opts: { query?: string; body?: unknown } = {}) {
  const mod = (await import(file)) as Partial<Record<string, Handler>>;
  const params = Object.fromEntries([...path.matchAll(/\[(\w+)\]/g)].map((m) => [m[1]!, PARAMS[m[1]!]!]));
  const url = path.replace(/\[(\w+)\]/g, (_, k: string) => PARAMS[k]!) + (opts.query ?? '');
  const body = method === 'GET' || method === 'DELETE' ? undefined : (opts.body ?? {});
  return mod[method]!(req(url, { method, cookie: who?.cookie, csrf: who?.csrf, body }), { params: Promise.resolve(params) });
}

beforeAll(async () => {
  await generateTiny(targets, 63);
  await runEtl(etlOpts(t.dir, targets, true));
  // the route handlers host the app-state database in this process; the setup's handle closes first
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
});
afterAll(() => t.cleanup());

describe('rights of the administration', () => {
  it('refuses every admin route and method to non-admins (403) and to anonymous callers (401)', async () => {
    const admin = routes().filter((r) => r.path.startsWith('/api/admin/'));
    expect(admin.length).toBeGreaterThanOrEqual(8);
    const names = ['leitung', 'analyst', 'ast-muc'];
    const users = await Promise.all(names.map((u) => login(u)));
    let checked = 0;
    for (const r of admin) {
      const mod = (await import(r.file)) as object;
      for (const m of METHODS.filter((x) => x in mod)) {
        for (const [i, u] of users.entries()) {
          const res = await call(r.path, r.file, m, u);
          expect(res.status, `${m} ${r.path} as ${names[i]}`).toBe(403);
          expect(((await res.json()) as { error: string }).error).toMatch(/^You may not [^\n]+\.$/);
        }
        expect((await call(r.path, r.file, m, undefined)).status, `${m} ${r.path} anonymous`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('gives the admin no case data through any route', async () => {
    const a = await login('admin');
    // routes that carry no case data; every other route must refuse the admin
    // (the health probes and single sign-on's two routes carry none either: they are tried in app/api/ops.test.ts and e2e/oidc.e2e.ts)
    const harmless = new Set(['/api/session', '/api/session/password', '/api/health', '/api/health/live', '/api/health/ready', '/api/geo/states', '/api/auth/oidc/login', '/api/auth/oidc/callback']);
    const asks: Record<string, string[]> = {
      '/api/query': ['?metric=applications', '?metric=courses_started&by=state', '?metric=vocational_participants&format=csv', '?metric=decisions&format=parquet'],
      '/api/reports/[id]/export': ['?format=csv', '?format=xlsx'],
      '/api/dashboards/[slug]/panels/[panel]/export': ['?format=csv'],
      '/api/dashboards/[slug]/panels/[panel]': ['', '?state=09'],
      '/api/dashboards/[slug]/filters': [''],
      '/api/dashboards/[slug]/view': ['?panels=kpis&bar=1', '?panels=map,trend&state=09'],
      '/api/dashboards/[slug]/export': ['?format=pdf', '?format=xlsx'],
      // subscriptions and the inbox: for those who see a report or dashboard (an administrator sees none)
      '/api/subscriptions': [''],
      '/api/subscriptions/preview': [''],
      '/api/subscriptions/[sub]': [''],
      '/api/subscriptions/[sub]/deliver': [''],
      '/api/inbox': [''],
      '/api/inbox/[item]': [''],
      // "Mein FIS": views, the start page and events are for those who see a dashboard or report
      '/api/me/views': ['', '?target=/dashboards/pending'],
      '/api/me/views/[id]': [''],
      '/api/me/start': [''],
      '/api/events': ['', '?from=2020-01-01&to=2030-12-31'],
      '/api/events/[id]': [''],
    };
    for (const r of routes().filter((x) => !x.path.startsWith('/api/admin/') && !harmless.has(x.path))) {
      expect(asks[r.path], `a new route ${r.path}: add it to this test`).toBeDefined();
      // every method a route has (a route that only changes things has no GET)
      const mod = (await import(r.file)) as object;
      for (const m of METHODS.filter((x) => x in mod)) {
        for (const q of asks[r.path]!) {
          for (const id of r.path.includes('[id]') ? REPORTS.map((x) => x.id) : [PARAMS.id!]) {
            PARAMS.id = id;
            const res = await call(r.path, r.file, m, a, { query: q });
            expect(res.status, `${m} ${r.path}${q} (${id})`).toBe(403);
          }
        }
      }
    }
    PARAMS.id = REPORTS[0]!.id;
    for (const d of DASHBOARD_DEFS) {
      for (const p of d.panels) {
        const res = await (await import('../dashboards/[slug]/panels/[panel]/export/route')).GET(req(`/api/dashboards/${d.slug}/panels/${p.id}/export?format=csv`, { cookie: a.cookie }), { params: Promise.resolve({ slug: d.slug, panel: p.id }) });
        expect(res.status, `${d.slug}/${p.id}`).toBe(403);
      }
    }
  });
});

const roles = () => import('./roles/route');
const role = () => import('./roles/[name]/route');

describe('roles through the API', () => {
  const definition = { name: 'state-bavaria', label_de: 'Land Bayern', label_en: 'State of Bavaria', description: '', rules: [
    { action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: ['09'] } } },
    { action: 'use', subject: 'Metric' },
    { action: 'view', subject: 'Dashboard', conditions: { slug: { $in: ['overview', 'applications'] } } },
  ] };

  it('refuses invalid definitions with the reason and stores nothing', async () => {
    const a = await login('admin');
    const bad: Array<[unknown, RegExp]> = [
      [{ ...definition, rules: [{ action: 'read', subject: 'Salaries' }] }, /unknown subject "Salaries"/],
      [{ ...definition, rules: [{ action: 'read', subject: 'AsylumData', conditions: { salary: { $in: ['x'] } } }] }, /unknown field "salary"/],
      [{ ...definition, rules: [{ action: 'read', subject: 'AsylumData', conditions: { state_code: { $regex: '0.*' } } }] }, /operator "\$regex" is not allowed/],
      [{ ...definition, rules: [{ action: 'read', subject: 'AsylumData', conditions: { state_code: '${user.states' } }] }, /not a known placeholder/],
      [{ ...definition, name: 'Bad Name' }, /name/],
    ];
    for (const [def, reason] of bad) {
      const r = await (await roles()).POST(req('/api/admin/roles', { method: 'POST', body: def, cookie: a.cookie, csrf: a.csrf }));
      expect(r.status).toBe(400);
      const { error } = (await r.json()) as { error: string };
      expect(error).toMatch(reason);
      expect(error.split('\n')).toHaveLength(1);
      const preview = await (await import('./role-preview/route')).POST(req('/api/admin/role-preview', { method: 'POST', body: { definition: def }, cookie: a.cookie, csrf: a.csrf }));
      expect(preview.status).toBe(400);
    }
    const list = (await (await (await roles()).GET(req('/api/admin/roles', { cookie: a.cookie }))).json()) as Array<{ name: string }>;
    expect(list.map((x) => x.name)).not.toContain('state-bavaria');
    expect(list.map((x) => x.name)).not.toContain('Bad Name');
  });

  it('previews a role without storing it: dashboards, offices of the state, the statement — no figures', async () => {
    const a = await login('admin');
    const r = await (await import('./role-preview/route')).POST(req('/api/admin/role-preview', { method: 'POST', body: { definition, scope: {} }, cookie: a.cookie, csrf: a.csrf }));
    expect(r.status).toBe(200);
    const p = (await r.json()) as { rights: { dashboards: string[]; domains: string[] }; offices: { all: boolean; codes: Array<{ state: string }> }; sample: { sql: string; parameters: unknown[] } };
    expect(p.rights.dashboards).toEqual(['overview', 'applications']);
    expect(p.rights.domains).toEqual(['asylum']);
    expect(p.offices.all).toBe(false);
    expect(p.offices.codes.length).toBeGreaterThan(0);
    expect(new Set(p.offices.codes.map((o) => o.state))).toEqual(new Set(['09']));
    expect(`${p.sample.sql} ${JSON.stringify(p.sample.parameters)}`).toContain('09');
    expect(JSON.stringify(p)).not.toMatch(/"rows"/);
    const stored = (await (await (await roles()).GET(req('/api/admin/roles', { cookie: a.cookie }))).json()) as Array<{ name: string }>;
    expect(stored.map((x) => x.name)).not.toContain('state-bavaria');
  });

  it('creates, changes, refuses a stale change, restores, deletes and re-creates — with history and audit entries', async () => {
    const a = await login('admin');
    const b = await login('admin');
    const created = await (await roles()).POST(req('/api/admin/roles', { method: 'POST', body: definition, cookie: a.cookie, csrf: a.csrf }));
    expect(created.status).toBe(201);
    expect(((await created.json()) as { version: number }).version).toBe(1);
    const put = (who: Login, def: unknown, version: number) =>
      role().then((m) => m.PUT(req('/api/admin/roles/state-bavaria', { method: 'PUT', body: { definition: def, version }, cookie: who.cookie, csrf: who.csrf }), { params: Promise.resolve({ name: 'state-bavaria' }) }));
    const to08 = { ...definition, rules: [{ ...definition.rules[0]!, conditions: { state_code: { $in: ['08'] } } }, ...definition.rules.slice(1)] };
    // two admins edit version 1 at once: the first wins, the second is told and nothing is lost silently
    expect((await put(a, to08, 1)).status).toBe(200);
    const stale = await put(b, { ...definition, description: 'parallel' }, 1);
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { error: string }).error).toMatch(/was changed by admin in the meantime \(now version 2\); reload it/);
    const got = (await (await (await role()).GET(req('/api/admin/roles/state-bavaria', { cookie: a.cookie }), { params: Promise.resolve({ name: 'state-bavaria' }) })).json()) as {
      role: { version: number; description: string; rules: unknown[] };
      history: Array<{ version: number }>;
    };
    expect(got.role.version).toBe(2);
    expect(got.role.description).toBe('');
    expect(got.history.map((h) => h.version)).toEqual([2, 1]);
    const restore = (await import('./roles/[name]/restore/route')).POST;
    const restored = await restore(req('/api/admin/roles/state-bavaria/restore', { method: 'POST', body: { version: 1, expectedVersion: 2 }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ name: 'state-bavaria' }) });
    expect(restored.status).toBe(200);
    expect((await restored.json()) as { version: number; rules: unknown }).toMatchObject({ version: 3, rules: definition.rules });
    const del = await (await role()).DELETE(req('/api/admin/roles/state-bavaria?version=3', { method: 'DELETE', cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ name: 'state-bavaria' }) });
    expect(del.status).toBe(200);
    // a deleted role is restored as a new version, its history continues
    const again = await restore(req('/api/admin/roles/state-bavaria/restore', { method: 'POST', body: { version: 2, expectedVersion: null }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ name: 'state-bavaria' }) });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { version: number }).version).toBe(5);
    const actions = (await queryAudit(await appDb(), { action: 'role' })).filter((e) => e.target === 'state-bavaria').map((e) => e.action).reverse();
    expect(actions).toEqual(['role.create', 'role.update', 'role.restore', 'role.delete', 'role.restore']);
  });
});

describe('users through the API', () => {
  it('creates a user with a one-time password shown once, changes them with optimistic concurrency, never shows a hash', async () => {
    const a = await login('admin');
    const usersRoute = await import('./users/route');
    const created = await usersRoute.POST(req('/api/admin/users', { method: 'POST', body: { username: 'berta', display_name: 'Berta Bayer', roles: ['regional-head'], states: ['09'] }, cookie: a.cookie, csrf: a.csrf }));
    expect(created.status).toBe(201);
    const { user, password } = (await created.json()) as { user: { version: number; must_change_password: boolean }; password: string };
    expect(user.must_change_password).toBe(true);
    expect((await login('berta', password)).status).toBe(200);
    const listed = await (await usersRoute.GET(req('/api/admin/users', { cookie: a.cookie }))).text();
    expect(listed).toContain('berta');
    expect(listed).not.toMatch(/scrypt|password_hash/);
    const patch = (await import('./users/[username]/route')).PATCH;
    const ok = await patch(req('/api/admin/users/berta', { method: 'PATCH', body: { change: { states: ['08'] }, version: user.version }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ username: 'berta' }) });
    expect(ok.status).toBe(200);
    const stale = await patch(req('/api/admin/users/berta', { method: 'PATCH', body: { change: { states: ['10'] }, version: user.version }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ username: 'berta' }) });
    expect(stale.status).toBe(409);
    const reset = (await import('./users/[username]/password/route')).POST;
    const fresh = (await (await reset(req('/api/admin/users/berta/password', { method: 'POST', cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ username: 'berta' }) })).json()) as { password: string };
    expect(fresh.password).not.toBe(password);
    expect((await login('berta', password)).status).toBe(401);
    expect((await login('berta', fresh.password)).status).toBe(200);
    const log = JSON.stringify(await queryAudit(await appDb(), { limit: 10_000 }));
    expect(log).not.toContain(password);
    expect(log).not.toContain(fresh.password);
  });
});

describe('separation of duties', () => {
  it('lets no administrator give themselves case data: not through their own user, not through their own role', async () => {
    const a = await login('admin');
    const patch = (await import('./users/[username]/route')).PATCH;
    const self = (change: Record<string, unknown>, version: number) =>
      patch(req('/api/admin/users/admin', { method: 'PATCH', body: { change, version }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ username: 'admin' }) });
    const me = async () => (await (await import('@/roles/store')).getUser(await appDb(), 'admin'))!;
    for (const change of [{ roles: ['administrator', 'leadership'] }, { states: ['09'] }, { offices: ['MUC'] }, { active: false }]) {
      const r = await self(change, (await me()).version);
      expect(r.status, JSON.stringify(change)).toBe(403);
      expect(((await r.json()) as { error: string }).error).toBe('You cannot change your own roles, scope or active flag; another administrator can.');
    }
    expect((await me()).roles).toEqual(['administrator']);
    // the display name is one's own to change
    expect((await self({ display_name: 'Adam Admin' }, (await me()).version)).status).toBe(200);
    // nor through the role they hold
    const roleRoute = await import('./roles/[name]/route');
    const current = (await (await roleRoute.GET(req('/api/admin/roles/administrator', { cookie: a.cookie }), { params: Promise.resolve({ name: 'administrator' }) })).json()) as { role: { version: number; rules: unknown[]; label_de: string; label_en: string; description: string } };
    const { label_de, label_en, description } = current.role;
    const widened = { name: 'administrator', label_de, label_en, description, rules: [...current.role.rules, { action: 'read', subject: 'AsylumData' }] };
    const put = await roleRoute.PUT(req('/api/admin/roles/administrator', { method: 'PUT', body: { definition: widened, version: current.role.version }, cookie: a.cookie, csrf: a.csrf }), { params: Promise.resolve({ name: 'administrator' }) });
    expect(put.status).toBe(403);
    expect(((await put.json()) as { error: string }).error).toMatch(/You hold the role "administrator" yourself/);
    const query = (await import('../query/route')).GET;
    expect((await query(req('/api/query?metric=applications', { cookie: (await login('admin')).cookie }))).status).toBe(403);
  });

  it('lets another administrator do it, and the operator on the command line', async () => {
    const { updateUser, createUser } = await import('@/roles/users');
    const db = await appDb();
    await createUser(db, { username: 'admin-two', display_name: 'Zweite Administratorin', roles: ['administrator'] }, 'cli:root');
    const u = await updateUser(db, 'analyst', { states: ['01'] }, 'admin-two');
    expect(u.states).toEqual(['01']);
    expect((await updateUser(db, 'admin-two', { active: false }, 'cli:root')).active).toBe(false);
  });
});

describe('the pipeline monitor', () => {
  const status = async (a: Login) => (await (await (await import('./pipeline/route')).GET(req('/api/admin/pipeline', { cookie: a.cookie }))).json()) as EtlStatus;

  it('runs now (refusing a second run meanwhile), then shows the quarantined rows and a failed run with its reason', async () => {
    // bad source rows: an application with an unknown nationality, one with a birth year after its receipt
    const src = await openPg(targets.asylum, { label: 'asylum source', purpose: 'test', mustExist: true });
    const [{ id, received }] = (await src.query<{ id: string; received: string }>(`SELECT max(application_id) + 1 AS id, max(received_on)::text AS received FROM asyl.application`)) as [{ id: string; received: string }];
    await src.query(
      `INSERT INTO asyl.application (application_id, case_no, person_pseudonym, kind, received_on, office_code, nationality_code, sex, birth_year, updated_at)
       VALUES ($1, 'Q-1', 'PQ1', 'initial', $2, 'MUC', 'ZZZ', 'm', 1990, now()), ($3, 'Q-2', 'PQ2', 'initial', $2, 'MUC', '475', 'f', 2999, now())`,
      [Number(id), received, Number(id) + 1],
    );
    await src.close();

    const a = await login('admin');
    const runs = (await status(a)).runs.length;
    const pipeline = await import('./pipeline/route');
    const post = () => pipeline.POST(req('/api/admin/pipeline', { method: 'POST', body: { full: false }, cookie: a.cookie, csrf: a.csrf }));
    expect((await post()).status).toBe(202);
    const second = await post();
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toMatch(/in progress/);
    let s = await status(a);
    for (let i = 0; i < 600 && (s.runs.length === runs || s.runs[0]!.status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      s = await status(a);
    }
    expect(s.runs[0]).toMatchObject({ trigger: 'manual', status: 'succeeded' });
    const reasons = Object.fromEntries(s.quarantine.map((q) => [q.reason, q]));
    expect(reasons['unknown nationality code']!.samples.map((x) => x.key)).toEqual([String(id)]);
    expect(reasons['birth year after the receipt']!.samples.map((x) => x.key)).toEqual([String(Number(id) + 1)]);
    expect(JSON.stringify(s.quarantine)).not.toMatch(/PQ1|1990/); // keys, never row contents
    expect(s.freshness.map((f) => f.system)).toEqual(['asylum', 'integration']);
    const audited = (await queryAudit(await appDb(), { action: 'pipeline' })).map((e) => e.outcome);
    expect(audited).toEqual(['refused', 'ok']);

    await expect(runEtl(etlOpts(t.dir, { ...targets, asylum: { kind: 'postgres', url: 'postgres://fis@127.0.0.1:1/asylum' } }, false))).rejects.toThrow();
    s = await status(a);
    expect(s.runs[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/Cannot connect to the asylum source/) });
  });
});
