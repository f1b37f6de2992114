/**
 * Events on the time axes ("Ereignisse"): dated notes — "01.03.2024 Rechtsänderung" — with a short
 * title and an optional longer text, for everyone or for states / offices, visible to chosen
 * roles, written and removed by users with the `annotate` right. Stored in the app-state database;
 * every change in the audit log.
 *
 * Who sees an event: a user with one of its roles whose rights cover its scope (an event for
 * office BER is nobody's business in Munich). Where it is drawn: on every time chart whose periods
 * include its day and whose filters cover its scope (eventsOnChart, pure).
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import type { AppDb } from '../../roles/app-db';
import { audit } from '../../roles/store';
import type { ChartEvent, ChartSpec, TimeGrain } from '../specs';

export interface FisEvent {
  id: string;
  date: string;
  title: string;
  text: string;
  scope: { states: string[]; offices: string[] };
  roles: string[];
  createdBy: string;
  createdAt: string;
}

const STATE = /^(0[1-9]|1[0-6])$/;
const OFFICE = /^[A-Z]{3}$/;
const ROLE = /^[a-z][a-z0-9-]{1,47}$/;

export const eventInputSchema = z
  .object({
    date: z.string().refine(isIsoDate),
    title: z.string().trim().min(1).max(120),
    text: z.string().trim().max(2000).default(''),
    scope: z
      .object({ states: z.array(z.string().regex(STATE)).max(16).default([]), offices: z.array(z.string().regex(OFFICE)).max(200).default([]) })
      .strict()
      .default({ states: [], offices: [] }),
    roles: z.array(z.string().regex(ROLE)).min(1).max(100),
  })
  .strict();
export type EventInput = z.infer<typeof eventInputSchema>;
export const EVENT_SHAPE = '{"date": "YYYY-MM-DD", "title", "text", "scope": {"states": ["09"], "offices": ["MUC"]}, "roles": ["leadership", …]}';

type Row = { event_id: string; day: string; title: string; text: string; states: string[]; offices: string[]; roles: string[]; created_by: string; created_at: string | Date };
const toEvent = (r: Row): FisEvent => ({
  id: String(r.event_id),
  date: String(r.day).slice(0, 10),
  title: r.title,
  text: r.text,
  scope: { states: r.states, offices: r.offices },
  roles: r.roles,
  createdBy: r.created_by,
  createdAt: (r.created_at instanceof Date ? r.created_at : new Date(r.created_at)).toISOString(),
});

/** Every event (the CLI's list; the web filters by visibility), optionally within a date range, by date. */
export async function listEvents(db: AppDb, range: { from?: string; to?: string } = {}): Promise<FisEvent[]> {
  const r = await sql<Row>`
    SELECT event_id, day::text AS day, title, text, states, offices, roles, created_by, created_at FROM chart_event
    WHERE (${range.from ?? null}::date IS NULL OR day >= ${range.from ?? null}::date) AND (${range.to ?? null}::date IS NULL OR day <= ${range.to ?? null}::date)
    ORDER BY day, event_id`.execute(db);
  return r.rows.map(toEvent);
}

export async function getEvent(db: AppDb, id: string): Promise<FisEvent | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await sql<Row>`SELECT event_id, day::text AS day, title, text, states, offices, roles, created_by, created_at FROM chart_event WHERE event_id = ${id}`.execute(db);
  return r.rows[0] ? toEvent(r.rows[0]) : undefined;
}

/** Adds an event (the caller checked the `annotate` right); audited in the same statement. */
export async function addEvent(db: AppDb, input: EventInput, actor: string): Promise<FisEvent> {
  const known = new Set((await db.selectFrom('role').select('name').execute()).map((r) => r.name));
  const unknown = input.roles.filter((r) => !known.has(r));
  if (unknown.length) throw new UserError(`There is no role "${unknown[0]}"; see fis roles list.`);
  const r = await sql<Row>`
    WITH ins AS (
      INSERT INTO chart_event (day, title, text, states, offices, roles, created_by)
      VALUES (${input.date}::date, ${input.title}, ${input.text}, ${input.scope.states}::text[], ${input.scope.offices}::text[], ${[...new Set(input.roles)]}::text[], ${actor})
      RETURNING event_id, day::text AS day, title, text, states, offices, roles, created_by, created_at),
    logged AS (INSERT INTO audit_log (actor, action, target, outcome, details)
      SELECT ${actor}, 'event.create', 'event:' || event_id, 'ok', jsonb_build_object('date', day, 'title', title, 'states', states, 'offices', offices, 'roles', roles) FROM ins)
    SELECT * FROM ins`.execute(db);
  return toEvent(r.rows[0]!);
}

/** Removes an event; audited. Unknown id: 404. */
export async function removeEvent(db: AppDb, id: string, actor: string): Promise<void> {
  const gone = /^\d{1,18}$/.test(id) ? await db.deleteFrom('chart_event').where('event_id', '=', id).returning(['event_id', 'title']).executeTakeFirst() : undefined;
  if (!gone) throw new UserError(`There is no event ${id.slice(0, 20)}.`, { httpStatus: 404, exitCode: 4 });
  await audit(db, { actor, action: 'event.delete', target: `event:${gone.event_id}`, outcome: 'ok', details: { title: gone.title } });
}

/** The offices (with their state) and states a user's rights cover — the values they see in filters. */
export interface EventScope {
  offices: Map<string, string>;
  states: Set<string>;
}

/** Whether a user with these roles and this scope sees the event at all (screen, exports, API). */
export function eventVisible(e: FisEvent, roles: readonly string[], scope: EventScope): boolean {
  if (!e.roles.some((r) => roles.includes(r))) return false;
  if (!e.scope.states.length && !e.scope.offices.length) return true;
  return e.scope.states.some((s) => scope.states.has(s)) || e.scope.offices.some((o) => scope.offices.has(o));
}

/** Whether a chart with these state and office filters covers the event's scope (the event is visible). */
export function eventCovered(e: FisEvent, filters: { state?: string[]; office?: string[] }, scope: EventScope): boolean {
  if (!e.scope.states.length && !e.scope.offices.length) return true;
  const st = filters.state?.length ? filters.state : undefined;
  const of = filters.office?.length ? filters.office : undefined;
  const stateHit = e.scope.states.some((s) => scope.states.has(s) && (!st || st.includes(s)) && (!of || of.some((o) => scope.offices.get(o) === s)));
  const officeHit = e.scope.offices.some((o) => scope.offices.has(o) && (!of || of.includes(o)) && (!st || st.includes(scope.offices.get(o)!)));
  return stateHit || officeHit;
}

/** The code of the period of a grain a day falls in (2024-03-05 → 2024-03, 2024-Q1, 2024). */
export function periodOf(date: string, grain: TimeGrain): string {
  if (grain === 'day') return date;
  if (grain === 'month' || grain === 'month-of-year') return date.slice(0, 7);
  if (grain === 'quarter') return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
  return date.slice(0, 4);
}

/**
 * The events a time chart shows: those (already visible to the viewer) whose day falls in one of
 * its periods and whose scope its filters cover; each at the index of its period.
 */
export function eventsOnChart(spec: Pick<ChartSpec, 'time' | 'categories'>, events: readonly FisEvent[], filters: { state?: string[]; office?: string[] }, scope: EventScope): ChartEvent[] {
  if (!spec.time || !events.length) return [];
  const index = new Map(spec.categories.map((c, i) => [String(c.code), i]));
  return events.flatMap((e) => {
    const i = index.get(periodOf(e.date, spec.time!));
    return i !== undefined && eventCovered(e, filters, scope) ? [{ index: i, date: e.date, title: e.title, text: e.text, id: e.id }] : [];
  });
}
