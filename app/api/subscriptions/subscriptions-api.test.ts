/**
 * Subscriptions and the inbox through the real route handlers: creating needs the CSRF token and
 * refuses a free address; nobody changes, delivers or reads another's subscription or inbox item
 * (404, never confirming it exists); "deliver now" puts each recipient's file in their inbox; a
 * download is audited and refused once the export right is gone; administrators see and
 * deactivate every subscription, audited; the whole-dashboard export route gives the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '@/etl/run';
import { appDb } from '@/dashboards/server/services';
import { openAppDb } from '@/roles/app-db';
import { getRole, installDemo, queryAudit, updateRole } from '@/roles/store';
import { login, req, type Handler } from '@/test/api-helpers';
import { etlOpts } from '@/test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
const targets = pgliteTargets(t.dir);

type Mod = Partial<Record<'GET' | 'POST' | 'PATCH', Handler>>;
const subs = () => import('./route') as Promise<Mod>;
const sub = () => import('./[sub]/route') as Promise<Mod>;
const deliver = () => import('./[sub]/deliver/route') as Promise<Mod>;
const inbox = () => import('../inbox/route') as Promise<Mod>;
const item = () => import('../inbox/[item]/route') as Promise<Mod>;
const adminSubs = () => import('../admin/subscriptions/route') as Promise<Mod>;
const adminSub = () => import('../admin/subscriptions/[sub]/route') as Promise<Mod>;
const params = <P extends Record<string, string>>(p: P) => ({ params: Promise.resolve(p) });

beforeAll(async () => {
  await generateTiny(targets, 66);
  await runEtl(etlOpts(t.dir, targets, true));
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
});
afterAll(() => t.cleanup());

describe('subscriptions through the API', () => {
  let id = '';
  let version = 0;

  it('creates a subscription with the CSRF token only, and refuses a free address', async () => {
    const l = await login('leitung');
    const body = { target_kind: 'report', target: 'office-performance', format: 'pdf', recipients: ['leitung', 'analyst', 'ast-muc'], filters: { state: '09' } };
    expect((await (await subs()).POST!(req('/api/subscriptions', { method: 'POST', body, cookie: l.cookie }))).status).toBe(403);
    const bad = await (await subs()).POST!(req('/api/subscriptions', { method: 'POST', body: { ...body, recipients: ['chef@example.org'] }, cookie: l.cookie, csrf: l.csrf }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/is an e-mail address/);
    const r = await (await subs()).POST!(req('/api/subscriptions', { method: 'POST', body, cookie: l.cookie, csrf: l.csrf }));
    expect(r.status).toBe(201);
    ({ id, version } = (await r.json()) as { id: string; version: number });
    const mine = (await (await (await subs()).GET!(req('/api/subscriptions', { cookie: l.cookie }))).json()) as Array<{ id: string }>;
    expect(mine.map((s) => s.id)).toEqual([id]);
    // another's list holds none of it
    const a = await login('analyst');
    expect(await (await (await subs()).GET!(req('/api/subscriptions', { cookie: a.cookie }))).json()).toEqual([]);
  });

  it('lets nobody else change or deliver it (404), and delivers it for the owner: each recipient their own file or the link', async () => {
    const a = await login('analyst');
    expect((await (await sub()).PATCH!(req(`/api/subscriptions/${id}`, { method: 'PATCH', body: { active: false, version }, cookie: a.cookie, csrf: a.csrf }), params({ sub: id }))).status).toBe(404);
    expect((await (await deliver()).POST!(req(`/api/subscriptions/${id}/deliver`, { method: 'POST', body: {}, cookie: a.cookie, csrf: a.csrf }), params({ sub: id }))).status).toBe(404);
    const l = await login('leitung');
    const r = await (await deliver()).POST!(req(`/api/subscriptions/${id}/deliver`, { method: 'POST', body: {}, cookie: l.cookie, csrf: l.csrf }), params({ sub: id }));
    expect(r.status).toBe(200);
    // ast-muc has no export right: the link
    expect(((await r.json()) as { summary: { counts: Record<string, number> } }).summary.counts).toMatchObject({ delivered: 2, link: 1 });
    const box = (await (await (await inbox()).GET!(req('/api/inbox', { cookie: a.cookie }))).json()) as { unread: number; items: Array<{ id: string; kind: string; title: string }> };
    expect(box.unread).toBe(1);
    expect(box.items[0]).toMatchObject({ kind: 'file', title: 'Außenstellenbericht' });
  });

  it('downloads one’s own file (audited), never another’s, and refuses it once the export right is gone', async () => {
    const a = await login('analyst');
    const l = await login('leitung');
    const [mine] = ((await (await (await inbox()).GET!(req('/api/inbox', { cookie: a.cookie }))).json()) as { items: Array<{ id: string }> }).items;
    expect((await (await item()).GET!(req(`/api/inbox/${mine!.id}`, { cookie: l.cookie }), params({ item: mine!.id }))).status).toBe(404);
    const ok = await (await item()).GET!(req(`/api/inbox/${mine!.id}`, { cookie: a.cookie }), params({ item: mine!.id }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await ok.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(((await (await (await inbox()).GET!(req('/api/inbox', { cookie: a.cookie }))).json()) as { unread: number }).unread).toBe(0);
    // the analyst loses the export right: the delivered file is no longer theirs to take
    const db = await appDb();
    const role = (await getRole(db, 'analyst'))!;
    await updateRole(db, 'analyst', { name: role.name, label_de: role.label_de, label_en: role.label_en, description: role.description, rules: role.rules.filter((r) => r.action !== 'export') }, role.version, 'test');
    const again = await login('analyst');
    const refused = await (await item()).GET!(req(`/api/inbox/${mine!.id}`, { cookie: again.cookie }), params({ item: mine!.id }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^You no longer have the right to this file \(PDF\)/);
    const audit = await queryAudit(await appDb(), { action: 'inbox.download' });
    expect(audit.map((e) => [e.actor, e.outcome])).toEqual([
      ['analyst', 'denied'],
      ['analyst', 'ok'],
    ]);
  });

  it('shows administrators every subscription and lets them deactivate it (audited); the owner’s stale version is then refused', async () => {
    const adm = await login('admin');
    const all = (await (await (await adminSubs()).GET!(req('/api/admin/subscriptions', { cookie: adm.cookie }))).json()) as Array<{ id: string; owner: string; latest: Array<{ outcome: string }> }>;
    expect(all.map((s) => [s.id, s.owner])).toEqual([[id, 'leitung']]);
    const r = await (await adminSub()).PATCH!(req(`/api/admin/subscriptions/${id}`, { method: 'PATCH', body: { active: false, version }, cookie: adm.cookie, csrf: adm.csrf }), params({ sub: id }));
    expect(r.status).toBe(200);
    const l = await login('leitung');
    expect((await (await sub()).PATCH!(req(`/api/subscriptions/${id}`, { method: 'PATCH', body: { active: true, version }, cookie: l.cookie, csrf: l.csrf }), params({ sub: id }))).status).toBe(409);
    const d = await (await deliver()).POST!(req(`/api/subscriptions/${id}/deliver`, { method: 'POST', body: {}, cookie: l.cookie, csrf: l.csrf }), params({ sub: id }));
    expect(d.status).toBe(409);
    expect((await queryAudit(await appDb(), { action: 'subscription' })).map((e) => [e.actor, e.action])).toEqual([
      ['admin', 'subscription.deactivate'],
      ...Array.from({ length: 3 }, () => ['fis-subscriptions', 'subscription.deliver']),
      ['leitung', 'subscription.create'],
    ]);
  });

  it('gives the whole dashboard as a file with its URL filters', async () => {
    const l = await login('leitung');
    const r = await ((await import('../dashboards/[slug]/export/route')) as Mod).GET!(req('/api/dashboards/pending/export?format=xlsx&state=09', { cookie: l.cookie }), params({ slug: 'pending' }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="fis-dashboard-pending-\d{4}-\d{2}-\d{2}\.xlsx"$/);
  });
});
