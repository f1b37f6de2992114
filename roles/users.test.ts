/**
 * Administering users and exchanging role definitions: one-time passwords that work once and are
 * never logged, scope changes that keep what they do not name, deactivation that ends sessions,
 * optimistic concurrency, and role imports that write nothing unless every definition is valid —
 * through the store functions and through `fis users` / `fis roles`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fisAsync, refusal, tempDir } from '../test/helpers';
import { openAppDb, type AppDbHandle } from './app-db';
import { principalForSession } from './access';
import { changePassword, endServiceSession, login, sessionFromToken, startServiceSession, tokenHash } from './auth';
import { getRole, getUser, installDemo, roleHistory, updateRole } from './store';
import { createUser, exportRoles, importRoles, resetPassword, updateUser } from './users';

const t = tempDir();
let app: AppDbHandle;
let client = 0;
const meta = () => ({ client: `10.0.0.${++client % 250}` });


const auditText = async () => JSON.stringify((await sql`SELECT * FROM audit_log`.execute(app.db)).rows);

beforeAll(async () => {
  // hosted, so that the `fis` commands below can use it meanwhile (as with the web app)
  app = await openAppDb({ dataDir: t.dir, serve: true });
  await installDemo(app.db, 'demo-password-1');
});
afterAll(async () => {
  await app?.close();
  t.cleanup();
});

describe('users', () => {
  it('keeps a principal per user and role versions: an edited role or user applies to the next request of an open session', async () => {
    const s = await login(app.db, 'region-sued', 'demo-password-1', meta());
    const principal = async () => principalForSession(app.db, (await sessionFromToken(app.db, s.token))!, 3);
    const first = await principal();
    expect(await principal()).toBe(first);
    expect(first.ability.can('view', 'Report')).toBe(true);
    const role = (await getRole(app.db, 'regional-head'))!;
    const def = ({ rules }: { rules: typeof role.rules }) => ({ name: role.name, label_de: role.label_de, label_en: role.label_en, description: role.description, rules });
    await updateRole(app.db, 'regional-head', def({ rules: role.rules.filter((r) => r.subject !== 'Report') }), role.version, 'admin');
    const narrowed = await principal();
    expect(narrowed).not.toBe(first);
    expect(narrowed.ability.can('view', 'Report')).toBe(false);
    const restored = (await getRole(app.db, 'regional-head'))!;
    await updateRole(app.db, 'regional-head', def(role), restored.version, 'admin');
    expect((await principal()).ability.can('view', 'Report')).toBe(true);
    const states = (await principal()).user.states;
    await updateUser(app.db, 'region-sued', { states: ['09'] }, 'admin');
    expect((await principal()).user.states).toEqual(['09']);
    expect(JSON.stringify((await principal()).access.domains)).not.toContain('"08"');
    await updateUser(app.db, 'region-sued', { states }, 'admin');
  });

  it('creates a user with a one-time password that logs in, must be changed, and is never logged', async () => {
    const { user, password } = await createUser(app.db, { username: 'nina.nord', display_name: 'Nina Nord', roles: ['regional-head'], states: ['01', '02'] }, 'admin');
    expect(user).toMatchObject({ roles: ['regional-head'], states: ['01', '02'], offices: [], active: true, must_change_password: true });
    expect(password.length).toBeGreaterThanOrEqual(16);
    const s = await login(app.db, 'nina.nord', password, meta());
    expect(s.user.must_change_password).toBe(true);
    expect(await auditText()).not.toContain(password);
    expect(await auditText()).toContain('user.create');
  });

  it('refuses bad users in one sentence and stores nothing', async () => {
    for (const bad of [
      { username: 'Nina', display_name: 'x' },
      { username: 'ok-name', display_name: '' },
      { username: 'ok-name', display_name: 'x', roles: ['no-such-role'] },
      { username: 'ok-name', display_name: 'x', states: ['17'] },
      { username: 'ok-name', display_name: 'x', offices: ['m u c'] },
      { username: 'ok-name', display_name: 'x', password: 'chosen-by-admin-1' },
    ]) {
      expect((await refusal(createUser(app.db, bad, 'admin'))).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await getUser(app.db, 'ok-name')).toBeUndefined();
    expect((await refusal(createUser(app.db, { username: 'analyst', display_name: 'again' }, 'admin'))).status).toBe(409);
  });

  it('changes only what a change names, refuses a stale version, and a deactivation ends the sessions', async () => {
    const before = (await getUser(app.db, 'region-sued'))!;
    const after = await updateUser(app.db, 'region-sued', { states: ['09'] }, 'admin');
    expect(after).toMatchObject({ roles: before.roles, offices: before.offices, states: ['09'], version: before.version + 1 });
    expect((await refusal(updateUser(app.db, 'region-sued', { states: ['08'] }, 'admin', before.version))).status).toBe(409);
    expect((await getUser(app.db, 'region-sued'))!.states).toEqual(['09']);
    const s = await login(app.db, 'ast-muc', 'demo-password-1', meta());
    expect(await sessionFromToken(app.db, s.token)).toBeDefined();
    await updateUser(app.db, 'ast-muc', { active: false }, 'admin');
    expect(await sessionFromToken(app.db, s.token)).toBeUndefined();
    expect((await refusal(login(app.db, 'ast-muc', 'demo-password-1', meta()))).status).toBe(401);
    await updateUser(app.db, 'ast-muc', { active: true }, 'admin');
    expect((await login(app.db, 'ast-muc', 'demo-password-1', meta())).user.username).toBe('ast-muc');
    expect((await refusal(updateUser(app.db, 'nobody', { active: false }, 'admin'))).status).toBe(404);
  });

  it('resets a password: the old one stops working, the new one works once set, sessions end', async () => {
    const s = await login(app.db, 'abt-integration', 'demo-password-1', meta());
    const fresh = await resetPassword(app.db, 'abt-integration', 'admin');
    expect(await sessionFromToken(app.db, s.token)).toBeUndefined();
    expect((await refusal(login(app.db, 'abt-integration', 'demo-password-1', meta()))).status).toBe(401);
    expect((await login(app.db, 'abt-integration', fresh, meta())).user.must_change_password).toBe(true);
    expect(await auditText()).not.toContain(fresh);
  });
});

describe('service sessions (the warm-up renders pages as a user)', () => {
  it('open only for an active user without a one-time password, log nothing, expire within minutes and end when asked', async () => {
    const audit = await auditText();
    const user = (await getUser(app.db, 'analyst'))!;
    const token = (await startServiceSession(app.db, user))!;
    expect((await sessionFromToken(app.db, token))?.user.username).toBe('analyst');
    const row = await sql<{ minutes: number }>`SELECT extract(epoch FROM expires_at - now()) / 60 AS minutes FROM session WHERE id_hash = ${tokenHash(token)}`.execute(app.db);
    expect(Number(row.rows[0]!.minutes)).toBeLessThanOrEqual(5);
    await endServiceSession(app.db, token);
    expect(await sessionFromToken(app.db, token)).toBeUndefined();
    expect(await auditText()).toBe(audit);
    await createUser(app.db, { username: 'svc.once', display_name: 'Svc Once', roles: ['analyst'] }, 'admin');
    expect(await startServiceSession(app.db, (await getUser(app.db, 'svc.once'))!)).toBeUndefined();
    await updateUser(app.db, 'abt-asyl', { active: false }, 'admin');
    expect(await startServiceSession(app.db, (await getUser(app.db, 'abt-asyl'))!)).toBeUndefined();
    await updateUser(app.db, 'abt-asyl', { active: true }, 'admin');
  });
});

describe('one-time passwords and the password change under attack', () => {
  it('lets a one-time password expire (FIS_OTP_HOURS): the right one is refused with a sentence saying so', async () => {
    const { password } = await createUser(app.db, { username: 'olga', display_name: 'Olga', roles: ['analyst'] }, 'admin', { otpHours: 1 });
    const u = (await getUser(app.db, 'olga'))!;
    const hours = (new Date(u.otp_expires_at!).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(0.9);
    expect(hours).toBeLessThan(1.1);
    await sql`UPDATE app_user SET otp_expires_at = now() - interval '1 minute' WHERE username = 'olga'`.execute(app.db);
    const r = await refusal(login(app.db, 'olga', password, meta()));
    expect(r.status).toBe(401);
    expect(r.message).toBe('Your one-time password has expired; ask an administrator for a new one.');
    // a wrong password still gets the common sentence (nothing about the account is told)
    expect((await refusal(login(app.db, 'olga', 'not-the-password-1', meta()))).message).toBe('Unknown user or wrong password.');
    const fresh = await resetPassword(app.db, 'olga', 'admin');
    expect((await login(app.db, 'olga', fresh, meta())).user.must_change_password).toBe(true);
  });

  it('counts wrong current passwords on the password change like failed logins: the account locks', async () => {
    const { user, password } = await createUser(app.db, { username: 'pia', display_name: 'Pia', roles: ['analyst'] }, 'admin');
    const m = { client: '10.3.3.3' };
    for (let i = 0; i < 5; i++) expect((await refusal(changePassword(app.db, user.user_id, `guess-number-${i}`, 'a-new-password-1', m))).status).toBe(400);
    const locked = await refusal(changePassword(app.db, user.user_id, password, 'a-new-password-1', m));
    expect(locked.status).toBe(429);
    expect((await getUser(app.db, 'pia'))!.must_change_password).toBe(true);
    expect((await refusal(login(app.db, 'pia', password, meta()))).status).toBe(401);
  });
});

describe('changing one\'s own password', () => {
  it('needs the current password and a good new one; then the one-time password is gone and other sessions end', async () => {
    const { user, password } = await createUser(app.db, { username: 'paul', display_name: 'Paul', roles: ['analyst'] }, 'admin');
    const first = await login(app.db, 'paul', password, meta());
    const second = await login(app.db, 'paul', password, meta());
    expect((await refusal(changePassword(app.db, user.user_id, 'wrong-password-1', 'a-new-password-1', meta()))).status).toBe(400);
    expect((await refusal(changePassword(app.db, user.user_id, password, 'short1', meta()))).status).toBe(400);
    expect((await refusal(changePassword(app.db, user.user_id, password, password, meta()))).status).toBe(400);
    await changePassword(app.db, user.user_id, password, 'a-new-password-1', { ...meta(), keepTokenHash: tokenHash(second.token) });
    expect((await getUser(app.db, 'paul'))!.must_change_password).toBe(false);
    expect(await sessionFromToken(app.db, first.token)).toBeUndefined();
    expect(await sessionFromToken(app.db, second.token)).toBeDefined();
    expect((await refusal(login(app.db, 'paul', password, meta()))).status).toBe(401);
    expect((await login(app.db, 'paul', 'a-new-password-1', meta())).user.must_change_password).toBe(false);
    expect(await auditText()).not.toContain('a-new-password-1');
  });
});

describe('roles as JSON', () => {
  it('exports and re-imports unchanged; a changed definition becomes a new version with history', async () => {
    const file = await exportRoles(app.db);
    expect(file.map((r) => r.name)).toEqual([...file.map((r) => r.name)].sort());
    expect(Object.keys(file[0]!).sort()).toEqual(['description', 'label_de', 'label_en', 'name', 'rules']);
    expect(await importRoles(app.db, file, 'admin')).toEqual({ create: [], update: [], unchanged: file.map((r) => r.name) });
    const before = (await getRole(app.db, 'analyst'))!;
    const changed = file.map((r) => (r.name === 'analyst' ? { ...r, description: 'Analyse (geändert)' } : r));
    const extra = { name: 'state-reader', label_de: 'Land', label_en: 'State', description: '', rules: [{ action: 'read', subject: 'AsylumData', conditions: { state_code: { $in: '${user.states}' } } }] };
    expect(await importRoles(app.db, [...changed, extra], 'admin', { dryRun: true })).toMatchObject({ create: ['state-reader'], update: ['analyst'] });
    expect(await getRole(app.db, 'state-reader')).toBeUndefined();
    expect(await importRoles(app.db, [...changed, extra], 'admin')).toMatchObject({ create: ['state-reader'], update: ['analyst'] });
    expect((await getRole(app.db, 'analyst'))!.version).toBe(before.version + 1);
    expect((await roleHistory(app.db, 'analyst')).map((h) => h.version)).toEqual([before.version + 1, before.version]);
  });

  it('writes nothing when one definition in the file is invalid or a name is there twice', async () => {
    const file = await exportRoles(app.db);
    const fresh = { name: 'never-stored', label_de: 'x', label_en: 'x', description: '', rules: [{ action: 'view', subject: 'Dashboard' }] };
    for (const bad of [
      { ...fresh, name: 'bad-subject', rules: [{ action: 'read', subject: 'Salaries' }] },
      { ...fresh, name: 'bad-field', rules: [{ action: 'read', subject: 'AsylumData', conditions: { salary: { $in: ['x'] } } }] },
      { ...fresh, name: 'bad-operator', rules: [{ action: 'read', subject: 'AsylumData', conditions: { office_code: { $regex: '.*' } } }] },
      { ...fresh, name: 'bad-placeholder', rules: [{ action: 'read', subject: 'AsylumData', conditions: { office_code: { $in: '${user.offices' } } }] },
    ]) {
      const r = await refusal(importRoles(app.db, [fresh, ...file, bad], 'admin'));
      expect(r.status).toBe(400);
      expect(r.message).toContain(bad.name);
    }
    expect((await refusal(importRoles(app.db, [fresh, fresh], 'admin'))).message).toMatch(/twice/);
    expect((await refusal(importRoles(app.db, { roles: [] }, 'admin'))).status).toBe(400);
    expect(await getRole(app.db, 'never-stored')).toBeUndefined();
  });
});

const fis = (args: string[]) => fisAsync(args, t.dir);

describe('fis users and fis roles', () => {
  it('create a user who can log in, export and import roles, and refuse bad input in one sentence', async () => {
    const created = await fis(['users', 'create', 'olaf', '--name', 'Olaf Ost', '--roles', 'regional-head', '--states', '12,13']);
    expect(created.status, created.stderr).toBe(0);
    const password = created.stdout.trim();
    expect((await login(app.db, 'olaf', password, meta())).user.states).toEqual(['12', '13']);
    const set = await fis(['users', 'set', 'olaf', '--states', '14']);
    expect(set.status, set.stderr).toBe(0);
    expect((await getUser(app.db, 'olaf'))!).toMatchObject({ roles: ['regional-head'], states: ['14'] });
    const listed = JSON.parse((await fis(['users', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(listed.find((u) => u.user === 'olaf')).toMatchObject({ roles: 'regional-head', states: '14', must_change_password: true });
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|password_hash/);
    const out = join(t.dir, 'roles.json');
    expect((await fis(['roles', 'export', '-o', out])).status).toBe(0);
    const roles = JSON.parse(readFileSync(out, 'utf8')) as Array<{ name: string }>;
    expect(roles.map((r) => r.name)).toContain('leadership');
    const imported = await fis(['roles', 'import', out]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(/unchanged/);
    writeFileSync(join(t.dir, 'broken.json'), '[{"name": "x"');
    for (const args of [['roles', 'import', join(t.dir, 'broken.json')], ['users', 'create', 'olaf', '--name', 'again'], ['users', 'set', 'olaf'], ['users', 'deactivate', 'nobody']]) {
      const r = await fis(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});
