/**
 * Kept pages on the running server (platform/kept-pages.ts, dashboards/server/kept-pages.ts): a
 * dashboard page asked again comes from its copy — the same page but for a fresh CSP nonce on
 * every script — and never another viewer's (a branch-office head and the leadership asking the
 * same URL each get their own, as rendered for them); a page after a saved view, an event or a
 * narrowed scope is rendered anew; a session that ended gets the login, never a copy; a session
 * cookie planted beside the victim's never lets a page rendered for one be kept for the other;
 * parameters a page does not read are not kept; after a publication, the first page a manager
 * opens is a copy rendered for them on the new snapshot before the switch (the private listener
 * behind it: platform/web-handler.test.ts).
 */
import { describe, expect, inject, it } from 'vitest';
import { fisAsync } from '../test/helpers';

const env = inject('e2e');

interface Session {
  cookie: string;
  csrf: string;
}

async function login(username: string): Promise<Session> {
  const r = await fetch(`${env.baseURL}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo-password-1' }) });
  expect(r.status, `login of ${username}`).toBe(200);
  return { cookie: /fis_session=[^;]+/.exec(r.headers.getSetCookie().join('\n'))![0], csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

/** A page as a browser loads it: whether it came from a copy, and its text with the nonce taken out. */
async function page(s: Session, path: string): Promise<{ status: number; kept: boolean; text: string }> {
  const r = await fetch(`${env.baseURL}${path}`, { headers: { cookie: s.cookie }, redirect: 'manual' });
  const body = await r.text();
  if (r.status !== 200) return { status: r.status, kept: r.headers.get('x-fis-kept') === '1', text: '' };
  const nonce = /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')![1]!;
  const scripts = [...body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, 'every script carries this response\'s nonce').toContain(`nonce="${nonce}"`);
  return { status: r.status, kept: r.headers.get('x-fis-kept') === '1', text: body.replaceAll(nonce, 'NONCE') };
}

describe.skipIf(!!env.skip)(`kept pages${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('answer a page asked again from its copy, with a fresh nonce, and never with another viewer\'s copy', async () => {
    const path = '/dashboards/offices?from=2025-01-01&to=2025-12-31';
    const lead = await login('leitung');
    const muc = await login('ast-muc');
    const first = { lead: await page(lead, path), muc: await page(muc, path) };
    expect(first.lead.status).toBe(200);
    expect(first.muc.status).toBe(200);
    expect(first.lead.text).not.toBe(first.muc.text);
    for (let i = 0; i < 2; i++) {
      const again = { lead: await page(lead, path), muc: await page(muc, path) };
      expect(again.lead.kept && again.muc.kept).toBe(true);
      expect(again.lead.text).toBe(first.lead.text);
      expect(again.muc.text).toBe(first.muc.text);
    }
    // another session of the same user with the same rights shares the copy; the URL's filters are part of the key
    const lead2 = await login('leitung');
    expect(await page(lead2, path)).toEqual({ status: 200, kept: true, text: first.lead.text });
    const other = await page(lead2, '/dashboards/offices?from=2024-01-01&to=2024-12-31');
    expect(other.text).not.toBe(first.lead.text);
  });

  it('render a page anew after a saved view or an event, and give an ended session the login', async () => {
    const path = '/dashboards/applications?state=09';
    const lead = await login('leitung');
    await page(lead, path);
    expect((await page(lead, path)).kept).toBe(true);
    const saved = await fetch(`${env.baseURL}/api/me/views`, { method: 'POST', headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Kept-page canary', path, isDefault: false }) });
    expect(saved.status).toBe(201);
    const after = await page(lead, path);
    expect(after.kept).toBe(false);
    expect(after.text).toContain('Kept-page canary');
    const ev = await fetch(`${env.baseURL}/api/events`, { method: 'POST', headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ date: '2025-06-01', title: 'Kept-page event', text: '', scope: { states: [], offices: [] }, roles: ['leadership'] }) });
    expect(ev.status).toBe(201);
    expect((await page(lead, path)).kept).toBe(false);
    expect((await page(lead, path)).kept).toBe(true);
    // the session ends: the same cookie gets the login, not the copy
    expect((await fetch(`${env.baseURL}/api/session`, { method: 'DELETE', headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrf } })).status).toBeLessThan(300);
    const gone = await page(lead, path);
    expect(gone.status).toBe(307);
    expect(gone.kept).toBe(false);
  });

  it('never keep a page under one session that was rendered for another (a cookie planted beside the victim\'s)', async () => {
    const path = '/dashboards/offices?from=2023-01-01&to=2023-12-31';
    const attacker = await login('ast-muc');
    const victim = await login('leitung');
    const own = { victim: await page(victim, path), attacker: await page(attacker, path) };
    expect(own.victim.text).not.toBe(own.attacker.text);
    // the browser sends the planted cookie (a longer path) first, the victim's own after it
    const both = { cookie: `${attacker.cookie}; ${victim.cookie}`, csrf: '' };
    for (let i = 0; i < 2; i++) {
      const r = await page(both, `${path}&state=09`);
      expect(r.kept).toBe(false);
    }
    // what the attacker gets for that URL is their own page, never one rendered with the victim's session
    await page(attacker, `${path}&state=09`);
    const mine = await page(attacker, `${path}&state=09`);
    expect(mine.kept).toBe(true);
    expect(mine.text).not.toContain('Leitner');
    // parameters the page does not read: answered, never kept
    expect((await page(victim, `${path}&junk=1`)).kept).toBe(false);
    expect((await page(victim, `${path}&junk=1`)).kept).toBe(false);
  });

  it('answer the first page after a publication from a copy rendered on the new snapshot before the switch', async () => {
    const admin = await login('admin');
    const analyst = await login('analyst');
    const answers = async () => ((await (await fetch(`${env.baseURL}/api/admin/pipeline`, { headers: { cookie: admin.cookie } })).json()) as { answers: { serving: string | null; warmUp: { snapshot: string; pages?: number } | null } }).answers;
    // the page the analyst opens first; asked again, it is a copy
    await page(analyst, '/dashboards/overview');
    expect((await page(analyst, '/dashboards/overview')).kept).toBe(true);
    const before = (await answers()).serving;
    expect(before).toBeTruthy();
    expect((await fisAsync(['etl', 'run'], env.dataDir)).status).toBe(0);
    // a request notices the new pointer; the process warms the new snapshot, then switches to it
    await page(analyst, '/dashboards/overview?state=09');
    let now = await answers();
    for (let i = 0; i < 600 && !(now.serving !== before && now.warmUp?.snapshot === now.serving); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = await answers();
    }
    expect(now.serving).not.toBe(before);
    expect(now.warmUp?.pages).toBeGreaterThanOrEqual(1);
    const first = await page(analyst, '/dashboards/overview');
    expect(first.status).toBe(200);
    expect(first.kept, 'the first page after the switch is the copy made during the warm-up').toBe(true);
  });
});
