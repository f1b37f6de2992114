/**
 * The administration's server side: who may do what (one check per area, 403 with a sentence), the
 * preview of a role definition before it is saved ("view as"), the pipeline monitor with its
 * "run now", and the audit log filtered from URL parameters. Administering grants no case data:
 * the preview shows rights, offices and states and the statement the warehouse would run — never
 * a figure; the monitor shows quarantined rows by key, never their contents.
 */
import 'server-only';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../platform/config';
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import { can } from '../../roles/ability';
import { buildPrincipal, type Principal } from '../../roles/access';
import { validateRoleDefinition } from '../../roles/permissions';
import { audit, listRoles, type AuditEntry, type AuditQuery, type StoredUser } from '../../roles/store';
import type { AppDb } from '../../roles/app-db';
import { listRuns, readSchedulerState } from '../../etl/history';
import { etlStatus, type EtlStatus } from '../../etl/status';
import { METRICS } from '../../warehouse/semantic/metrics';
import { cachedLabels, mayUseMetric, planQuery } from '../../warehouse/semantic/query';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { csvCell } from '../exports/csv';
import { describeRights } from '../rights';
import type { Lang } from '../i18n';
import { appDb, services } from './services';


export type AdminArea = 'roles' | 'users' | 'pipeline' | 'run' | 'audit' | 'subscriptions';

const AREA: Record<AdminArea, [string, string, string]> = {
  roles: ['manage', 'Role', 'You may not administer roles.'],
  users: ['manage', 'User', 'You may not administer users.'],
  pipeline: ['read', 'Pipeline', 'You may not see the data pipeline.'],
  run: ['run', 'Pipeline', 'You may not start pipeline runs.'],
  audit: ['read', 'AuditLog', 'You may not read the audit log.'],
  // everyone's subscriptions: who sends what to whom is user administration (never their figures)
  subscriptions: ['manage', 'User', 'You may not administer subscriptions.'],
};

export const mayAdminister = (p: Principal, area: AdminArea) => can(p.ability, AREA[area][0], AREA[area][1]);
export const canReadAudit = (p: Principal) => mayAdminister(p, 'audit');

/** The one check of the administration routes: refuses with 403 and a sentence. */
export function requireAdmin(p: Principal, area: AdminArea): void {
  if (!mayAdminister(p, area)) throw new UserError(AREA[area][2], { httpStatus: 403 });
}

/** A user as the administration shows it: never the password hash. */
export const publicUser = (u: StoredUser) => ({
  username: u.username,
  display_name: u.display_name,
  roles: u.roles,
  offices: u.offices,
  states: u.states,
  email: u.email,
  active: u.active,
  must_change_password: u.must_change_password,
  locked: u.locked_until !== null && Date.parse(u.locked_until) > Date.now(),
  is_demo: u.is_demo,
  version: u.version,
});
export type PublicUser = ReturnType<typeof publicUser>;

/** The choices of the user form: the roles, and the states with their names. */
export async function userFormChoices(lang: Lang) {
  const roles = (await listRoles(await appDb())).map((r) => ({ name: r.name, label: lang === 'de' ? r.label_de : r.label_en }));
  const names = await cachedLabels(services().reader, 'state', lang).catch(() => ({}) as Record<string, string>);
  const states = Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0')).map((code) => ({ code, label: names[code] ?? code }));
  return { roles, states };
}

export interface PreviewScope {
  username?: string;
  offices?: string[];
  states?: string[];
}

export interface RolePreview {
  rights: ReturnType<typeof describeRights>;
  /** asylum data: the offices in scope (all, or the list) */
  offices: { all: boolean; codes: Array<{ code: string; name: string; state: string }> };
  /** course data: the states in scope */
  states: Record<'integration' | 'vocational', { all: boolean; codes: string[] } | null>;
  /** conditions on nationality narrow the data further than offices and states show */
  byNationality: boolean;
  /** the statement the warehouse would run for a typical question of this role */
  sample: { question: string; sql: string; parameters: readonly unknown[] } | null;
}

/**
 * What a user with this (unsaved) role would get: their dashboards, reports and exports, the
 * offices and states their data is limited to, and the statement of a sample question — computed
 * from the definition exactly as at login, without storing it and without running the question.
 */
export async function previewRole(reader: SnapshotSource, input: unknown, scope: PreviewScope): Promise<RolePreview> {
  const def = validateRoleDefinition(input);
  const user = { username: scope.username ?? 'preview', offices: scope.offices ?? [], states: scope.states ?? [] };
  const principal = buildPrincipal({ user_id: '0', ...user, display_name: user.username, roles: [def.name], must_change_password: false }, [def], services().config.suppressionMin);
  const { ability } = principal;
  const rights = describeRights(principal);
  const byNationality = def.rules.some((r) => r.conditions && 'nationality_code' in r.conditions);
  return reader.use(async (duck, info) => {
    const offices = await duck.all<{ code: string; name: string; state: string }>(`SELECT office_code AS code, name, state_code AS state FROM dim_office ORDER BY office_code`);
    const states = (await duck.all<{ code: string }>(`SELECT state_code AS code FROM dim_state ORDER BY 1`)).map((s) => s.code);
    const inScope = offices.filter((o) => can(ability, 'read', 'AsylumData', { office_code: o.code, state_code: o.state }));
    const courseStates = (subject: string, d: 'integration' | 'vocational') => {
      if (!principal.access.domains[d]) return null;
      const codes = states.filter((code) => can(ability, 'read', subject, { state_code: code }));
      return codes.length ? { all: codes.length === states.length, codes } : null;
    };
    const domain = (['asylum', 'integration', 'vocational'] as const).find((d) => principal.access.domains[d]);
    const m = domain ? METRICS.find((x) => x.domain === domain && x.measure.kind !== 'pending' && mayUseMetric(principal.access, x.name)) : undefined;
    let sample: RolePreview['sample'] = null;
    if (m) {
      const q = { metrics: [m.name], by: ['year', 'state'], filters: {} };
      const plan = await planQuery(duck, info, q, principal.access, { orderBy: true });
      sample = { question: `metric=${m.name}&by=year,state`, sql: plan.sql, parameters: plan.parameters };
    }
    return {
      rights,
      offices: rights.domains.includes('asylum') ? { all: inScope.length === offices.length, codes: inScope } : { all: false, codes: [] },
      states: { integration: courseStates('IntegrationData', 'integration'), vocational: courseStates('VocationalData', 'vocational') },
      byNationality,
      sample,
    };
  });
}

// --- the pipeline monitor ---

export const pipelineStatus = (): Promise<EtlStatus> => {
  const c = services().config;
  return etlStatus(c.dataDir, { runs: 20, freshnessHours: c.freshnessHours });
};

const g = globalThis as unknown as { __fisManualRun?: ChildProcess };

/** Whether a run started here ("run now") is still going. */
export const manualRunActive = () => !!g.__fisManualRun && g.__fisManualRun.exitCode === null && g.__fisManualRun.signalCode === null;

/**
 * "Run now": starts `fis etl run` (the same path as the scheduler's runs) as a process of its own,
 * audited; refused while a run is in progress — one started here, by the scheduler or on the CLI.
 */
export async function runPipelineNow(db: AppDb, p: Principal, full: boolean): Promise<{ pid: number }> {
  requireAdmin(p, 'run');
  const { dataDir } = services().config;
  // the run files and the scheduler's state say whether a run is going (no need to open the warehouse)
  const running = listRuns(dataDir, 5).find((r) => r.status === 'running');
  const scheduled = readSchedulerState(dataDir)?.running;
  if (manualRunActive() || running || scheduled) {
    const since = running?.startedAt ?? scheduled?.since;
    await audit(db, { actor: p.user.username, action: 'pipeline.run', outcome: 'refused', details: { full, reason: 'in progress' } });
    throw new UserError(`A pipeline run is in progress${since ? ` since ${since}` : ''}; start the next one when it has finished.`, { httpStatus: 409 });
  }
  const child = spawn(process.execPath, [join(/*turbopackIgnore: true*/ projectRoot, 'bin/fis.mjs'), 'etl', 'run', '--trigger', 'manual', ...(full ? ['--full'] : [])], {
    cwd: projectRoot,
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined);
  child.unref();
  g.__fisManualRun = child;
  await audit(db, { actor: p.user.username, action: 'pipeline.run', outcome: 'ok', details: { full, pid: child.pid ?? null } });
  return { pid: child.pid ?? 0 };
}

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

const param = (p: Params, k: string) => {
  const v = p instanceof URLSearchParams ? p.get(k) : Array.isArray(p[k]) ? p[k]![0] : p[k];
  return v?.trim() || undefined;
};

/** Audit filters from the page or API parameters; `strict` (API) refuses what the page ignores. */
export function auditQuery(p: Params, strict: boolean): AuditQuery {
  const q: AuditQuery = {};
  for (const k of ['actor', 'action'] as const) {
    const v = param(p, k);
    if (v === undefined) continue;
    if (v.length > 80 || !/^[\w.:@-]+$/.test(v)) {
      if (strict) throw new UserError(`"${k}" must be a user name or an action such as role.update.`);
      continue;
    }
    q[k] = v;
  }
  for (const k of ['from', 'to'] as const) {
    const v = param(p, k);
    if (v === undefined) continue;
    if (!isIsoDate(v)) {
      if (strict) throw new UserError(`"${k}" must be a date as YYYY-MM-DD.`);
      continue;
    }
    q[k] = v;
  }
  return q;
}

/** The audit log as CSV (UTF-8, comma; details as JSON). */
export function auditCsv(rows: AuditEntry[]): string {
  const lines = [['at', 'actor', 'action', 'target', 'outcome', 'details'].join(',')];
  for (const r of rows) lines.push([r.at, r.actor, r.action, r.target ?? '', r.outcome, JSON.stringify(r.details)].map((v) => csvCell(v, 'csv')).join(','));
  return lines.join('\r\n') + '\r\n';
}
