/**
 * Kept filter changes (GET /api/dashboards/<slug>/view, dashboards/server/live.ts liveView) and
 * rights: whoever asks, in whatever order, the kept text is the one an uncached run gives that
 * viewer — line for line, for every demo user and random questions (so that a key shared across
 * viewers would hand one user another's figures); an added or removed event, a narrowed user and a
 * new snapshot are never answered with an old text.
 */
import type { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_DEFS } from '@/dashboards/defs';
import { canViewDashboard, visiblePanels } from '@/dashboards/rights';
import { appDb, services } from '@/dashboards/server/services';
import { runEtl } from '@/etl/run';
import { Rng } from '@/fixtures/random';
import { simulateFixtures } from '@/fixtures/simulate';
import { principalByName } from '@/roles/access';
import { openAppDb } from '@/roles/app-db';
import { DEMO_USERS } from '@/roles/demo';
import { installDemo } from '@/roles/store';
import { updateUser } from '@/roles/users';
import { login, req, type Login } from '@/test/api-helpers';
import { etlOpts } from '@/test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '@/test/helpers';
import { answerCache } from '@/warehouse/semantic/answer-cache';
import { readCurrent } from '@/warehouse/snapshots';

const t = tempDir();
process.env.FIS_DATA_DIR = t.dir;
const targets = pgliteTargets(t.dir);
type Routed = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const sessions: Record<string, Login> = {};

beforeAll(async () => {
  await generateTiny(targets, 29);
  await runEtl({ ...etlOpts(t.dir, targets, true), snapshotsKeep: 5 });
  const app = await openAppDb({ dataDir: t.dir });
  await installDemo(app.db, 'demo-password-1');
  await app.close();
  for (const u of DEMO_USERS) sessions[u.username] = await login(u.username);
});
afterAll(() => {
  answerCache.setMaxBytes(256 * 2 ** 20);
  t.cleanup();
});

/** A filter change as the browser asks it; its lines in a fixed order (they arrive as they are ready). */
async function view(user: string, slug: string, qs: string): Promise<{ status: number; lines: string[] }> {
  const GET = ((await import('./[slug]/view/route')) as unknown as { GET: Routed }).GET;
  const r = await GET(req(`/api/dashboards/${slug}/view?${qs}`, { cookie: sessions[user]!.cookie }), { params: Promise.resolve({ slug }) });
  return { status: r.status, lines: r.status === 200 ? (await r.text()).trim().split('\n').sort() : [await r.text()] };
}

const STATES = ['', '08', '09', '05', '11'];

describe('kept filter changes', () => {
  it('give every viewer what an uncached run gives them, line for line, in any order of asking', async () => {
    const rng = new Rng(41);
    const questions: Array<{ user: string; slug: string; qs: string }> = [];
    for (const u of DEMO_USERS) {
      const p = await principalByName(await appDb(), u.username, services().config.suppressionMin);
      const slugs = DASHBOARD_DEFS.filter((d) => canViewDashboard(p, d.slug)).map((d) => d.slug);
      for (let i = 0; i < 6 && slugs.length; i++) {
        const slug = slugs[Math.floor(rng.next() * slugs.length)]!;
        const panels = visiblePanels(p, slug).map((x) => x.panel.id).filter(() => rng.next() < 0.7);
        const state = STATES[Math.floor(rng.next() * STATES.length)]!;
        const year = 2022 + Math.floor(rng.next() * 3);
        questions.push({ user: u.username, slug, qs: `panels=${panels.join(',')}&bar=${rng.next() < 0.5 ? 1 : 0}${state ? `&state=${state}` : ''}${rng.next() < 0.5 ? `&from=${year}-01-01&to=${year}-12-31` : ''}` });
      }
    }
    // the same questions for every user too: the ones most likely to collide
    for (const u of DEMO_USERS) questions.push({ user: u.username, slug: 'overview', qs: 'panels=kpis,trend,map&bar=1' }, { user: u.username, slug: 'offices', qs: 'panels=league&bar=1&state=09' });
    answerCache.setMaxBytes(0);
    const uncached = new Map<number, Awaited<ReturnType<typeof view>>>();
    for (const [i, q] of questions.entries()) uncached.set(i, await view(q.user, q.slug, q.qs));
    expect([...uncached.values()].filter((v) => v.status === 200).length).toBeGreaterThan(questions.length / 2);
    answerCache.setMaxBytes(256 * 2 ** 20);
    answerCache.clear();
    const before = answerCache.stats().views;
    for (let round = 0; round < 2; round++) {
      const order = [...questions.keys()].sort(() => rng.next() - 0.5);
      for (const i of order) {
        const q = questions[i]!;
        expect(await view(q.user, q.slug, q.qs), `${q.user} ${q.slug}?${q.qs}`).toEqual(uncached.get(i));
      }
    }
    const after = answerCache.stats().views;
    // the second round came from the kept views (else this test proved nothing)
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(questions.length / 2);
    expect(after.entries).toBeGreaterThan(0);
  });

  it('show an event added or removed since, and a narrowed user only their new scope', async () => {
    const { POST } = (await import('../events/route')) as unknown as { POST: (r: NextRequest) => Promise<Response> };
    const { DELETE } = (await import('../events/[id]/route')) as unknown as { DELETE: Routed };
    const titles = async () => {
      const v = await view('leitung', 'overview', 'panels=trend');
      const panel = JSON.parse(v.lines[0]!) as { panel: { data: { chart: { events?: Array<{ title: string }> } } } };
      return (panel.panel.data.chart.events ?? []).map((e) => e.title);
    };
    expect(await titles()).not.toContain('Kept-view canary');
    expect(await titles()).not.toContain('Kept-view canary');
    const l = sessions.leitung!;
    const day = `${new Date(Date.parse(services().reader.info()!.dataAsOf!) - 60 * 86400_000).toISOString().slice(0, 7)}-01`;
    const r = await POST(req('/api/events', { method: 'POST', cookie: l.cookie, csrf: l.csrf, body: { date: day, title: 'Kept-view canary', text: '', scope: { states: [], offices: [] }, roles: ['leadership'] } }));
    expect(r.status).toBe(201);
    const id = ((await r.json()) as { id: string }).id;
    expect(await titles()).toContain('Kept-view canary');
    expect((await DELETE(req(`/api/events/${id}`, { method: 'DELETE', cookie: l.cookie, csrf: l.csrf }), { params: Promise.resolve({ id }) })).status).toBeLessThan(300);
    expect(await titles()).not.toContain('Kept-view canary');

    // region-sued sees 08 and 09; narrowed to 08, the kept text of both states is not theirs any more
    const states = async () => {
      const v = await view('region-sued', 'applications', 'panels=map&bar=1');
      const bar = JSON.parse(v.lines.find((x) => x.startsWith('{"bar"'))!) as { bar: { filters: Array<{ key: string; options: Array<{ code: string }> }> } };
      return bar.bar.filters.find((f) => f.key === 'state')!.options.map((o) => o.code);
    };
    expect(await states()).toEqual(['08', '09']);
    expect(await states()).toEqual(['08', '09']);
    await updateUser(await appDb(), 'region-sued', { states: ['08'] }, 'test');
    // (keyed by the user name, the filter bar's choices once outlived a narrowed scope — kept or not)
    expect(await states()).toEqual(['08']);
  });

  it('never answer from an old snapshot', async () => {
    const ask = () => view('analyst', 'applications', 'panels=kpis,trend&bar=1');
    const old = await ask();
    expect(await ask()).toEqual(old);
    await simulateFixtures({ days: 40, seed: 7, targets });
    await runEtl({ ...etlOpts(t.dir, targets, false), snapshotsKeep: 5 });
    const published = readCurrent(t.dir)!.id;
    // requests notice the new pointer; the reader switches once the new snapshot is warmed
    for (let i = 0; i < 400 && services().reader.serving()?.id !== published; i++) {
      await ask();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(services().reader.serving()?.id).toBe(published);
    const kept = await ask();
    expect(kept).not.toEqual(old);
    answerCache.setMaxBytes(0);
    expect(await ask()).toEqual(kept);
    answerCache.setMaxBytes(256 * 2 ** 20);
  });
});
