/**
 * Rollups the compiler may answer from instead of a fact: monthly aggregates — per office with
 * every dimension of their metrics, and much smaller ones per state. Rights restrict on office or
 * state, so a restricted user's question needs a rollup with that column. Used only when the
 * question is month-aligned (or ends at the data's end) and needs nothing the rollup lacks, so
 * answers are identical.
 */
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

const asylum = { office: 'office_code', state: 'state_code', nationality: 'nationality_code', kind: 'kind', sex: 'sex', age_group: 'age_group', office_kind: 'office_kind' };

const decisionDims = { outcome: 'outcome', outcome_group: 'outcome_group', procedure_span: 'procedure_span', processing_time: 'processing_time' };
const decisionMetrics = ['decisions', 'decisions_positive', 'decisions_rejected', 'decisions_formal', 'decisions_substantive', 'processing_months_avg'];

/** Smallest first: the compiler takes the first that has every dimension a question needs. */
export const ROLLUPS: readonly RollupDef[] = [
  {
    table: 'agg_applications_state_month', fact: 'fact_application', date: 'received_on', month: 'month',
    dimensions: { state: 'state_code', kind: 'kind', sex: 'sex', age_group: 'age_group' }, count: 'applications', sums: {}, metrics: ['applications'],
  },
  {
    table: 'agg_decisions_state_month', fact: 'fact_decision', date: 'decided_on', month: 'month',
    dimensions: { state: 'state_code', kind: 'kind', ...decisionDims }, count: 'decisions', sums: { processing_days: 'processing_days' }, metrics: decisionMetrics,
  },
  {
    table: 'agg_applications_month', fact: 'fact_application', date: 'received_on', month: 'month', dimensions: asylum, count: 'applications', sums: {}, metrics: ['applications'],
  },
  {
    table: 'agg_decisions_month', fact: 'fact_decision', date: 'decided_on', month: 'month',
    dimensions: { ...asylum, ...decisionDims },
    count: 'decisions', sums: { processing_days: 'processing_days' },
    metrics: decisionMetrics,
  },
];
