/**
 * Subscriptions for their owners, from the web app and the command line alike: create one (checked,
 * stored with its audit entry, the scheduler told when it is next due), deactivate or activate it,
 * and preview what each recipient would get — with their rights as of now, and their figures only
 * where the owner may see those figures too.
 */
import type { Config } from '../../platform/config';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { getUser } from '../../roles/store';
import { METRICS, type Domain } from '../../warehouse/semantic/metrics';
import { mayUseMetric } from '../../warehouse/semantic/query';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { DASHBOARDS, REPORTS } from '../catalog';
import { formatValue, type Lang } from '../i18n';
import { ts, type Message } from '../i18n-subscriptions';
import { buildReport, reportFilters } from '../reports/build';
import { reportDef } from '../reports/defs';
import { canExport, canExportPanel, canViewDashboard, canViewReport, visiblePanels } from '../rights';
import { principalFor } from '../../roles/access';
import { alertFigure } from './alerts';
import { checkDefinition, type Subscription, type SubscriptionDefinition } from './definition';
import { nextRun, writeNextDue } from './due';
import { explain } from './explain';
import { createSubscription, setSubscriptionActive, subscriptionFor } from './store';

type Settings = Pick<Config, 'dataDir' | 'suppressionMin' | 'schedule'>;

/** Creates a subscription or an alert of `owner` (checked first; one statement with its audit entry). */
export async function subscribe(db: AppDb, owner: Principal, raw: unknown, actor: string, c: Settings): Promise<Subscription> {
  const def = await checkDefinition(db, owner, raw);
  const s = await createSubscription(db, owner.user.username, def, actor, await nextRun(def.schedule, c.schedule.timezone));
  await writeNextDue(db, c.dataDir);
  return s;
}

/** Deactivates or activates a subscription: one's own, or any as an administrator. */
export async function setActive(db: AppDb, id: string, active: boolean, by: { username: string; admin: boolean; actor?: string }, expectedVersion: number | undefined, c: Settings): Promise<Subscription> {
  const s = await subscriptionFor(db, id, by.username, by.admin);
  const next = active ? await nextRun(s.schedule, c.schedule.timezone) : null;
  const changed = await setSubscriptionActive(db, id, active, expectedVersion ?? s.version, by.actor ?? by.username, next);
  await writeNextDue(db, c.dataDir);
  return changed;
}

/** Whether `owner` sees everything `r` sees in these domains: rows, disclosure and metrics — then r's figures may be shown to the owner. */
export function ownerSees(owner: Principal, r: Principal, domains: readonly Domain[]): boolean {
  if (owner.user.username === r.user.username) return true;
  return domains.every((d) => {
    const rows = r.access.domains[d];
    if (!rows) return true;
    const own = owner.access.domains[d];
    const sameRows = !!own && (own.op === 'true' || JSON.stringify(own) === JSON.stringify(rows));
    const disclosure = !!owner.access.unsuppressed[d] || !r.access.unsuppressed[d];
    const metrics = METRICS.filter((m) => m.domain === d).every((m) => !mayUseMetric(r.access, m.name) || mayUseMetric(owner.access, m.name));
    return sameRows && disclosure && metrics;
  });
}

export interface RecipientPreview {
  recipient: string;
  name: string;
  would: 'file' | 'link' | 'nothing';
  reason: string;
  scope: string;
  /** a few of their figures, when the owner may see them; otherwise why not */
  figures: string;
}

function scopeOf(p: Principal, domains: readonly Domain[], lang: Lang): string {
  const parts = domains.flatMap((d) => {
    const rows = p.access.domains[d];
    if (!rows) return [];
    const where = rows.op === 'true' ? ts(lang, 'scopeAll') : p.user.offices.length ? ts(lang, 'scopeOffices', { codes: p.user.offices.join(', ') }) : p.user.states.length ? ts(lang, 'scopeStates', { codes: p.user.states.join(', ') }) : ts(lang, 'scopeRestricted');
    return [`${d}: ${where}${p.access.unsuppressed[d] ? '' : `, ${ts(lang, 'scopeDisclosure')}`}`];
  });
  return parts.join('; ') || '–';
}

/** What each recipient of an (unsaved or saved) subscription would get, with their rights as of now. */
export async function previewRecipients(db: AppDb, reader: SnapshotSource, owner: Principal, raw: unknown, c: Settings, lang: Lang): Promise<RecipientPreview[]> {
  const def: SubscriptionDefinition = await checkDefinition(db, owner, raw);
  const entry = (def.target_kind === 'report' ? REPORTS : DASHBOARDS).find((e) => e.id === def.target)!;
  const domains = def.kind === 'alert' ? [METRICS.find((m) => m.name === def.alert!.metric)!.domain] : entry.domains;
  const snapshot = await reader.pin();
  const out: RecipientPreview[] = [];
  for (const name of def.recipients) {
    const user = (await getUser(db, name))!;
    const p = await principalFor(db, user, c.suppressionMin);
    const base = { recipient: name, name: user.display_name, scope: scopeOf(p, domains, lang) };
    const say = (m: Message) => explain(lang, m, def);
    let would: RecipientPreview['would'];
    let reason = '';
    if (def.kind === 'alert') {
      would = mayUseMetric(p.access, def.alert!.metric) ? 'file' : 'nothing';
      if (would === 'nothing') reason = say({ key: 'reason_noMetric', vars: { user: name, metric: def.alert!.metric } });
    } else {
      const view = def.target_kind === 'report' ? canViewReport(p, def.target) : canViewDashboard(p, def.target);
      const file = def.target_kind === 'report' ? canExport(p, def.target, def.format!) : canExportPanel(p, def.target, def.format!);
      would = !view ? 'nothing' : file ? 'file' : 'link';
      if (!view) reason = say({ key: 'reason_noView', vars: { user: name } });
      else if (!file) reason = say({ key: 'reason_noExport', vars: { user: name, format: def.format! } });
    }
    let figures = '';
    if (would !== 'nothing') {
      if (!ownerSees(owner, p, domains)) figures = ts(lang, 'figuresHidden');
      else if (def.kind === 'alert') {
        const f = await alertFigure(snapshot, def.alert!, def.filters, p.access, snapshot.info().dataAsOf ?? new Date().toISOString());
        figures = f.value === null ? '·' : formatValue(f.value, def.alert!.vs ? 'percent' : METRICS.find((m) => m.name === def.alert!.metric)!.format, lang);
      } else if (def.target_kind === 'report') {
        const rd = reportDef(def.target)!;
        const values = Object.fromEntries(Object.entries(def.filters).filter(([k]) => k !== 'from' && k !== 'to').map(([k, v]) => [k, v.split('|')]));
        const table = await buildReport(snapshot, rd, reportFilters(rd, { from: def.filters.from, to: def.filters.to, values }, snapshot.info().dataAsOf), p.access, lang);
        const total = table.rows.find((r) => r.kind === 'total');
        figures = [ts(lang, 'figuresRows', { rows: table.rows.filter((r) => r.kind === 'row').length }), ...(total ? table.columns.slice(0, 3).map((col, j) => `${col.label} ${formatValue(total.values[j], col.format, lang)}`) : [])].join(' · ');
      } else {
        figures = visiblePanels(p, def.target).map((x) => x.panel.title[lang]).join(', ');
      }
    }
    out.push({ ...base, would, reason, figures });
  }
  return out;
}
