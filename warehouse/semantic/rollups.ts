/**
 * Rollups the compiler may answer from instead of a fact: monthly aggregates that keep every
 * dimension of their metrics, including the ones rights restrict on (office, state). Used only
 * when the question is month-aligned and needs nothing the rollup lacks, so answers are identical.
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

export const ROLLUPS: readonly RollupDef[] = [
  {
    table: 'agg_applications_month', fact: 'fact_application', date: 'received_on', month: 'month', dimensions: asylum, count: 'applications', sums: {}, metrics: ['applications'],
  },
  {
    table: 'agg_decisions_month', fact: 'fact_decision', date: 'decided_on', month: 'month',
    dimensions: { ...asylum, outcome: 'outcome', outcome_group: 'outcome_group', procedure_span: 'procedure_span', processing_time: 'processing_time' },
    count: 'decisions', sums: { processing_days: 'processing_days' },
    metrics: ['decisions', 'decisions_positive', 'decisions_rejected', 'decisions_formal', 'decisions_substantive', 'processing_months_avg'],
  },
];
