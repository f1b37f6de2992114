/**
 * Statistical disclosure control after aggregation, for users without the unsuppressed right.
 *
 * The cell-key method (default, FIS_DISCLOSURE=cell-key): every count a restricted user sees is
 * the true count plus noise looked up in the perturbation table (reference/ptable) by the count and
 * the cell's key — the fractional part of the sum of the record keys of the rows behind the cell
 * (warehouse/record-keys.ts). The same rows always get the same noise, so asking again, or the same
 * cell through another question, gives the same value: averaging repeated questions learns nothing,
 * and differences of two answers (a total minus its parts, a complement metric, two consecutive
 * days) carry the noise of both. Totals are cells of their own, perturbed on their own. Rates come
 * from perturbed numerator and denominator; means and medians are shown only where the perturbed
 * count reaches FIS_SUPPRESSION_MIN.
 *
 * Threshold suppression (FIS_DISCLOSURE=threshold) withholds counts from 1 to FIS_SUPPRESSION_MIN − 1
 * — kept for authorities that must, but it does not withstand differencing.
 *
 * Per metric (the metric catalogue says it too): counts of people and cases are perturbed;
 * `course_participants` (a sum of enrolments) is perturbed with the enrolments' keys; seats
 * (`course_capacity`) and amounts in euro count no people and are shown exactly.
 */
import { loadPtable, ptableLimit, type Ptable } from './ptable';
import type { MetricDef } from './metrics';
import { RECORD_KEY_SCALE } from '../record-keys';

export type DisclosureMethod = 'cell-key' | 'threshold';

export interface DisclosureInfo {
  method: 'none' | DisclosureMethod;
  parameters?: Record<string, number | string>;
}

/** Sums of fact columns that count people, and the column summing those people's record keys. */
const SUM_KEYS: Record<string, string> = { participants: 'participant_keys' };

/** The fact column whose sum over a cell's rows is the cell's key — undefined where nothing is perturbed. */
export function keyColumn(m: MetricDef): string | undefined {
  if (!m.suppress) return undefined;
  switch (m.measure.kind) {
    case 'count':
    case 'avg':
    case 'median':
    case 'pending':
      return 'record_key';
    case 'sum':
      return SUM_KEYS[m.measure.expr];
    default:
      return undefined;
  }
}

export const PTABLE: Ptable = loadPtable();

/** What the answer says about the method (never which cells were perturbed or by how much). */
export function disclosureInfo(method: 'none' | DisclosureMethod, suppressBelow: number): DisclosureInfo {
  if (method === 'none') return { method };
  if (method === 'threshold') return { method, parameters: { min: suppressBelow } };
  const { D, V, js } = PTABLE.params;
  return { method, parameters: { maxDeviation: D, variance: V, noSmallValuesUpTo: js, meansAndRatesFrom: suppressBelow } };
}

/**
 * The noise for a count `n` (SQL, ≥ 0) with the summed record keys `k` (SQL, BIGINT) as one SQL
 * expression — the perturbation table inlined as a CASE, no join: the cell key is k mod 2^31 ÷ 2^31.
 */
export function noiseSql(n: string, k: string): string {
  const limit = ptableLimit(PTABLE.params.D, PTABLE.params.js);
  const ck = `(CAST((${k}) % ${RECORD_KEY_SCALE} AS DOUBLE) / ${RECORD_KEY_SCALE})`;
  const rows = PTABLE.rows
    .filter((r) => r.entries.some((e) => e.j !== 0))
    .map((r) => {
      const entries = r.entries.filter((e) => e.p > 0);
      // e0: a DOUBLE literal, as the key is (a bare decimal would be DECIMAL)
      const branches = entries.slice(0, -1).map((e) => `WHEN ${ck} < ${e.upper}e0 THEN ${e.j}`);
      return `WHEN ${r.i === limit ? `${n} >= ${limit}` : `${n} = ${r.i}`} THEN (CASE ${branches.join(' ')} ELSE ${entries.at(-1)!.j} END)`;
    });
  return `(CASE ${rows.join(' ')} ELSE 0 END)`;
}

/** A perturbed count: n + its noise (n = 0 stays 0). */
export const perturbedSql = (n: string, k: string) => `(${n} + ${noiseSql(n, k)})`;
