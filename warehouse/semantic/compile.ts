/**
 * The metric compiler: the only code that writes aggregate SQL. A query's metrics are grouped by
 * fact and date; each group becomes one SELECT with one aggregate per base metric (FILTER clauses
 * for their conditions), the filters and the user's row restriction ANDed into WHERE before
 * aggregation. Pending is a stock: a cumulative sum of receipts minus decisions per period, or a
 * plain count at one reference day. Rollups answer when they hold every dimension asked for.
 */
import { sql, type RawBuilder } from 'kysely';
import { UserError } from '../../platform/errors';
import { compiler } from '../kysely-duckdb';
import { isTime, monthsBucketSql, timeCode, type TimeDimension } from './dimensions';
import { baseMetrics, metric, type MetricDef } from './metrics';
import { ROLLUPS, type RollupDef } from './rollups';
import { keyColumn, perturbedSql, type DisclosureMethod } from './disclosure';
import { CONDITION_FIELDS, type MetricQuery, type RowCondition } from './types';

export interface GroupPlan {
  /** The base metrics this query computes, as columns m_<name> (value) and n_<name> (count of rows), beside d0 … dn. */
  metrics: MetricDef[];
  query: RawBuilder<unknown>;
  /** Which table answers: the fact or a rollup. */
  source: string;
}

const raw = (s: string) => sql.raw(s);
const lit = (v: string | number) => sql`${v}`;

/** SQL for a row condition over a metric's columns; fails closed on anything it cannot map. */
export function conditionSql(c: RowCondition, m: MetricDef, columns: Record<string, string> = m.dimensions): RawBuilder<unknown> {
  switch (c.op) {
    case 'true':
      return sql`TRUE`;
    case 'false':
      return sql`FALSE`;
    case 'and':
    case 'or':
      if (c.conditions.length === 0) return c.op === 'and' ? sql`TRUE` : sql`FALSE`;
      return sql`(${sql.join(c.conditions.map((x) => conditionSql(x, m, columns)), raw(c.op === 'and' ? ' AND ' : ' OR '))})`;
    case 'not':
      return sql`(NOT ${conditionSql(c.condition, m, columns)})`;
    default: {
      const dim = CONDITION_FIELDS[c.field];
      const col = dim ? columns[dim] : undefined;
      // a restriction that cannot be applied denies: never "all rows"
      if (!col) return sql`FALSE`;
      const ref = raw(col);
      switch (c.op) {
        case 'in':
          return c.value.length ? sql`(${ref} IN (${sql.join(c.value.map(lit))}))` : sql`FALSE`;
        case 'nin':
          return c.value.length ? sql`(${ref} IS NULL OR ${ref} NOT IN (${sql.join(c.value.map(lit))}))` : sql`TRUE`;
        case 'eq':
          return sql`(${ref} = ${c.value})`;
        case 'ne':
          return sql`(${ref} IS NULL OR ${ref} <> ${c.value})`;
        case 'lt':
          return sql`(${ref} < ${c.value})`;
        case 'lte':
          return sql`(${ref} <= ${c.value})`;
        case 'gt':
          return sql`(${ref} > ${c.value})`;
        case 'gte':
          return sql`(${ref} >= ${c.value})`;
      }
    }
  }
  return sql`FALSE`;
}

function dimensionSql(dim: string, m: MetricDef, date: string, columns: Record<string, string>): RawBuilder<unknown> {
  if (isTime(dim)) return raw(timeCode(dim, date));
  const col = columns[dim];
  if (!col) throw new UserError(`The dimension "${dim}" does not apply to the metric "${m.name}".`);
  return raw(col);
}

function filterSql(dim: string, values: string[], m: MetricDef, date: string, columns: Record<string, string>): RawBuilder<unknown> {
  const expr = dimensionSql(dim, m, date, columns);
  const vals = dim === 'year' ? values.map(Number) : values;
  return sql`(${expr} IN (${sql.join(vals.map(lit))}))`;
}

function dateRange(q: MetricQuery, date: RawBuilder<unknown>): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = [];
  if (q.from) out.push(sql`${date} >= CAST(${q.from} AS DATE)`);
  if (q.to) out.push(sql`${date} <= CAST(${q.to} AS DATE)`);
  return out;
}

const where = (conds: RawBuilder<unknown>[]) => (conds.length ? sql`WHERE ${sql.join(conds, raw(' AND '))}` : sql``);

function aggregates(m: MetricDef, rollup: RollupDef | undefined, withKeys: boolean): RawBuilder<unknown>[] {
  const meas = m.measure;
  if (meas.kind === 'ratio' || meas.kind === 'pending') throw new Error(`${m.name} is not a base metric`);
  const filter = 'where' in meas && meas.where ? raw(` FILTER (WHERE ${meas.where})`) : raw('');
  const n = rollup ? sql`coalesce(sum(${raw(rollup.count)})${filter}, 0)` : sql`count(*)${filter}`;
  let value: RawBuilder<unknown>;
  switch (meas.kind) {
    case 'count':
      value = n;
      break;
    case 'sum':
      value = rollup ? sql`coalesce(sum(${raw(rollup.sums[meas.expr]!)})${filter}, 0)` : sql`coalesce(sum(${raw(meas.expr)})${filter}, 0)`;
      break;
    case 'avg':
      value = rollup
        ? sql`sum(${raw(rollup.sums[meas.expr]!)})${filter} / nullif(sum(${raw(rollup.count)})${filter}, 0) / ${raw(String(meas.divisor))}`
        : sql`avg(${raw(meas.expr)})${filter} / ${raw(String(meas.divisor))}`;
      break;
    case 'median':
      value = sql`quantile_cont(${raw(meas.expr)}, 0.5)${filter} / ${raw(String(meas.divisor))}`;
      break;
  }
  const out = [sql`CAST(${value} AS DOUBLE) AS ${sql.ref(`m_${m.name}`)}`, sql`CAST(${n} AS BIGINT) AS ${sql.ref(`n_${m.name}`)}`];
  // the sum of the record keys of the rows behind the cell: its cell key (cell-key method)
  const key = withKeys ? keyColumn(m) : undefined;
  if (key) out.push(sql`CAST(coalesce(sum(${raw(rollup ? rollup.sums[key]! : key)})${filter}, 0) AS BIGINT) AS ${sql.ref(`k_${m.name}`)}`);
  return out;
}

const monthStart = (d: string) => d.endsWith('-01');
const monthEnd = (d: string) => {
  const t = new Date(d + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + 1);
  return t.getUTCDate() === 1;
};

function conditionFields(c: RowCondition | undefined, out = new Set<string>()): Set<string> {
  if (!c) return out;
  if (c.op === 'and' || c.op === 'or') c.conditions.forEach((x) => conditionFields(x, out));
  else if (c.op === 'not') conditionFields(c.condition, out);
  else if ('field' in c) out.add(CONDITION_FIELDS[c.field] ?? c.field);
  return out;
}

/** A rollup that can answer the whole group exactly, if any. */
/**
 * The last day with data per fact table of a snapshot (fact → YYYY-MM-DD). A period ending on or
 * after it ends, for that fact, as if at the end of its month: a rollup's last month then holds
 * exactly the rows up to the period's end — so "the last 12 months until the data-as-of day" is
 * answered from the rollups too, with identical figures.
 */
export type DataEnd = Readonly<Record<string, string | undefined>>;

function pickRollup(group: MetricDef[], q: MetricQuery, restriction: RowCondition | undefined, dataEnd: DataEnd, withKeys: boolean): RollupDef | undefined {
  if (q.by.includes('day') || 'day' in q.filters) return undefined;
  if (q.from && !monthStart(q.from)) return undefined;
  const dims = new Set([...q.by, ...Object.keys(q.filters), ...conditionFields(restriction)].filter((d) => !isTime(d)));
  // the first (smallest) rollup that has every dimension asked for
  return ROLLUPS.find((r) => {
    if (!group.every((m) => r.metrics.includes(m.name) && r.fact === m.fact && r.date === m.date)) return false;
    if (withKeys && group.some((m) => keyColumn(m) && !r.sums[keyColumn(m)!])) return false;
    if (q.to && !monthEnd(q.to) && !(dataEnd[r.fact] !== undefined && q.to >= dataEnd[r.fact]!)) return false;
    return [...dims].every((d) => d in r.dimensions);
  });
}

/** One query per (fact, date) group of the base metrics of `metrics`. */
export function planAggregates(
  q: MetricQuery,
  metrics: MetricDef[],
  restriction: (m: MetricDef) => RowCondition,
  useRollups = true,
  dataEnd: DataEnd = {},
  /** the metrics whose cells get their keys (perturbed for this user) */
  withKeys: (m: MetricDef) => boolean = () => false,
): GroupPlan[] {
  const groups = new Map<string, MetricDef[]>();
  for (const m of metrics.flatMap(baseMetrics)) {
    const key = `${m.fact}|${m.date}`;
    const g = groups.get(key) ?? [];
    if (!g.some((x) => x.name === m.name)) g.push(m);
    groups.set(key, g);
  }
  const out: GroupPlan[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const rowRestriction = restriction(first);
    const keyed = group.some(withKeys);
    const rollup = useRollups ? pickRollup(group, q, rowRestriction, dataEnd, keyed) : undefined;
    const columns = rollup ? rollup.dimensions : first.dimensions;
    const date = rollup ? rollup.month : first.date;
    const dims = q.by.map((d, i) => sql`${dimensionSql(d, first, date, columns)} AS ${sql.ref(`d${i}`)}`);
    const conds: RawBuilder<unknown>[] = [
      // a row counts for a metric only on its own date (participants never enrolled have no first enrolment)
      sql`${raw(date)} IS NOT NULL`,
      ...(rollup
        ? [
            ...(q.from ? [sql`${raw(date)} >= CAST(${q.from} AS DATE)`] : []),
            ...(q.to ? [sql`${raw(date)} <= CAST(${q.to} AS DATE)`] : []),
          ]
        : dateRange(q, raw(first.date))),
      ...Object.entries(q.filters).map(([d, v]) => filterSql(d, v, first, date, columns)),
      conditionSql(rowRestriction, first, columns),
    ];
    const select = [...dims, ...group.flatMap((m) => aggregates(m, rollup, withKeys(m)))];
    const groupBy = q.by.length ? sql`GROUP BY ${sql.join(q.by.map((_, i) => sql.ref(`d${i}`)))}` : sql``;
    const query = sql`SELECT ${sql.join(select)} FROM ${raw(rollup ? rollup.table : first.fact)} ${where(conds)} ${groupBy}`;
    out.push({ metrics: group, query, source: rollup ? rollup.table : first.fact });
  }
  return out;
}

const PERIOD_TRUNC: Record<TimeDimension, string> = { day: 'day', month: 'month', quarter: 'quarter', year: 'year' };
const PERIOD_STEP: Record<TimeDimension, string> = { day: '1 day', month: '1 month', quarter: '3 months', year: '1 year' };

/**
 * Pending (architecture §4): received on or before the reference day, not deleted, no live decision on
 * or before it. With a time dimension, the reference day is the end of each period (the last one
 * cut at --to); without, it is --to. Stage and age of a case are taken on the reference day.
 */
export function planPending(q: MetricQuery, m: MetricDef, restriction: RowCondition, referenceDay: string, withKeys = false): GroupPlan {
  const timeDims = q.by.filter(isTime);
  if (timeDims.length > 1) throw new UserError('The metric "pending" takes at most one time dimension.');
  const grain = timeDims[0];
  const to = q.to ?? referenceDay;
  const cols = m.dimensions;
  const stageAt = (day: RawBuilder<unknown>) => sql`CASE WHEN first_held_on IS NOT NULL AND first_held_on <= ${day} THEN 'heard' ELSE 'awaiting_hearing' END`;
  const ageAt = (day: RawBuilder<unknown>) => raw(monthsBucketSql(`datediff('day', received_on, ${day.compile(compiler).sql})`));
  const columnsAt = (day: RawBuilder<unknown>): Record<string, string> => ({ ...cols, pending_stage: stageAt(day).compile(compiler).sql, pending_age: ageAt(day).compile(compiler).sql });
  const filterConds = (columns: Record<string, string>) => [
    ...Object.entries(q.filters).filter(([d]) => !isTime(d)).map(([d, v]) => filterSql(d, v, m, 'received_on', columns)),
    conditionSql(restriction, m, columns),
  ];

  if (!grain) {
    if (Object.keys(q.filters).some(isTime)) throw new UserError('Time filters on "pending" need a time dimension in --by; for one reference day use --to.');
    const day = sql`CAST(${to} AS DATE)`;
    // the reference day is bound once; the stage and age columns embed it as a literal
    const dayLit = raw(`DATE '${to}'`);
    const columns = columnsAt(dayLit);
    const dims = q.by.map((d, i) => sql`${raw(columns[d] ?? '')} AS ${sql.ref(`d${i}`)}`);
    for (const d of q.by) if (!columns[d]) throw new UserError(`The dimension "${d}" does not apply to the metric "pending".`);
    const conds = [sql`received_on <= ${day}`, sql`(decided_on IS NULL OR decided_on > ${day})`, ...filterConds(columns)];
    const groupBy = q.by.length ? sql`GROUP BY ${sql.join(q.by.map((_, i) => sql.ref(`d${i}`)))}` : sql``;
    const keyCol = withKeys ? [sql`CAST(coalesce(sum(record_key), 0) AS BIGINT) AS k_pending`] : [];
    const query = sql`SELECT ${sql.join([...dims, sql`CAST(count(*) AS DOUBLE) AS m_pending`, sql`count(*) AS n_pending`, ...keyCol])} FROM fact_application ${where(conds)} ${groupBy}`;
    return { metrics: [m], query, source: 'fact_application' };
  }

  if (q.by.includes('pending_age')) throw new UserError('The dimension "pending_age" cannot be combined with a time dimension.');
  for (const d of q.by) if (!isTime(d) && !cols[d] && d !== 'pending_stage') throw new UserError(`The dimension "${d}" does not apply to the metric "pending".`);
  // events: +1 on receipt, moves between stages on the first hearing, −1 on the decision
  const other = q.by.filter((d) => !isTime(d) && d !== 'pending_stage');
  const otherCols = other.map((d, i) => sql`${raw(cols[d]!)} AS ${sql.ref(`g${i}`)}`);
  const otherRefs = other.map((_, i) => sql.ref(`g${i}`));
  const trunc = raw(`'${PERIOD_TRUNC[grain]}'`);
  const stage = q.by.includes('pending_stage');
  const toDay = sql`CAST(${to} AS DATE)`;
  const base = filterConds(cols);
  const ev = (dateCol: string, delta: number, stageExpr: string, extra: RawBuilder<unknown>[]) =>
    sql`SELECT ${sql.join([...otherCols, sql`date_trunc(${trunc}, ${raw(dateCol)}) AS p`, sql`${raw(stageExpr)} AS s`, sql`${raw(String(delta))} * count(*) AS n`, sql`${raw(String(delta))} * coalesce(sum(record_key), 0) AS kk`])}
          FROM fact_application ${where([sql`${raw(dateCol)} <= ${toDay}`, ...extra, ...base])} GROUP BY ALL`;
  const events = stage
    ? sql.join(
        [
          ev('received_on', 1, `'awaiting_hearing'`, []),
          ev('first_held_on', -1, `'awaiting_hearing'`, [sql`(decided_on IS NULL OR first_held_on < decided_on)`]),
          ev('first_held_on', 1, `'heard'`, [sql`(decided_on IS NULL OR first_held_on < decided_on)`]),
          ev('decided_on', -1, `CASE WHEN first_held_on IS NOT NULL AND first_held_on < decided_on THEN 'heard' ELSE 'awaiting_hearing' END`, []),
        ],
        raw(' UNION ALL '),
      )
    : sql.join([ev('received_on', 1, `''`, []), ev('decided_on', -1, `''`, [])], raw(' UNION ALL '));
  const keys = [...otherRefs, sql.ref('s')];
  const fromDay = q.from ? sql`CAST(${q.from} AS DATE)` : sql`(SELECT min(received_on) FROM fact_application)`;
  const part = keys.length ? sql`PARTITION BY ${sql.join(keys)}` : sql``;
  const groupsJoin = keys.map((k) => sql`grid.${k} = cum.${k}`);
  const query = sql`
    WITH ev AS (${events}),
    per AS (SELECT ${sql.join([...keys, sql.ref('p'), sql`sum(n) AS delta`, sql`sum(kk) AS kdelta`])} FROM ev GROUP BY ALL),
    cum AS (SELECT ${sql.join([...keys, sql.ref('p'), sql`sum(delta) OVER (${part} ORDER BY p) AS stock`, sql`sum(kdelta) OVER (${part} ORDER BY p) AS kstock`])} FROM per),
    periods AS (SELECT CAST(p AS DATE) AS p FROM generate_series(date_trunc(${trunc}, ${fromDay}), date_trunc(${trunc}, ${toDay}), INTERVAL ${raw(`'${PERIOD_STEP[grain]}'`)}) t(p)),
    grps AS (SELECT DISTINCT ${sql.join(keys)} FROM per),
    grid AS (SELECT * FROM periods CROSS JOIN grps)
    SELECT ${sql.join([
      ...q.by.map((d, i) => (isTime(d) ? sql`${raw(timeCode(d, 'grid.p'))} AS ${sql.ref(`d${i}`)}` : d === 'pending_stage' ? sql`grid.s AS ${sql.ref(`d${i}`)}` : sql`grid.${sql.ref(`g${other.indexOf(d)}`)} AS ${sql.ref(`d${i}`)}`)),
      sql`CAST(coalesce(cum.stock, 0) AS DOUBLE) AS m_pending`,
      sql`CAST(coalesce(cum.stock, 0) AS BIGINT) AS n_pending`,
      ...(withKeys ? [sql`CAST(coalesce(cum.kstock, 0) AS BIGINT) AS k_pending`] : []),
    ])}
      FROM grid ASOF LEFT JOIN cum ON ${sql.join([...groupsJoin, sql`grid.p >= cum.p`], raw(' AND '))}
     ${where([
       sql`coalesce(cum.stock, 0) <> 0`,
       ...Object.entries(q.filters).filter(([d]) => isTime(d)).map(([d, v]) => filterSql(d, v, m, 'grid.p', cols)),
     ])}`;
  return { metrics: [m], query, source: 'fact_application' };
}

export interface AnswerOptions {
  /** metric name → whether disclosure control applies to it for this user */
  protect: (m: MetricDef) => boolean;
  /** how: counts perturbed (cell-key) or small counts withheld (threshold) */
  method: DisclosureMethod;
  suppressBelow: number;
  orderBy?: boolean;
  limit?: number;
}

/**
 * The whole answer as one statement: the groups joined on their dimensions, rates computed, and
 * disclosure control applied — so JSON answers, streamed CSV and Parquet exports all run exactly
 * the same SQL. Columns: d0 … dn, one per requested metric (named m0 … mk), and __suppressed (the
 * number of cells of the row withheld).
 */
export function compileAnswer(q: MetricQuery, defs: MetricDef[], plans: GroupPlan[], opts: AnswerOptions): { sql: string; parameters: readonly unknown[] } {
  const dimRefs = q.by.map((_, i) => sql.ref(`d${i}`));
  const keys = dimRefs.length
    ? sql.join(plans.map((_, gi) => sql`SELECT ${sql.join(dimRefs)} FROM ${sql.ref(`g${gi}`)}`), raw(' UNION '))
    : sql`SELECT 1 AS one`;
  const joins = plans.map((_, gi) =>
    dimRefs.length
      ? sql`LEFT JOIN ${sql.ref(`g${gi}`)} ON ${sql.join(q.by.map((__, i) => sql`${sql.ref(`g${gi}.d${i}`)} IS NOT DISTINCT FROM ${sql.ref(`k.d${i}`)}`), raw(' AND '))}`
      : sql`CROSS JOIN ${sql.ref(`g${gi}`)}`,
  );
  const groupOf = (name: string) => {
    const gi = plans.findIndex((p) => p.metrics.some((m) => m.name === name));
    if (gi < 0) throw new Error(`no group computes ${name}`);
    return gi;
  };
  const col = (name: string, kind: 'm' | 'n' | 'k') => sql.ref(`g${groupOf(name)}.${kind}_${name}`);
  const small = (n: RawBuilder<unknown>) => sql`(${n} >= 1 AND ${n} < ${raw(String(opts.suppressBelow))})`;
  const min = raw(String(opts.suppressBelow));
  /** a base metric's count, perturbed by its cell key (cell-key method) */
  const perturbed = (name: string, count: RawBuilder<unknown>) => {
    const n = count.compile(compiler);
    const k = col(name, 'k').compile(compiler);
    if (n.parameters.length || k.parameters.length) throw new Error('a perturbed count takes no parameters');
    return raw(perturbedSql(n.sql, `coalesce(${k.sql}, 0)`));
  };
  const cellKey = opts.method === 'cell-key';
  const cells: Array<{ value: RawBuilder<unknown>; hidden: RawBuilder<unknown> }> = defs.map((m) => {
    const protect = m.suppress && opts.protect(m);
    if (protect && cellKey) return perturbedCell(m);
    const meas = m.measure;
    let value: RawBuilder<unknown>;
    let n: RawBuilder<unknown>;
    if (meas.kind === 'ratio') {
      const num = sql`coalesce(${col(meas.numerator, 'm')}, 0)`;
      n = sql`coalesce(${col(meas.denominator, 'm')}, 0)`;
      value = sql`CASE WHEN ${n} = 0 THEN NULL ELSE round(${num} / ${n} * 100, 4) END`;
    } else if (meas.kind === 'avg' || meas.kind === 'median') {
      n = sql`coalesce(${col(m.name, 'n')}, 0)`;
      value = sql`round(${col(m.name, 'm')}, 4)`;
    } else {
      value = m.format === 'count' ? sql`CAST(round(coalesce(${col(m.name, 'm')}, 0)) AS BIGINT)` : sql`round(coalesce(${col(m.name, 'm')}, 0), ${raw(m.format === 'eur' ? '2' : '4')})`;
      n = value;
    }
    const hidden = protect ? sql`(${value} IS NOT NULL AND ${small(n)})` : sql`FALSE`;
    return { value: sql`CASE WHEN ${hidden} THEN NULL ELSE ${value} END`, hidden };
  });
  /**
   * Under the cell-key method: counts perturbed (never withheld); rates from perturbed numerator
   * and denominator, withheld where the perturbed denominator is below the minimum; means and
   * medians withheld where the perturbed count of their rows is below it.
   */
  function perturbedCell(m: MetricDef): { value: RawBuilder<unknown>; hidden: RawBuilder<unknown> } {
    const meas = m.measure;
    const countOf = (name: string) => {
      const base = metric(name)!;
      const c = sql`CAST(round(coalesce(${col(name, 'm')}, 0)) AS BIGINT)`;
      return keyColumn(base) ? perturbed(name, c) : c;
    };
    if (meas.kind === 'ratio') {
      const num = countOf(meas.numerator);
      const den = countOf(meas.denominator);
      const gated = keyColumn(metric(meas.denominator)!) !== undefined;
      const hidden = gated ? sql`(${den} < ${min} AND coalesce(${col(meas.denominator, 'm')}, 0) > 0)` : sql`FALSE`;
      const value = sql`CASE WHEN ${den} <= 0 THEN NULL ELSE round(least(greatest(${num}, 0) / ${den} * 100, 100), 4) END`;
      return { value: sql`CASE WHEN ${hidden} THEN NULL ELSE ${value} END`, hidden };
    }
    if (meas.kind === 'avg' || meas.kind === 'median') {
      const n = perturbed(m.name, sql`coalesce(${col(m.name, 'n')}, 0)`);
      const hidden = sql`(${col(m.name, 'm')} IS NOT NULL AND ${n} < ${min})`;
      return { value: sql`CASE WHEN ${hidden} THEN NULL ELSE round(${col(m.name, 'm')}, 4) END`, hidden };
    }
    if (!keyColumn(m)) return { value: sql`round(coalesce(${col(m.name, 'm')}, 0), ${raw(m.format === 'eur' ? '2' : '4')})`, hidden: sql`FALSE` };
    return { value: countOf(m.name), hidden: sql`FALSE` };
  }
  const select = [
    ...q.by.map((_, i) => sql`${sql.ref(`k.d${i}`)} AS ${sql.ref(`d${i}`)}`),
    ...cells.map((c, i) => sql`${c.value} AS ${sql.ref(`m${i}`)}`),
    sql`(${cells.length ? sql.join(cells.map((c) => sql`CASE WHEN ${c.hidden} THEN 1 ELSE 0 END`), raw(' + ')) : sql`0`}) AS __suppressed`,
  ];
  const ctes = plans.map((p, gi) => sql`${sql.ref(`g${gi}`)} AS (${p.query})`);
  const order = opts.orderBy && dimRefs.length ? sql`ORDER BY ${sql.join(q.by.map((_, i) => sql.ref(`d${i}`)))}` : sql``;
  const limit = opts.limit ? sql`LIMIT ${raw(String(opts.limit))}` : sql``;
  const c = sql`WITH ${sql.join(ctes)}, k AS (${keys}) SELECT ${sql.join(select)} FROM k ${sql.join(joins, raw(' '))} ${order} ${limit}`.compile(compiler);
  return { sql: c.sql, parameters: c.parameters };
}
