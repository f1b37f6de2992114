/**
 * Administration in Chromium: the admin lands on /admin with the users and roles, reads the audit
 * log filtered, and downloads it; no one else reaches these pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPg } from '../platform/pg/open';
import { fisAsync } from '../test/helpers';
import { describe, expect, inject, it } from 'vitest';
import { axeRun, fileBrowser, loginAs, loginFirstTime } from './helpers';

const env = inject('e2e');
const browserOf = fileBrowser(env.skip);

describe.skipIf(!!env.skip)(`administration in Chromium${env.skip ? ` (skipped: ${env.skip})` : ''}`, () => {
  it('brings the admin to the users, roles and audit log, filtered and as CSV', async () => {
    const { context, page, errors } = await loginAs(browserOf(), env.baseURL, 'admin');
    expect(new URL(page.url()).pathname).toBe('/admin');
    expect(await page.locator('[data-testid="admin-users"] tbody th').allTextContents()).toContain('ast-muc');
    expect(await page.locator('[data-testid="admin-roles"] tbody th').allTextContents()).toContain('regional-head');
    await page.goto('/admin/audit?action=login&actor=admin');
    const actions = await page.locator('[data-testid="audit"] tbody tr td:nth-of-type(2)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => a === 'login')).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a[download]', { hasText: 'CSV' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8').split('\r\n')[0]).toBe('at,actor,action,target,outcome,details');
    const serious = (await axeRun(page)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(serious).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leads a user with a one-time password to the password change first', async () => {
    // a new user (the demo users' passwords stay as the other browser tests expect them)
    const created = await fisAsync(['users', 'create', 'erika.e2e', '--name', 'Erika E2E', '--roles', 'division-integration'], env.dataDir);
    expect(created.status, created.stderr).toBe(0);
    const once = created.stdout.trim();
    // before the change nothing but the password page opens
    const first = await browserOf().newContext({ baseURL: env.baseURL });
    const probe = await first.newPage();
    await probe.goto('/login');
    await probe.fill('input[name=username]', 'erika.e2e');
    await probe.fill('input[name=password]', once);
    await Promise.all([probe.waitForURL(/\/password/), probe.click('button[type=submit]')]);
    expect((await probe.request.get('/api/query?metric=courses_started')).status()).toBe(403);
    await first.close();
    const { context, page } = await loginFirstTime(browserOf(), env.baseURL, 'erika.e2e', once, 'integration-2026!');
    expect((await page.request.get('/api/query?metric=courses_started')).status()).toBe(200);
    await context.close();
  });

  it('refuses the administration to users without an administrative right', async () => {
    const { context, page } = await loginAs(browserOf(), env.baseURL, 'leitung');
    expect((await page.goto('/admin'))?.status()).toBe(403);
    for (const path of ['/admin/audit', '/admin/pipeline', '/admin/roles/new', '/admin/roles/analyst', '/admin/roles/analyst/start', '/admin/users/new', '/admin/users/analyst']) expect((await page.goto(path))?.status(), path).toBe(403);
    for (const path of ['/api/admin/audit', '/api/admin/roles', '/api/admin/roles/analyst/start', '/api/admin/users', '/api/admin/pipeline']) expect((await page.request.get(path)).status(), path).toBe(403);
    await context.close();
  });

  it('lets the admin build a role for one state with preview; its new user sees only that state; an edit applies at the next request; history and audit show it', async () => {
    const { context, page, errors } = await loginAs(browserOf(), env.baseURL, 'admin');
    page.on('dialog', (d) => void d.accept());
    await page.goto('/admin/roles/new');
    await page.fill('input[name=name]', 'land-e2e');
    await page.fill('input[name=label_de]', 'Land (E2E)');
    await page.fill('input[name=label_en]', 'State (E2E)');
    // rule 1 (view dashboards) is there; add "read asylum data where state ∈ {09}" and "use metrics"
    await page.getByRole('button', { name: 'Regel hinzufügen' }).click();
    const data = page.locator('[data-testid=rule]').nth(1);
    await data.locator('select[name=subject]').selectOption('AsylumData');
    await data.locator('select[name=action]').selectOption('read');
    await data.getByRole('button', { name: 'Bedingung hinzufügen' }).click();
    await data.locator('select[name=field]').selectOption('state_code');
    await data.locator('input[name=value]').fill('09');
    await page.getByRole('button', { name: 'Regel hinzufügen' }).click();
    await page.locator('[data-testid=rule]').nth(2).locator('select[name=subject]').selectOption('Metric');
    await page.getByRole('button', { name: 'Vorschau' }).click();
    const offices = (await page.locator('[data-testid=preview-offices]').textContent())!;
    expect(offices.match(/\((\d\d)\)/g)!.every((s) => s === '(09)')).toBe(true);
    expect(await page.locator('[data-testid=preview-dashboards]').textContent()).toContain('applications');
    await Promise.all([page.waitForURL(/\/admin\/roles\/land-e2e$/), page.getByRole('button', { name: 'Rolle anlegen' }).click()]);

    await page.goto('/admin/users/new');
    await page.fill('input[name=username]', 'bayern.e2e');
    await page.fill('input[name=display_name]', 'Bea Bayern (E2E)');
    await page.check('input[name=roles][value=land-e2e]');
    await page.getByRole('button', { name: 'Benutzer anlegen' }).click();
    const once = (await page.locator('[data-testid=one-time-password]').textContent())!.trim();
    expect(once.length).toBeGreaterThan(10);

    const user = await loginFirstTime(browserOf(), env.baseURL, 'bayern.e2e', once, 'bavaria-2026!');
    const states = async () => {
      const r = await user.page.request.get('/api/query?metric=applications&by=state');
      expect(r.status()).toBe(200);
      return [...new Set(((await r.json()) as { rows: Array<[string, number]> }).rows.map((x) => x[0]))];
    };
    expect(await states()).toEqual(['09']);

    await page.goto('/admin/roles/land-e2e');
    await page.locator('[data-testid=rule]').nth(1).locator('input[name=value]').fill('08');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.locator('[data-testid=history] li[data-version="2"]').waitFor();
    expect(await states()).toEqual(['08']);
    const change = (await page.locator('[data-testid=history] li[data-version="2"]').textContent())!;
    expect(change).toContain('− darf lesen: Asyldaten, wo Land ∈ {09}');
    expect(change).toContain('+ darf lesen: Asyldaten, wo Land ∈ {08}');
    await page.locator('[data-testid=restore-1]').click();
    await page.locator('[data-testid=history] li[data-version="3"]').waitFor();
    expect(await states()).toEqual(['09']);

    await page.goto('/admin/audit?action=role');
    const rows = await page.locator('[data-testid=audit] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const mine = rows.filter((r) => r[3] === 'land-e2e').map((r) => r[2]);
    expect(mine).toEqual(['role.restore', 'role.update', 'role.create']);
    expect(errors).toEqual([]);
    await user.context.close();
    await context.close();
  });

  it('shows the pipeline: run now (refused while running), quarantined rows of bad source rows, and why a run failed', async () => {
    // two bad source rows, as recent as the latest change so the data-as-of stays
    const src = await openPg({ kind: 'pglite', dir: join(env.dataDir, 'sources', 'asylum') }, { label: 'asylum source', purpose: 'test', mustExist: true });
    const [m] = (await src.query<{ id: string; received: string; at: string }>(
      `SELECT max(application_id) + 1 AS id, max(received_on)::text AS received, max(updated_at)::text AS at FROM asyl.application`,
    )) as [{ id: string; received: string; at: string }];
    await src.query(
      `INSERT INTO asyl.application (application_id, case_no, person_pseudonym, kind, received_on, office_code, nationality_code, sex, birth_year, updated_at)
       VALUES ($1, 'E2E-1', 'PE2E1', 'initial', $2, 'MUC', 'ZZZ', 'm', 1990, $3::timestamptz)`,
      [Number(m.id), m.received, m.at],
    );
    await src.close();

    const { context, page, errors } = await loginAs(browserOf(), env.baseURL, 'admin');
    await page.goto('/admin/pipeline');
    const before = ((await (await page.request.get('/api/admin/pipeline')).json()) as { runs: unknown[] }).runs.length;
    await page.locator('[data-testid=run-now]').click();
    await page.getByRole('status').filter({ hasText: 'Ein Lauf ist im Gange' }).waitFor();
    const csrf = (await context.cookies()).find((c) => c.name === 'fis_csrf')!.value;
    const again = await page.request.post('/api/admin/pipeline', { data: { full: false }, headers: { 'x-csrf-token': csrf } });
    expect(again.status()).toBe(409);
    for (let i = 0; i < 240; i++) {
      const s = (await (await page.request.get('/api/admin/pipeline')).json()) as { runs: Array<{ status: string; trigger: string }> };
      if (s.runs.length > before && s.runs[0]!.status !== 'running') {
        expect(s.runs[0]).toMatchObject({ trigger: 'manual', status: 'succeeded' });
        break;
      }
      await page.waitForTimeout(500);
    }
    await page.reload();
    const quarantine = (await page.locator('[data-testid=quarantine]').textContent())!;
    expect(quarantine).toContain('unknown nationality code');
    expect(quarantine).toContain(m.id);
    expect(quarantine).not.toContain('PE2E1');

    const failed = await fisAsync(['etl', 'run'], env.dataDir, { FIS_SOURCE_ASYLUM_URL: 'postgres://fis@127.0.0.1:1/asylum' });
    expect(failed.status).not.toBe(0);
    await page.reload();
    const latest = (await page.locator('[data-testid=runs] tbody tr').first().textContent())!;
    expect(latest).toContain('fehlgeschlagen');
    expect(latest).toContain('Cannot connect to the asylum source');
    const serious = (await axeRun(page)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(serious).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
