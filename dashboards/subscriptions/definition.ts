/**
 * What a subscription or an alert is, and the checks a new one passes before it is stored:
 * recipients are FIS users named by user name — never a free address; the owner may see what they
 * subscribe others to; formats, filters (the URL state of the view), the schedule (after every
 * publication, or a cron expression in FIS_TIMEZONE, at most hourly) and the channel are known.
 * Every refusal is one sentence.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { getUser } from '../../roles/store';
import { dimension } from '../../warehouse/semantic/dimensions';
import { metric } from '../../warehouse/semantic/metrics';
import { mayUseMetric } from '../../warehouse/semantic/query';
import { DASHBOARDS, REPORTS } from '../catalog';
import { DASHBOARD_DEFS, dashboardDef } from '../defs';
import type { Lang } from '../i18n';
import { reportDef } from '../reports/defs';
import { canViewDashboard, canViewReport } from '../rights';
import { AFTER_PUBLISH } from './due';

export const CHANNELS = ['inbox', 'email-link', 'email-attachment'] as const;
export type Channel = (typeof CHANNELS)[number];
export const SUBSCRIPTION_FORMATS = ['pdf', 'xlsx', 'csv-de'] as const;
export type SubscriptionFormat = (typeof SUBSCRIPTION_FORMATS)[number];
export { AFTER_PUBLISH };
export const MAX_RECIPIENTS = 500;

export interface AlertCondition {
  metric: string;
  op: 'gt' | 'lt';
  value: number;
  /** the period the figure covers: the last complete month or week before the Datenstand */
  window: 'month' | 'week';
  /** compare with the same period a year before: the value is then a change in % */
  vs?: 'previous-year';
}

/** A subscription as it is stored (and versioned). */
export interface SubscriptionDefinition {
  kind: 'report' | 'alert';
  recipients: string[];
  target_kind: 'report' | 'dashboard';
  target: string;
  format: SubscriptionFormat | null;
  /** the URL state of the view: state=09|08, office=MUC, from, to */
  filters: Record<string, string>;
  schedule: string;
  channel: Channel;
  alert: AlertCondition | null;
  lang: Lang;
}

export interface Subscription extends SubscriptionDefinition {
  id: string;
  owner: string;
  active: boolean;
  version: number;
  next_due_at: string | null;
  last_snapshot: string | null;
  last_run_at: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

const USERNAME = /^[a-z][a-z0-9._-]{1,47}$/;

const input = z
  .object({
    kind: z.enum(['report', 'alert']).default('report'),
    recipients: z.array(z.string().trim()).min(1, 'name at least one recipient').max(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} recipients`),
    target_kind: z.enum(['report', 'dashboard']).optional(),
    target: z.string().max(80).optional(),
    format: z.enum(SUBSCRIPTION_FORMATS).nullable().optional(),
    filters: z.record(z.string().max(40), z.string().max(2000)).default({}),
    schedule: z.string().trim().max(100).default(AFTER_PUBLISH),
    channel: z.enum(CHANNELS).default('inbox'),
    alert: z
      .object({
        metric: z.string().max(64),
        op: z.enum(['gt', 'lt']),
        value: z.number().finite(),
        window: z.enum(['month', 'week']).default('month'),
        vs: z.literal('previous-year').optional(),
      })
      .strict()
      .nullable()
      .optional(),
    lang: z.enum(['de', 'en']).default('de'),
  })
  .strict();

function parse(raw: unknown) {
  const r = input.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UserError(`Invalid subscription: ${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}.`);
  }
  return r.data;
}

/** The schedule in words for refusals: five fields, at most hourly. */
export function checkSchedule(schedule: string): string {
  if (schedule === AFTER_PUBLISH) return schedule;
  const fields = schedule.split(/\s+/);
  if (fields.length !== 5 || !cron.validate(schedule)) {
    throw new UserError(`The schedule "${schedule.slice(0, 60)}" is neither ${AFTER_PUBLISH} nor a cron expression of five fields (minute hour day month weekday), e.g. "0 7 * * 1" for Mondays at 07:00.`);
  }
  if (!/^\d{1,2}$/.test(fields[0]!)) throw new UserError(`A subscription is delivered at most once an hour: name its minute (e.g. "0 7 * * 1"), not "${fields[0]}".`);
  return fields.join(' ');
}

/** Recipients are FIS users, by user name: an address is refused, so is an unknown or deactivated user. */
export async function checkRecipients(db: AppDb, names: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const raw of names.flatMap((n) => n.split(',')).map((n) => n.trim()).filter(Boolean)) {
    const name = raw.toLowerCase();
    if (name.includes('@')) {
      throw new UserError(`"${raw.slice(0, 80)}" is an e-mail address: recipients are FIS users, named by their user name, and mail goes only to the address their administrator keeps.`);
    }
    if (!USERNAME.test(name)) throw new UserError(`"${raw.slice(0, 60)}" is not a user name.`);
    const u = await getUser(db, name);
    if (!u) throw new UserError(`There is no user "${name}"; recipients are FIS users.`, { httpStatus: 404 });
    if (!u.active) throw new UserError(`The user "${name}" is deactivated and cannot receive anything.`);
    if (!out.includes(name)) out.push(name);
  }
  if (!out.length) throw new UserError('Name at least one recipient.');
  if (out.length > MAX_RECIPIENTS) throw new UserError(`At most ${MAX_RECIPIENTS} recipients.`);
  return out;
}

/** The filters a view takes from its URL: its own filters and the period. */
function checkFilters(allowed: readonly string[], filters: Record<string, string>, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) {
    const value = v.trim();
    if (!value) continue;
    if (k === 'from' || k === 'to') {
      if (!isIsoDate(value)) throw new UserError(`"${k}" must be a date as YYYY-MM-DD, not "${value.slice(0, 20)}".`);
    } else if (!allowed.includes(k)) {
      throw new UserError(`${what} has no filter "${k.slice(0, 40)}"; it has ${allowed.join(', ')}${allowed.length ? ', ' : ''}from and to.`);
    } else if (!/^[A-Za-z0-9_.+-]+(\|[A-Za-z0-9_.+-]+)*$/.test(value)) {
      throw new UserError(`The filter "${k}" takes codes separated by |, e.g. 08|09, not "${value.slice(0, 40)}".`);
    }
    out[k] = value;
  }
  if (out.from && out.to && out.from > out.to) throw new UserError(`"from" (${out.from}) lies after "to" (${out.to}).`);
  return out;
}

/** The dashboard an alert links to: the first that shows its metric and that the owner sees. */
export function dashboardFor(metricName: string, p?: Principal): string | undefined {
  const shows = DASHBOARD_DEFS.filter((d) => d.panels.some((x) => x.metrics.includes(metricName)));
  return (shows.find((d) => !p || canViewDashboard(p, d.slug)) ?? shows[0])?.slug;
}

/**
 * Checks a new subscription or alert of `owner` and returns its definition. The owner must see the
 * report or dashboard (one subscribes others to what one sees oneself); the recipients' own rights
 * are applied at every delivery.
 */
export async function checkDefinition(db: AppDb, owner: Principal, raw: unknown): Promise<SubscriptionDefinition> {
  const i = parse(raw);
  const recipients = await checkRecipients(db, i.recipients);
  if (i.kind === 'alert') {
    const a = i.alert;
    if (!a) throw new UserError('An alert needs its condition: metric, op (gt or lt), value and window (month or week).');
    const m = metric(a.metric);
    if (!m) throw new UserError(`There is no metric "${a.metric.slice(0, 60)}"; see the metric catalogue (docs/metric-catalogue.md).`);
    if (!mayUseMetric(owner.access, m.name)) throw new UserError(`You may not use the metric "${m.name}" yourself, so you cannot set an alert on it.`, { httpStatus: 403 });
    const dims = Object.keys(m.dimensions);
    const filters = checkFilters(dims.filter((d) => !dimension(d) || dimension(d)!.values.source !== 'time'), i.filters, `The metric "${m.name}"`);
    if (filters.from || filters.to) throw new UserError('An alert looks at the latest month or week (--window); it takes no from or to.');
    const target = dashboardFor(m.name, owner);
    if (!target) throw new UserError(`No dashboard shows the metric "${m.name}"; an alert links to one.`);
    return { kind: 'alert', recipients, target_kind: 'dashboard', target, format: null, filters, schedule: AFTER_PUBLISH, channel: i.channel, alert: { metric: m.name, op: a.op, value: a.value, window: a.window, ...(a.vs ? { vs: a.vs } : {}) }, lang: i.lang };
  }
  if (!i.target_kind || !i.target) throw new UserError('Name what to deliver: a report (--report ID) or a dashboard (--dashboard SLUG).');
  if (!i.format) throw new UserError(`Name a format: ${SUBSCRIPTION_FORMATS.join(', ')}.`);
  let allowed: readonly string[];
  if (i.target_kind === 'report') {
    const def = reportDef(i.target);
    if (!def || !REPORTS.some((r) => r.id === i.target)) throw new UserError(`There is no report "${i.target.slice(0, 60)}"; the reports are ${REPORTS.map((r) => r.id).join(', ')}.`, { httpStatus: 404 });
    if (!canViewReport(owner, i.target)) throw new UserError(`You may not view the report "${i.target}" yourself, so you cannot subscribe anyone to it.`, { httpStatus: 403 });
    allowed = def.filters;
  } else {
    const def = dashboardDef(i.target);
    if (!def || !DASHBOARDS.some((d) => d.id === i.target)) throw new UserError(`There is no dashboard "${i.target.slice(0, 60)}"; the dashboards are ${DASHBOARDS.map((d) => d.id).join(', ')}.`, { httpStatus: 404 });
    if (!canViewDashboard(owner, i.target)) throw new UserError(`You may not view the dashboard "${i.target}" yourself, so you cannot subscribe anyone to it.`, { httpStatus: 403 });
    if (i.format === 'csv-de') throw new UserError('A whole dashboard comes as pdf or xlsx (a sheet per panel); CSV holds one table — subscribe to a report for CSV.');
    allowed = def.filters;
  }
  const filters = checkFilters(allowed, i.filters, `The ${i.target_kind} "${i.target}"`);
  return { kind: 'report', recipients, target_kind: i.target_kind, target: i.target, format: i.format, filters, schedule: checkSchedule(i.schedule), channel: i.channel, alert: null, lang: i.lang };
}

/** The path of the view a subscription shows, with its filters (a link for recipients without the file). */
export function viewPath(s: Pick<SubscriptionDefinition, 'target_kind' | 'target' | 'filters'>): string {
  const q = new URLSearchParams(s.filters).toString();
  return `/${s.target_kind === 'report' ? 'reports' : 'dashboards'}/${s.target}${q ? `?${q}` : ''}`;
}

/** The title of what a subscription delivers, in a language. */
export function targetTitle(s: Pick<SubscriptionDefinition, 'target_kind' | 'target' | 'kind' | 'alert'>, lang: Lang): string {
  if (s.kind === 'alert' && s.alert) return metric(s.alert.metric)?.label[lang] ?? s.alert.metric;
  const entry = (s.target_kind === 'report' ? REPORTS : DASHBOARDS).find((e) => e.id === s.target);
  return entry?.title[lang] ?? s.target;
}
