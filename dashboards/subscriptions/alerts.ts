/**
 * An alert's figure: one metric over the last complete month or week before the Datenstand, for
 * the alert's scope (its filters) and the recipient's rights — the query path applies their row
 * restrictions and disclosure control, so the figure is the one they would see. Compared with the
 * threshold directly, or as the change in % against the same period a year before.
 */
import { dayOf, isoOf, weekday } from '../../platform/dates';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { runQuery } from '../../warehouse/semantic/query';
import type { Access } from '../../warehouse/semantic/types';
import type { AlertCondition } from './definition';

export interface Window {
  from: string;
  to: string;
}

const monthEnd = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);

/** The last complete month or week (Monday to Sunday) that ends on or before `dataAsOf`. */
export function alertWindow(window: AlertCondition['window'], dataAsOf: string): Window {
  const d = dataAsOf.slice(0, 10);
  const [y, m] = [Number(d.slice(0, 4)), Number(d.slice(5, 7))];
  if (window === 'month') {
    if (monthEnd(y, m) === d) return { from: `${d.slice(0, 7)}-01`, to: d };
    const to = monthEnd(y, m - 1);
    return { from: `${to.slice(0, 7)}-01`, to };
  }
  const day = dayOf(d);
  const fromMonday = (weekday(day) + 6) % 7; // Monday 0 … Sunday 6
  const end = fromMonday === 6 ? day : day - fromMonday - 1;
  return { from: isoOf(end - 6), to: isoOf(end) };
}

/** The same period a year before: the same month, or the week 52 weeks earlier (same weekdays). */
export function yearBefore(window: AlertCondition['window'], w: Window): Window {
  if (window === 'week') return { from: isoOf(dayOf(w.from) - 364), to: isoOf(dayOf(w.to) - 364) };
  const y = Number(w.from.slice(0, 4)) - 1;
  const m = Number(w.from.slice(5, 7));
  return { from: `${y}-${w.from.slice(5, 7)}-01`, to: monthEnd(y, m) };
}

export interface AlertFigure {
  /** the figure compared: the metric's value, or its change in % (vs: previous-year); null when withheld or without a base */
  value: number | null;
  window: Window;
  /** the metric's own value in the window (for the message) */
  current: number | null;
  previous?: number | null;
}

/** The alert's figure for one recipient's rights. */
export async function alertFigure(reader: SnapshotSource, cond: AlertCondition, filters: Record<string, string>, access: Access, dataAsOf: string): Promise<AlertFigure> {
  const window = alertWindow(cond.window, dataAsOf);
  const f = Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v.split('|')]));
  const ask = async (w: Window) => {
    const r = await runQuery(reader, { metrics: [cond.metric], by: [], filters: f, from: w.from, to: w.to }, access);
    const v = r.rows[0]?.[0];
    return v === undefined ? 0 : (v as number | null);
  };
  const current = await ask(window);
  if (cond.vs !== 'previous-year') return { value: current, window, current };
  const previous = await ask(yearBefore(cond.window, window));
  const value = current === null || !previous ? null : Math.round(((current - previous) / Math.abs(previous)) * 1000) / 10;
  return { value, window, current, previous };
}

/** Whether the condition holds for a figure (a withheld figure decides nothing). */
export const conditionHolds = (cond: AlertCondition, value: number | null): boolean | null => (value === null ? null : cond.op === 'gt' ? value > cond.value : value < cond.value);
