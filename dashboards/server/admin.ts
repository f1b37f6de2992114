/** The administration views' data: who may see them, and the audit log filtered from URL parameters. */
import 'server-only';
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import { can } from '../../roles/ability';
import type { Principal } from '../../roles/access';
import type { AuditEntry, AuditQuery } from '../../roles/store';
import { csvCell } from '../exports/csv';

export const canReadAudit = (p: Principal) => can(p.ability, 'read', 'AuditLog');

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
