/**
 * Periods, for the filter bar (browser) and the panels (server) alike: the quick picks, and which
 * periods of a time axis the data cover only in part.
 *
 * "Letzte 12 Monate" are the last twelve complete months — never the same span as "Dieses Jahr"
 * (which runs to the Datenstand), and comparable month for month with the year before. The month
 * of the Datenstand is complete only after its last day: data as of 30.06., 17:59 do not close June.
 */
import { fill, type Lang } from './i18n';
import type { PartialCategory, TimeGrain } from './specs';
import { processWide } from '../platform/process-wide';

export type Period = { from: string; to: string };

const addMonths = (iso: string, months: number) => {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The first day of the month `months` before the month of `iso`. */
export const monthStartMinus = (iso: string, months: number) => addMonths(iso, -months);

/** The last day with data (the date of the Datenstand). */
export const dataDay = (dataAsOf: string) => dataAsOf.slice(0, 10);

export function thisYear(dataAsOf: string): Period {
  const end = dataDay(dataAsOf);
  return { from: `${end.slice(0, 4)}-01-01`, to: end };
}

/** The twelve complete months before the month of the Datenstand. */
export function last12Months(dataAsOf: string): Period {
  const end = dataDay(dataAsOf);
  return { from: addMonths(end, -12), to: addDays(addMonths(end, 0), -1) };
}

export const wholeYear = (y: number): Period => ({ from: `${y}-01-01`, to: `${y}-12-31` });

/**
 * Periods that stay relative: in a URL (`period=last-12-months`), a saved view or a pinned panel
 * they name the quick pick, not its dates, so "the last twelve months" move with the Datenstand of
 * every new snapshot.
 */
export const RELATIVE_PERIODS = { 'last-12-months': last12Months, 'this-year': thisYear } as const;
export type RelativePeriod = keyof typeof RELATIVE_PERIODS;

export const isRelativePeriod = (v: unknown): v is RelativePeriod => typeof v === 'string' && Object.hasOwn(RELATIVE_PERIODS, v);

/** The dates of a relative period at a Datenstand (undefined: `name` is none). */
export const resolvePeriod = (name: string | undefined, dataAsOf: string | null): Period | undefined =>
  isRelativePeriod(name) ? RELATIVE_PERIODS[name](dataAsOf ?? new Date().toISOString()) : undefined;

/** The relative period whose dates at this Datenstand are exactly `p` (a quick pick the user clicked), if any. */
export const relativePeriodOf = (p: Period, dataAsOf: string | null): RelativePeriod | undefined =>
  (Object.keys(RELATIVE_PERIODS) as RelativePeriod[]).find((name) => {
    const q = resolvePeriod(name, dataAsOf)!;
    return q.from === p.from && q.to === p.to;
  });

/** First and last day of a period code of a grain (2026-03, 2026-Q1, 2026, 2026-03-05). */
function bounds(code: string, grain: TimeGrain): Period | undefined {
  if ((grain === 'month' || grain === 'month-of-year') && /^\d{4}-\d{2}$/.test(code)) return { from: `${code}-01`, to: addDays(addMonths(code, 1), -1) };
  if (grain === 'quarter' && /^\d{4}-Q[1-4]$/.test(code)) {
    const first = `${code.slice(0, 4)}-${String((Number(code.slice(6)) - 1) * 3 + 1).padStart(2, '0')}`;
    return { from: `${first}-01`, to: addDays(addMonths(first, 3), -1) };
  }
  if (grain === 'year' && /^\d{4}$/.test(code)) return { from: `${code}-01-01`, to: `${code}-12-31` };
  if (grain === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(code)) return { from: code, to: code };
  return undefined;
}

const dayMonth = processWide('periods:day-month', () => new Map<Lang, Intl.DateTimeFormat>());
function shortDate(iso: string, lang: Lang) {
  let f = dayMonth.get(lang);
  if (!f) dayMonth.set(lang, (f = new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', lang === 'de' ? { day: '2-digit', month: '2-digit', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' })));
  return f.format(new Date(`${iso}T00:00:00Z`));
}

const NOTES = {
  until: { de: 'unvollständig bis {d}', en: 'incomplete, up to {d}' },
  from: { de: 'unvollständig ab {d}', en: 'incomplete, from {d}' },
} as const;

/**
 * The periods of a time axis that the question covers only in part: cut by the Datenstand (its
 * day is not over) or by the filter's first or last day. Each with its note, "unvollständig bis 01.12.".
 */
export function partialPeriods(codes: readonly string[], grain: TimeGrain, period: Period, dataAsOf: string | null, lang: Lang): PartialCategory[] {
  const last = dataAsOf && dataDay(dataAsOf) <= period.to ? dataDay(dataAsOf) : period.to;
  // complete through: the filter's last day, or the day before the Datenstand
  const through = dataAsOf && dataDay(dataAsOf) <= period.to ? addDays(last, -1) : period.to;
  const out: PartialCategory[] = [];
  codes.forEach((code, index) => {
    const b = bounds(code, grain);
    if (!b || b.from > last) return;
    if (b.to > through) out.push({ index, note: fill(NOTES.until[lang], { d: shortDate(last, lang) }) });
    else if (b.from < period.from) out.push({ index, note: fill(NOTES.from[lang], { d: shortDate(period.from, lang) }) });
  });
  return out;
}
