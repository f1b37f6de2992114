/**
 * A dashboard's filter state from its URL parameters — pure, so the server (rendering) and the
 * browser (deciding which panels a filter change touches) read the URL the same way.
 */
import type { FilterKey } from './defs';
import { last12Months, monthStartMinus, resolvePeriod } from './periods';

export interface Filters {
  from: string;
  to: string;
  values: Partial<Record<FilterKey, string[]>>;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The filters of a dashboard from the URL; the period defaults to the last twelve complete months.
 * A relative period (`period=this-year`, as saved views keep it) is resolved at the Datenstand and
 * goes before dates.
 */
export function parseFilters(params: Record<string, string | string[] | undefined>, def: { filters: readonly FilterKey[] }, dataAsOf: string | null): Filters {
  const one = (k: string) => (Array.isArray(params[k]) ? params[k]![0] : params[k]) as string | undefined;
  const preset = last12Months(dataAsOf ?? new Date().toISOString());
  const relative = resolvePeriod(one('period'), dataAsOf);
  const to = relative ? relative.to : one('to') && ISO.test(one('to')!) ? one('to')! : preset.to;
  const from = relative ? relative.from : one('from') && ISO.test(one('from')!) && one('from')! <= to ? one('from')! : one('to') ? monthStartMinus(to, 11) : preset.from;
  const values: Filters['values'] = {};
  for (const k of def.filters) {
    const v = one(k);
    if (v) values[k] = v.split('|').filter(Boolean).slice(0, 50);
  }
  return { from, to, values };
}

/** The URL parameters of a filter state (for links: panel data, exports). */
export function filterParams(f: Filters): URLSearchParams {
  const q = new URLSearchParams({ from: f.from, to: f.to });
  for (const [k, v] of Object.entries(f.values)) if (v?.length) q.set(k, v.join('|'));
  return q;
}

/** What of a filter state a panel's figures depend on (see panelInputs): when it is the same, the panel stays. */
export function inputKey(f: Filters, inputs: readonly string[]): string {
  return JSON.stringify(inputs.map((k) => (k === 'from' ? f.from : k === 'to' ? f.to : (f.values[k as FilterKey] ?? []).join('|'))));
}
