/**
 * query({metrics, by, filters, from, to}, access): the one query path of FIS. Dashboards,
 * reports, exports, the CLI and the HTTP API all call it. It validates the question, checks the
 * user may see every metric's domain, compiles (compile.ts), runs against the current snapshot,
 * merges the metric groups, computes rates, and applies disclosure control after aggregation.
 */
import { isIsoDate } from '../../platform/dates';
import { metrics } from '../../platform/metrics';
import { UserError } from '../../platform/errors';
import { keptPromise, processWide } from '../../platform/process-wide';
import type { Duck } from '../duckdb';
import type { SnapshotInfo, SnapshotSource } from '../snapshots';
import { DIMENSIONS, TIME_PATTERN, dimension, isTime, type Lang } from './dimensions';
import { compileAnswer, planAggregates, planPending, type DataEnd, type GroupPlan } from './compile';
import { answerCache } from './answer-cache';
import { disclosureInfo, keyColumn, type DisclosureInfo, type DisclosureMethod } from './disclosure';
import { ROLLUPS } from './rollups';
import { metric, type Domain, type MetricDef } from './metrics';
import { CONDITION_FIELDS, type Access, type MetricQuery, type QueryResult, type RowCondition } from './types';

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

/** The values of every non-time dimension in a snapshot, in code-list order (value → position), kept per snapshot. */
const valueCache = processWide('query:values', () => new Map<string, Promise<Map<string, number> | undefined>>());

function allowedValues(duck: Duck, snapshot: string, dim: string): Promise<Map<string, number> | undefined> {
  return keptPromise(valueCache, `${snapshot}\u0000${dim}`, async () => {
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
    return new Map(values.map((v, i) => [v, i]));
  }, 200);
}

/** Whether a snapshot's facts carry record keys (snapshots built before the cell-key method do not), kept per snapshot. */
const recordKeys = processWide('query:record-keys', () => new Map<string, Promise<boolean>>());
const hasRecordKeys = (duck: Duck, snapshot: string): Promise<boolean> =>
  keptPromise(recordKeys, snapshot, () => duck.all<{ n: number }>(`SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'agg_decisions_month' AND column_name = 'record_keys'`).then((r) => Number(r[0]?.n) > 0), 20);

/** The last day with data of every fact a rollup summarises, kept per snapshot (see DataEnd). */
const dataEndCache = processWide('query:data-end', () => new Map<string, Promise<DataEnd>>());
const dataEndOf = (duck: Duck, snapshot: string): Promise<DataEnd> =>
  keptPromise(dataEndCache, snapshot, async () => {
    const out: Record<string, string | undefined> = {};
    for (const r of ROLLUPS) {
      const [row] = await duck.all<{ d: string | null }>(`SELECT CAST(max(${r.date}) AS VARCHAR) AS d FROM ${r.fact}`);
      out[r.fact] = row?.d ?? undefined;
    }
    return out;
  }, 4);

/**
 * A negated part of a row condition (from a `cannot` rule) that names a field the metric lacks:
 * compiled, its leaf would be FALSE and the NOT around it TRUE — the rule would silently admit
 * every row. Such a metric is refused instead; this finds the first such rule.
 */
function unappliableNegation(c: RowCondition, m: MetricDef, negated = false, rule?: string): string | undefined {
  switch (c.op) {
    case 'true':
    case 'false':
      return undefined;
    case 'and':
    case 'or':
      for (const x of c.conditions) {
        const hit = unappliableNegation(x, m, negated, rule);
        if (hit) return hit;
      }
      return undefined;
    case 'not':
      return unappliableNegation(c.condition, m, !negated, c.rule ?? rule);
    default: {
      const dim = CONDITION_FIELDS[c.field];
      return negated && (!dim || !(dim in m.dimensions)) ? (rule ?? `a rule on ${c.field}`) : undefined;
    }
  }
}

/**
 * May these rights use this metric, and on which rows? The one decision, for every surface: the
 * query path refuses with its sentence, dashboards leave the metric out, the role preview shows it.
 */
export function metricAccess(access: Access, m: MetricDef): { rows: RowCondition } | { refused: string } {
  if (access.metricAllowed && !access.metricAllowed(m.name)) return { refused: `You may not use the metric "${m.name}".` };
  const rows = access.domains[m.domain];
  if (!rows) return { refused: `You may not see ${DOMAIN_LABEL[m.domain]} (metric "${m.name}").` };
  const rule = unappliableNegation(rows, m);
  if (rule) return { refused: `Your rights contain the rule "${rule}", which cannot be applied to the metric "${m.name}" (it has no such field); the metric is refused.` };
  return { rows };
}

/** Whether the rights allow the metric at all (by name; unknown metrics are not allowed). */
export const mayUseMetric = (access: Access, name: string): boolean => {
  const m = metric(name);
  return !!m && 'rows' in metricAccess(access, m);
};

/** The row condition for a metric, or a 403 with the reason. */
function restrictionFor(access: Access, m: MetricDef): RowCondition {
  const a = metricAccess(access, m);
  if ('refused' in a) throw new ForbiddenError(a.refused);
  return a.rows;
}

export interface QueryOptions {
  useRollups?: boolean;
  maxRows?: number;
  /** false: ask the warehouse even if the answer is cached (benchmarks, the uncached oracle in tests) */
  cache?: boolean;
}

export interface PlannedQuery {
  defs: MetricDef[];
  sql: string;
  parameters: readonly unknown[];
  /** Output columns in order: the dimensions, then the metrics (SQL names d0…, m0…). */
  columns: string[];
  /** the tables that answer: facts, or rollups (agg_…) */
  sources: string[];
  /** the disclosure control applied (named in the answer) */
  disclosure: DisclosureInfo;
}

/** The method of these rights (cell-key unless an installation chose threshold suppression). */
export const accessMethod = (access: Access): DisclosureMethod => access.disclosure ?? 'cell-key';

/** The disclosure control these rights get for these metrics: none when every one is unrestricted for them. */
export function disclosureFor(access: Access, metrics: readonly string[]): 'none' | DisclosureMethod {
  return metrics.some((n) => {
    const m = metric(n);
    return !!m && m.suppress && !access.unsuppressed[m.domain];
  })
    ? accessMethod(access)
    : 'none';
}

/**
 * Validates a question against the snapshot and the user's rights and compiles its answer: one
 * statement, rights ANDed in before aggregation, disclosure control after. Everything that
 * answers questions — JSON, CSV streams, Parquet — runs this statement.
 */
export async function planQuery(duck: Duck, info: SnapshotInfo, q: MetricQuery, access: Access, opts: QueryOptions & { orderBy?: boolean; limit?: number } = {}): Promise<PlannedQuery> {
  const defs = validateQuery(q);
  for (const m of defs) restrictionFor(access, m);
  for (const [d, values] of Object.entries(q.filters)) {
    const allowed = await allowedValues(duck, info.id, d);
    if (!allowed) continue;
    for (const v of values) if (!allowed.has(v)) throw new UserError(`Unknown value "${clip(v)}" for the filter "${d}".`);
  }
  const referenceDay = (info.dataAsOf ?? new Date().toISOString()).slice(0, 10);
  const protect = (m: MetricDef) => m.suppress && !access.unsuppressed[m.domain];
  const method = accessMethod(access);
  // under the cell-key method the protected metrics' cells carry the sum of their record keys
  const keyed = (m: MetricDef) => method === 'cell-key' && protect(m) && keyColumn(m) !== undefined;
  if (defs.some(keyed) && !(await hasRecordKeys(duck, info.id))) {
    // fail closed: no cell key, no answer (threshold suppression would not withstand differencing)
    throw new UserError('The current warehouse snapshot was built before the cell-key method; the next ETL run ("fis etl run") rebuilds it.', { httpStatus: 503 });
  }
  const plans: GroupPlan[] = [
    ...planAggregates(q, defs.filter((m) => m.measure.kind !== 'pending'), (m) => restrictionFor(access, m), opts.useRollups ?? true, (opts.useRollups ?? true) ? await dataEndOf(duck, info.id) : {}, keyed),
    ...defs.filter((m) => m.measure.kind === 'pending').map((m) => planPending(q, m, restrictionFor(access, m), referenceDay, keyed(m))),
  ];
  const c = compileAnswer(q, defs, plans, {
    protect,
    method,
    suppressBelow: access.suppressBelow,
    orderBy: opts.orderBy,
    limit: opts.limit,
  });
  return { defs, sql: c.sql, parameters: c.parameters, columns: [...q.by, ...q.metrics], sources: plans.map((p) => p.source), disclosure: disclosureInfo(defs.some(protect) ? method : 'none', access.suppressBelow) };
}

export async function runQuery(reader: SnapshotSource, q: MetricQuery, access: Access, opts: QueryOptions = {}): Promise<QueryResult> {
  const maxRows = opts.maxRows ?? LIMITS.rows;
  return reader.use(async (duck, info) => {
    const plan = await planQuery(duck, info, q, access, { ...opts, limit: maxRows + 1 });
    const disclosure = plan.disclosure.method === 'none' ? 'unrestricted' : plan.disclosure.method;
    let computed = opts.cache === false;
    const result =
      opts.cache === false
        ? await answer(duck, info, q, plan, maxRows)
        : await answerCache.get(info.id, answerKey(plan, access, maxRows), () => {
            computed = true;
            return answer(duck, info, q, plan, maxRows);
          });
    metrics().answers.inc({ disclosure, cache: computed ? 'miss' : 'hit' });
    return result;
  });
}

/** The statement carries the row condition and disclosure control; the mode is named as well. */
const answerKey = (plan: PlannedQuery, access: Access, maxRows: number) =>
  `${JSON.stringify([access.unsuppressed, access.suppressBelow, plan.disclosure.method])}\u0000${maxRows}\u0000${JSON.stringify(plan.columns)}\u0000${plan.sql}\u0000${JSON.stringify(plan.parameters)}`;

/** Runs a planned question and shapes its answer: rows in the order of time and the code lists. */
async function answer(duck: Duck, info: SnapshotInfo, q: MetricQuery, plan: PlannedQuery, maxRows: number): Promise<QueryResult> {
  const timer = metrics().queryDuration.startTimer({ source: plan.sources.every((s) => s.startsWith('agg_')) ? 'rollups' : 'facts' });
  const t = await duck.table(plan.sql, plan.parameters).finally(() => timer());
  if (t.rows.length > maxRows) {
    throw new UserError(`The answer would have more than ${maxRows.toLocaleString('en-US')} rows; narrow the period or use fewer dimensions.`);
  }
  const sup = t.columns.indexOf('__suppressed');
  let suppressed = 0;
  const out = t.rows.map((r) => {
    suppressed += Number(r[sup] ?? 0);
    return r.slice(0, q.by.length + q.metrics.length) as Array<string | number | null>;
  });
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
  return { columns: plan.columns, rows: out, suppressed, disclosure: plan.disclosure, dataAsOf: info.dataAsOf, snapshot: info.id };
}

/** dimensionLabels, kept per snapshot (labels change only with a new snapshot); asked once however many pages want them at the same time. */
const labelCache = processWide('query:labels', () => new Map<string, Promise<Record<string, string>>>());
export const cachedLabels = (reader: SnapshotSource, dim: string, lang: Lang): Promise<Record<string, string>> =>
  keptPromise(labelCache, `${reader.info()?.id}:${dim}:${lang}`, () => dimensionLabels(reader, dim, lang), 500);

/** Code → label for the values of a dimension in the current snapshot (for the UI, never for answers). */
export async function dimensionLabels(reader: SnapshotSource, dim: string, lang: Lang): Promise<Record<string, string>> {
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
