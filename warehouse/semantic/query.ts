/**
 * query({metrics, by, filters, from, to}, access): the one query path of FIS. Dashboards,
 * reports, exports, the CLI and the HTTP API all call it. It validates the question, checks the
 * user may see every metric's domain, compiles (compile.ts), runs against the current snapshot,
 * merges the metric groups, computes rates, and applies disclosure control after aggregation.
 */
import { isIsoDate } from '../../platform/dates';
import { UserError } from '../../platform/errors';
import type { Duck } from '../duckdb';
import type { SnapshotReader } from '../snapshots';
import { DIMENSIONS, TIME_PATTERN, dimension, isTime, type Lang } from './dimensions';
import { compileAggregates, compilePending, type CompiledGroup } from './compile';
import { metric, type Domain, type MetricDef } from './metrics';
import type { Access, MetricQuery, QueryResult, RowCondition } from './types';

export const LIMITS = { metrics: 20, by: 4, filterValues: 500, rows: 100_000 };

const DOMAIN_LABEL: Record<Domain, string> = { asylum: 'asylum data', integration: 'integration-course data', vocational: 'vocational-course data' };

export class ForbiddenError extends UserError {
  constructor(message: string) {
    super(message, { httpStatus: 403, exitCode: 4 });
  }
}

/** Structural checks that need no data: names, applicability, formats, sizes. */
export function validateQuery(q: MetricQuery): MetricDef[] {
  if (q.metrics.length === 0) throw new UserError('Name at least one metric.');
  if (q.metrics.length > LIMITS.metrics) throw new UserError(`Ask for at most ${LIMITS.metrics} metrics at once.`);
  if (q.by.length > LIMITS.by) throw new UserError(`Group by at most ${LIMITS.by} dimensions at once.`);
  const defs = q.metrics.map((name) => {
    const m = metric(name);
    if (!m) throw new UserError(`Unknown metric "${clip(name)}"; "fis query --list" shows the metric catalogue.`);
    return m;
  });
  if (new Set(q.metrics).size !== q.metrics.length) throw new UserError('A metric is named twice.');
  if (new Set(q.by).size !== q.by.length) throw new UserError('A dimension is named twice in "by".');
  const check = (d: string, where: string) => {
    if (!dimension(d)) throw new UserError(`Unknown dimension "${clip(d)}" in ${where}.`);
    for (const m of defs) {
      if (!isTime(d) && !(d in m.dimensions)) throw new UserError(`The dimension "${d}" does not apply to the metric "${m.name}".`);
    }
  };
  for (const d of q.by) check(d, '"by"');
  for (const [d, values] of Object.entries(q.filters)) {
    check(d, 'a filter');
    if (values.length === 0) throw new UserError(`The filter "${d}" has no values.`);
    if (values.length > LIMITS.filterValues) throw new UserError(`The filter "${d}" has more than ${LIMITS.filterValues} values.`);
    if (isTime(d)) for (const v of values) if (!TIME_PATTERN[d].test(v)) throw new UserError(`"${clip(v)}" is not a valid value for the filter "${d}".`);
  }
  for (const [k, v] of [['from', q.from], ['to', q.to]] as const) {
    if (v !== undefined && !isIsoDate(v)) throw new UserError(`"${k}" must be a date as YYYY-MM-DD, not "${clip(v)}".`);
  }
  if (q.from && q.to && q.from > q.to) throw new UserError('"from" lies after "to".');
  return defs;
}

const clip = (s: string) => (s.length > 40 ? s.slice(0, 40) + '…' : s);

/** The values of every non-time dimension in a snapshot, in code-list order (value → position), cached per snapshot. */
const valueCache = new Map<string, Map<string, Map<string, number>>>();

async function allowedValues(duck: Duck, snapshot: string, dim: string): Promise<Map<string, number> | undefined> {
  let perSnapshot = valueCache.get(snapshot);
  if (!perSnapshot) {
    valueCache.clear();
    perSnapshot = new Map();
    valueCache.set(snapshot, perSnapshot);
  }
  const cached = perSnapshot.get(dim);
  if (cached) return cached;
  const def = dimension(dim)!;
  let values: string[];
  switch (def.values.source) {
    case 'time':
      return undefined;
    case 'derived':
      values = def.values.codes.map((c) => c.code);
      break;
    case 'code':
      values = (await duck.all<{ c: string }>(`SELECT code AS c FROM dim_code WHERE dimension = $1 ORDER BY sort`, [def.values.codeDimension])).map((r) => r.c);
      break;
    case 'table':
      values = (await duck.all<{ c: string }>(`SELECT CAST(${def.values.key} AS VARCHAR) AS c FROM ${def.values.table} ORDER BY ${def.values.key}`)).map((r) => r.c);
      break;
  }
  const order = new Map(values.map((v, i) => [v, i]));
  perSnapshot.set(dim, order);
  return order;
}

/** The row condition for a metric, or a 403 when the user may not see its domain. */
function restrictionFor(access: Access, m: MetricDef): RowCondition {
  if (access.metricAllowed && !access.metricAllowed(m.name)) throw new ForbiddenError(`You may not use the metric "${m.name}".`);
  const c = access.domains[m.domain];
  if (!c) throw new ForbiddenError(`You may not see ${DOMAIN_LABEL[m.domain]} (metric "${m.name}").`);
  return c;
}

type Key = string;
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export interface QueryOptions {
  useRollups?: boolean;
  maxRows?: number;
}

export async function runQuery(reader: SnapshotReader, q: MetricQuery, access: Access, opts: QueryOptions = {}): Promise<QueryResult> {
  const defs = validateQuery(q);
  for (const m of defs) restrictionFor(access, m);
  return reader.use(async (duck, info) => {
    for (const [d, values] of Object.entries(q.filters)) {
      const allowed = await allowedValues(duck, info.id, d);
      if (!allowed) continue;
      for (const v of values) if (!allowed.has(v)) throw new UserError(`Unknown value "${clip(v)}" for the filter "${d}".`);
    }
    const referenceDay = (info.dataAsOf ?? new Date().toISOString()).slice(0, 10);
    const groups: CompiledGroup[] = [
      ...compileAggregates(q, defs.filter((m) => m.measure.kind !== 'pending'), (m) => restrictionFor(access, m), opts.useRollups ?? true),
      ...defs.filter((m) => m.measure.kind === 'pending').map((m) => compilePending(q, m, restrictionFor(access, m), referenceDay)),
    ];
    const maxRows = opts.maxRows ?? LIMITS.rows;
    const results = await Promise.all(
      groups.map(async (g) => {
        const t = await duck.table(`${g.sql} LIMIT ${maxRows + 1}`, g.parameters);
        if (t.rows.length > maxRows) {
          throw new UserError(`The answer would have more than ${maxRows.toLocaleString('en-US')} rows; narrow the period or use fewer dimensions.`);
        }
        return { g, t };
      }),
    );
    // merge the groups by their dimension values
    const rows = new Map<Key, { dims: Array<string | number | null>; values: Map<string, { v: number | null; n: number }> }>();
    for (const { g, t } of results) {
      const idx = (name: string) => t.columns.indexOf(name);
      for (const r of t.rows) {
        const dims = q.by.map((_, i) => r[idx(`d${i}`)] as string | number | null);
        const key = JSON.stringify(dims);
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { dims, values: new Map() }));
        for (const m of g.metrics) {
          row.values.set(m.name, { v: r[idx(`m_${m.name}`)] as number | null, n: Number(r[idx(`n_${m.name}`)] ?? 0) });
        }
      }
    }
    const suppressBelow = access.suppressBelow;
    let suppressed = 0;
    const out: Array<Array<string | number | null>> = [];
    for (const row of rows.values()) {
      const cells: Array<number | null> = [];
      for (const m of defs) {
        const protect = m.suppress && !access.unsuppressed[m.domain];
        const small = (n: number) => protect && n >= 1 && n < suppressBelow;
        let v: number | null;
        let hidden: boolean;
        if (m.measure.kind === 'ratio') {
          const num = row.values.get(m.measure.numerator);
          const den = row.values.get(m.measure.denominator);
          const d = den?.v ?? 0;
          v = d ? round(((num?.v ?? 0) / d) * 100, 4) : null;
          hidden = v !== null && small(den?.v ?? 0);
        } else {
          const cell = row.values.get(m.name);
          const base = cell?.v ?? (m.measure.kind === 'count' || m.measure.kind === 'sum' || m.measure.kind === 'pending' ? 0 : null);
          v = base === null ? null : m.format === 'count' ? Math.round(base) : round(base, m.format === 'eur' ? 2 : 4);
          hidden = v !== null && small(m.measure.kind === 'avg' || m.measure.kind === 'median' ? (cell?.n ?? 0) : Math.round(v));
        }
        if (hidden) {
          suppressed++;
          v = null;
        }
        cells.push(v);
      }
      out.push([...row.dims, ...cells]);
    }
    // chronological for time, code-list order for codes
    const orders = await Promise.all(q.by.map((d) => allowedValues(duck, info.id, d)));
    const rank = (i: number, v: string | number | null | undefined) => {
      if (v === null || v === undefined) return Number.MAX_SAFE_INTEGER;
      return orders[i]?.get(String(v)) ?? v;
    };
    out.sort((a, b) => {
      for (let i = 0; i < q.by.length; i++) {
        const x = rank(i, a[i]);
        const y = rank(i, b[i]);
        if (x === y) continue;
        return x < y ? -1 : 1;
      }
      return 0;
    });
    return { columns: [...q.by, ...q.metrics], rows: out, suppressed, dataAsOf: info.dataAsOf, snapshot: info.id };
  });
}

/** Code → label for the values of a dimension in the current snapshot (for the UI, never for answers). */
export async function dimensionLabels(reader: SnapshotReader, dim: string, lang: Lang): Promise<Record<string, string>> {
  const def = dimension(dim);
  if (!def) throw new UserError(`Unknown dimension "${clip(dim)}".`);
  const v = def.values;
  if (v.source === 'time') return {};
  if (v.source === 'derived') return Object.fromEntries(v.codes.map((c) => [c.code, c.label[lang]]));
  return reader.use(async (duck) => {
    const rows =
      v.source === 'code'
        ? await duck.all<{ c: string; l: string }>(`SELECT code AS c, ${lang === 'de' ? 'name_de' : 'name_en'} AS l FROM dim_code WHERE dimension = $1 ORDER BY sort`, [v.codeDimension])
        : await duck.all<{ c: string; l: string }>(`SELECT CAST(${v.key} AS VARCHAR) AS c, ${lang === 'de' ? v.labelDe : v.labelEn} AS l FROM ${v.table} ORDER BY 1`);
    return Object.fromEntries(rows.map((r) => [r.c, r.l]));
  });
}

export { DIMENSIONS };
