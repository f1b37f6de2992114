/**
 * Turns the raw parameters of `fis query` and `GET /api/query` (the same names: metric, by,
 * filter as "dimension:v1|v2" or "dimension=v1|v2", from, to) into a MetricQuery. Sizes are
 * bounded before anything else, so oversized input gets a 400, never work.
 */
import { UserError } from '../../platform/errors';
import type { MetricQuery } from './types';

export interface RawQuery {
  metric?: string | string[];
  by?: string | string[];
  filter?: string | string[];
  from?: string;
  to?: string;
}

const MAX_PARAM = 4000;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((x) => x.split(','))
    .map((x) => x.trim())
    .filter(Boolean);

export function parseQuery(raw: RawQuery): MetricQuery {
  const all = [raw.metric, raw.by, raw.filter, raw.from, raw.to].flat().filter((x): x is string => typeof x === 'string');
  if (all.some((x) => x.length > MAX_PARAM) || all.join('').length > 4 * MAX_PARAM) throw new UserError('The request is too large.');
  const metrics = list(raw.metric);
  const by = list(raw.by);
  for (const n of [...metrics, ...by]) if (!NAME.test(n)) throw new UserError(`"${n.slice(0, 40)}" is not a valid metric or dimension name.`);
  const filters: Record<string, string[]> = {};
  for (const f of Array.isArray(raw.filter) ? raw.filter : raw.filter === undefined ? [] : [raw.filter]) {
    const m = /^([a-z][a-z0-9_]{0,63})[:=](.*)$/s.exec(f.trim());
    if (!m) throw new UserError(`A filter must look like dimension:value or dimension:value1|value2, not "${f.slice(0, 40)}".`);
    const values = m[2]!.split('|').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) throw new UserError(`The filter "${m[1]}" has no values.`);
    if (filters[m[1]!]) throw new UserError(`The filter "${m[1]}" is given twice; list its values with |.`);
    filters[m[1]!] = values;
  }
  const date = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return { metrics, by, filters, from: date(raw.from), to: date(raw.to) };
}
