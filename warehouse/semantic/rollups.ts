/**
 * Rollups the compiler may answer from instead of a fact: monthly aggregates — per office with
 * every dimension of their metrics, and much smaller ones per state. Rights restrict on office or
 * state, so a restricted user's question needs a rollup with that column. Used only when the
 * question is month-aligned (or ends at the data's end) and needs nothing the rollup lacks, so
 * answers are identical.
 *
 * Nothing here is declared by hand: each rollup is declared once with the models
 * (warehouse/models/rollups), and what it answers follows from that declaration and the metrics.
 */
import { MODELS } from '../models';
import type { Rollup } from '../models/model';
import { METRICS, type MetricDef } from './metrics';

export interface RollupDef {
  table: string;
  fact: string;
  /** the fact's date the rollup aggregates by month */
  date: string;
  /** the rollup's month column (first day of the month) */
  month: string;
  dimensions: Record<string, string>;
  /** the column holding the row count */
  count: string;
  /** fact expression → rollup column holding its sum */
  sums: Record<string, string>;
  metrics: string[];
}

const SQL_WORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'true', 'false']);

/** The columns a metric's row condition reads: its identifiers outside string literals, SQL words aside. */
export const conditionColumns = (condition: string): string[] =>
  (condition.replace(/'(?:[^']|'')*'/g, ' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).filter((w) => !SQL_WORDS.has(w.toLowerCase()));

/**
 * Whether the rollup holds what the metric aggregates: same fact and date, a count or a sum (or a
 * mean: sum ÷ count) of a column it sums, and a condition only on its grouping columns. Anything
 * else (medians, a condition on another column or a function) is answered from the fact.
 */
function answers(r: Rollup, m: MetricDef): boolean {
  const meas = m.measure;
  if (m.fact !== r.fact || m.date !== r.date) return false;
  if (meas.kind !== 'count' && meas.kind !== 'sum' && meas.kind !== 'avg') return false;
  if (meas.kind !== 'count' && !r.measures.some((x) => x.kind === 'sum' && x.of === meas.expr)) return false;
  return conditionColumns(meas.where ?? '').every((c) => r.dimensions.includes(c));
}

export function rollupDef(table: string, r: Rollup): RollupDef {
  const metrics = METRICS.filter((m) => answers(r, m));
  // the metrics' dimensions whose column the rollup keeps (same name as in the fact)
  const dimensions: Record<string, string> = {};
  for (const m of metrics) {
    for (const [d, column] of Object.entries(m.dimensions)) {
      if (!r.dimensions.includes(column)) continue;
      if (dimensions[d] !== undefined && dimensions[d] !== column) throw new Error(`${table}: the metrics map the dimension ${d} to ${dimensions[d]} and ${column}`);
      dimensions[d] = column;
    }
  }
  const sums = Object.fromEntries(r.measures.flatMap((x) => (x.kind === 'sum' ? [[x.of, x.column]] : [])));
  return { table, fact: r.fact, date: r.date, month: r.month, dimensions, count: r.measures[0]!.column, sums, metrics: metrics.map((m) => m.name) };
}

/** Smallest first (fewest dimensions): the compiler takes the first that has every dimension a question needs. */
export const ROLLUPS: readonly RollupDef[] = MODELS.flatMap((m) => (m.rollup ? [{ def: rollupDef(m.name, m.rollup), size: m.rollup.dimensions.length }] : []))
  .sort((a, b) => a.size - b.size)
  .map((x) => x.def);
