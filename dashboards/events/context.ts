/**
 * Which events a viewer sees (their roles, and a scope their rights cover — asked through the
 * query path with their rights) and the events of each time chart they get, on screen and in
 * exports alike. Without server-only parts: the CLI's report exports use it too.
 */
import { processWide } from '../../platform/process-wide';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { mayUseMetric, runQuery } from '../../warehouse/semantic/query';
import type { SnapshotSource } from '../../warehouse/snapshots';
import type { ChartSpec, PanelData } from '../specs';
import { eventVisible, eventsOnChart, listEvents, type EventScope, type FisEvent } from './events';

/** A metric per domain whose rows name the offices and states of the viewer's scope. */
const SCOPE_QUESTIONS: Array<{ metric: string; by: string[] }> = [
  { metric: 'applications', by: ['office', 'state'] },
  { metric: 'courses_started', by: ['state'] },
  { metric: 'vocational_entitlements', by: ['state'] },
];

/** The offices (with their states) and states the viewer's rights cover, asked with their rights. */
export async function eventScope(reader: SnapshotSource, principal: Principal): Promise<EventScope> {
  const scope: EventScope = { offices: new Map(), states: new Set() };
  for (const q of SCOPE_QUESTIONS) {
    if (!mayUseMetric(principal.access, q.metric)) continue;
    const r = await runQuery(reader, { metrics: [q.metric], by: q.by, filters: {} }, principal.access).catch(() => undefined);
    for (const row of r?.rows ?? []) {
      if (q.by.length === 2) scope.offices.set(String(row[0]), String(row[1]));
      scope.states.add(String(row[q.by.length - 1]));
    }
  }
  return scope;
}

export interface EventContext {
  events: FisEvent[];
  scope: EventScope;
}

// the scope of a principal on a snapshot: derived from answers of that snapshot with the principal's
// rights, so it holds as long as both do (a principal is kept per user and role versions)
const scopes = processWide('events:scopes', () => new WeakMap<Principal, { snapshot: string | undefined; scope: Promise<EventScope> }>());

/**
 * The events the viewer sees, with their scope; `range` limits the days. The events are read anew
 * for every request (one was just added or removed, perhaps by another process): `listed`, when
 * given, is what this request read (all days), so that its parts see the same events.
 */
export function eventContext(reader: SnapshotSource, principal: Principal, db: AppDb | undefined, range: { from?: string; to?: string } = {}, listed?: Promise<FisEvent[]>): Promise<EventContext> {
  const snapshot = reader.info()?.id;
  let kept = scopes.get(principal);
  if (!kept || kept.snapshot !== snapshot) {
    kept = { snapshot, scope: eventScope(reader, principal) };
    scopes.set(principal, kept);
    kept.scope.catch(() => scopes.delete(principal));
  }
  const scope = kept.scope;
  return (async () => {
    const [all, s] = await Promise.all([listed ?? (db ? listEvents(db, range) : Promise.reject(new Error('eventContext: neither events nor a database'))), scope]);
    return { events: all.filter((e) => eventVisible(e, principal.user.roles, s)), scope: s };
  })();
}

/** A chart with the events the viewer sees on it (a time chart covering their day and scope). */
export function chartWithEvents(chart: ChartSpec, ctx: EventContext, filters: { state?: string[]; office?: string[] }): ChartSpec {
  const events = eventsOnChart(chart, ctx.events, filters, ctx.scope);
  return events.length ? { ...chart, events } : chart;
}

/** A panel's data with the events of its chart. */
export async function dataWithEvents(reader: SnapshotSource, principal: Principal, db: AppDb | undefined, data: PanelData, filters: { state?: string[]; office?: string[] }, listed?: Promise<FisEvent[]>): Promise<PanelData> {
  if (data.status !== 'ok' || data.kind !== 'chart' || !data.chart.time) return data;
  return { ...data, chart: chartWithEvents(data.chart, await eventContext(reader, principal, db, {}, listed), filters) };
}
