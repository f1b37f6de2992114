// `fis users …` and `fis roles …` — the administration of the web app, on the command line.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { getConfig } from '../../platform/config';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import { action, collect, once } from '../run';
import { printTable } from '../table';

/** A list option, comma-separated or repeated (`--states 08 --states 09`); "" for none. */
const list = (v: string[] | undefined) => (v === undefined ? undefined : v.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean));
/** Who changes things from the command line, for the audit log. */
const actor = () => `cli:${userInfo().username}`;

/** Opens the app-state database for one command. */
export async function withAppDb<T>(fn: (db: AppDb) => Promise<T>): Promise<T> {
  const config = getConfig();
  const { openAppDb } = await import('../../roles/app-db');
  const app = await openAppDb({ dataDir: config.dataDir, url: config.appDbUrl });
  try {
    return await fn(app.db);
  } finally {
    await app.close();
  }
}

interface UserOptions {
  name?: string;
  email?: string;
  roles?: string[];
  offices?: string[];
  states?: string[];
}

export function registerAdmin(program: Command): void {
  const users = program.command('users').description('users of the web app: list, create, change, deactivate, reset passwords');
  users
    .command('list')
    .description('list the users with roles, scope and state (never passwords)')
    .option('--json', 'as JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const { listUsers } = await import('../../roles/store');
        const rows = (await withAppDb(listUsers)).map((u) => ({
          user: u.username,
          name: u.display_name,
          roles: u.roles.join(','),
          offices: u.offices.join(','),
          states: u.states.join(','),
          email: u.email ?? '',
          active: u.active,
          locked: !!u.locked_until && new Date(u.locked_until) > new Date(),
          must_change_password: u.must_change_password,
        }));
        if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else printTable(rows);
      }),
    );
  users
    .command('create')
    .description('create a user; prints a one-time password the user must change at the first login')
    .argument('<username>', 'login name: lower-case letters, digits, ".", "_", "-"')
    .requiredOption('--name <display name>', 'name shown in the app', once('--name'))
    .option('--roles <roles>', 'roles, comma-separated or repeated (see fis roles list)', collect)
    .option('--offices <codes>', 'office scope, comma-separated or repeated codes (e.g. MUC)', collect)
    .option('--states <keys>', 'state scope, comma-separated or repeated keys (e.g. 08,09)', collect)
    .option('--email <address>', 'where subscriptions may send mail (default: none, inbox only)', once('--email'))
    .action(
      action(async (username: string, o: UserOptions) => {
        const { createUser } = await import('../../roles/users');
        const r = await withAppDb((db) => createUser(db, { username, display_name: o.name, roles: list(o.roles) ?? [], offices: list(o.offices) ?? [], states: list(o.states) ?? [], email: o.email ?? null }, actor(), { otpHours: getConfig().session.otpHours }));
        process.stderr.write(`fis: created ${r.user.username}; one-time password (shown once, must be changed at the first login):\n`);
        process.stdout.write(`${r.password}\n`);
      }),
    );
  users
    .command('set')
    .description("change a user's name, roles or scope (lists replace the old ones)")
    .argument('<username>')
    .option('--name <display name>', 'name shown in the app', once('--name'))
    .option('--roles <roles>', 'roles, comma-separated or repeated', collect)
    .option('--offices <codes>', 'office scope, comma-separated or repeated ("" for none)', collect)
    .option('--states <keys>', 'state scope, comma-separated or repeated ("" for none)', collect)
    .option('--email <address>', 'where subscriptions may send mail ("" for none)', once('--email'))
    .action(
      action(async (username: string, o: UserOptions) => {
        const patch = Object.fromEntries(Object.entries({ display_name: o.name, roles: list(o.roles), offices: list(o.offices), states: list(o.states), email: o.email }).filter(([, v]) => v !== undefined));
        if (!Object.keys(patch).length) throw new UserError('Say what to change: --name, --roles, --offices, --states or --email.', { exitCode: 2 });
        const { updateUser } = await import('../../roles/users');
        const u = await withAppDb((db) => updateUser(db, username, patch, actor()));
        process.stderr.write(`fis: ${u.username} now has roles ${u.roles.join(', ') || '–'}, offices ${u.offices.join(', ') || '–'}, states ${u.states.join(', ') || '–'}, e-mail ${u.email ?? '–'}\n`);
      }),
    );
  for (const [name, active] of [['deactivate', false], ['activate', true]] as const) {
    users
      .command(name)
      .description(active ? 'allow a deactivated user to log in again' : 'stop a user from logging in and end their sessions (the user and the audit trail stay)')
      .argument('<username>')
      .action(
        action(async (username: string) => {
          const { updateUser } = await import('../../roles/users');
          await withAppDb((db) => updateUser(db, username, { active }, actor()));
          process.stderr.write(`fis: ${username} ${active ? 'activated' : 'deactivated'}\n`);
        }),
      );
  }
  users
    .command('reset-password')
    .description('set a one-time password (printed once), unlock the account and end its sessions')
    .argument('<username>')
    .action(
      action(async (username: string) => {
        const { resetPassword } = await import('../../roles/users');
        const password = await withAppDb((db) => resetPassword(db, username, actor(), { otpHours: getConfig().session.otpHours }));
        process.stderr.write(`fis: new one-time password for ${username} (shown once, must be changed at the next login):\n`);
        process.stdout.write(`${password}\n`);
      }),
    );

  const groups = program.command('groups').description("single sign-on: which groups of the identity provider give which roles and scope");
  groups
    .command('list')
    .description('list the group mappings')
    .option('--json', 'as JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const { listGroupMappings } = await import('../../roles/group-mappings');
        const rows = (await withAppDb(listGroupMappings)).map((m) => ({ group: m.group_name, roles: m.roles.join(','), offices: m.offices.join(','), states: m.states.join(','), version: m.version, updated_by: m.updated_by }));
        if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else printTable(rows);
      }),
    );
  groups
    .command('set')
    .description('map a group (or change its mapping): members get these roles and this scope at their next sign-in')
    .argument('<group>', 'the group as the identity provider names it, e.g. fis-regional-08-09')
    .requiredOption('--roles <roles>', 'roles, comma-separated or repeated', collect)
    .option('--offices <codes>', 'office scope, comma-separated or repeated', collect)
    .option('--states <keys>', 'state scope, comma-separated or repeated', collect)
    .action(
      action(async (group: string, o: UserOptions) => {
        const { getGroupMapping, setGroupMapping } = await import('../../roles/group-mappings');
        const m = await withAppDb(async (db) => setGroupMapping(db, group, { roles: list(o.roles) ?? [], offices: list(o.offices) ?? [], states: list(o.states) ?? [] }, (await getGroupMapping(db, group))?.version ?? null, actor()));
        process.stderr.write(`fis: ${m.group_name} → roles ${m.roles.join(', ')}, offices ${m.offices.join(', ') || '–'}, states ${m.states.join(', ') || '–'} (version ${m.version})\n`);
      }),
    );
  groups
    .command('remove')
    .description('delete a group mapping (its members lose it at their next sign-in)')
    .argument('<group>')
    .action(
      action(async (group: string) => {
        const { deleteGroupMapping, getGroupMapping } = await import('../../roles/group-mappings');
        await withAppDb(async (db) => {
          const m = await getGroupMapping(db, group);
          if (!m) throw new UserError(`The group "${group.slice(0, 60)}" has no mapping.`, { exitCode: 4 });
          await deleteGroupMapping(db, group, m.version, actor());
        });
        process.stderr.write(`fis: mapping of ${group} deleted\n`);
      }),
    );

  const roles = program.command('roles').description('role definitions: list, export and import as JSON (for review in version control)');
  roles
    .command('list')
    .description('list the roles with their version and holders')
    .action(
      action(async () => {
        const { listRoles, listUsers } = await import('../../roles/store');
        const [rs, us] = await withAppDb(async (db) => [await listRoles(db), await listUsers(db)] as const);
        printTable(rs.map((r) => ({ role: r.name, label: r.label_de, rules: r.rules.length, version: r.version, updated_by: r.updated_by, users: us.filter((u) => u.roles.includes(r.name)).map((u) => u.username).join(',') })));
      }),
    );
  roles
    .command('export')
    .description('write all role definitions as JSON (sorted, without versions) to standard output or a file')
    .option('-o, --output <file>', 'file to write instead of standard output', once('--output'))
    .action(
      action(async (o: { output?: string }) => {
        const { exportRoles } = await import('../../roles/users');
        const json = JSON.stringify(await withAppDb(exportRoles), null, 2) + '\n';
        if (!o.output) process.stdout.write(json);
        else {
          const { writeFileSync, renameSync } = await import('node:fs');
          writeFileSync(`${o.output}.part`, json);
          renameSync(`${o.output}.part`, o.output);
          process.stderr.write(`fis: wrote ${o.output}\n`);
        }
      }),
    );
  roles
    .command('import')
    .description('create and update roles from a JSON file (all validated before anything is written; roles not in the file stay)')
    .argument('<file>', 'a JSON array of role definitions, as fis roles export writes it')
    .option('--dry-run', 'only say what would change')
    .action(
      action(async (file: string, o: { dryRun?: boolean }) => {
        let input: unknown;
        try {
          input = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          throw new UserError(code ? `Cannot read ${file} (${code}).` : `${file} is not valid JSON: ${(e as Error).message}.`, { exitCode: 2 });
        }
        const { importRoles } = await import('../../roles/users');
        const plan = await withAppDb((db) => importRoles(db, input, actor(), { dryRun: o.dryRun }));
        const say = (what: string, names: string[]) => (names.length ? `${what} ${names.join(', ')}` : '');
        const parts = [say(o.dryRun ? 'would create' : 'created', plan.create), say(o.dryRun ? 'would update' : 'updated', plan.update), say('unchanged', plan.unchanged)].filter(Boolean);
        process.stderr.write(`fis: ${parts.join('; ') || 'nothing to do'}\n`);
      }),
    );
}
