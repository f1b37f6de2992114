/**
 * Rollups: pre-aggregated tables the dashboards hit. Each keeps the dimensions a restricted user
 * can be limited by (office and state for asylum, state for courses), so rights still apply to them.
 * Stored in month order with plain DATE and BIGINT columns: a period then reads only its own row
 * groups (zone maps), and scans stay fast — unordered HUGEINT/TIMESTAMP columns were ten times slower.
 */
import { defineModel, notNull, type Model, type Rollup } from '../model';

/**
 * A rollup with the relation it aggregates and its measures: the incremental transform updates just
 * the groups whose rows changed (see warehouse/incremental.ts).
 */
function defineRollup({ from, measures, select, ...m }: Omit<Model, 'sql' | 'layer' | 'rollup'> & Rollup): Model {
  return defineModel({ ...m, layer: 'rollup', sql: select(from), rollup: { from, measures, select } });
}

const applicationsMonthly = defineRollup({
  name: 'agg_applications_month',
  description: 'Applications per month, office, nationality, kind, sex and age group.',
  from: 'fact_application',
  measures: ['applications'],
  select: (from) => `SELECT CAST(date_trunc('month', received_on) AS DATE) AS month, office_code, state_code, office_kind, nationality_code, kind, sex, age_group, count(*) AS applications
          FROM ${from} GROUP BY ALL ORDER BY month, state_code, office_code`,
  columns: { month: 'first day of the month', office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', kind: 'kind', sex: 'sex', age_group: 'age group at receipt', applications: 'count' },
  tests: [notNull('month', 'office_code', 'state_code', 'applications')],
});

const decisionsMonthly = defineRollup({
  name: 'agg_decisions_month',
  description: 'Decisions per month, office, nationality, outcome, kind, sex, age group and procedure span, with the sum of processing days.',
  from: 'fact_decision',
  measures: ['decisions', 'processing_days'],
  select: (from) => `SELECT CAST(date_trunc('month', decided_on) AS DATE) AS month, office_code, state_code, office_kind, nationality_code, outcome, outcome_group, kind, sex, age_group, procedure_span, processing_time,
               count(*) AS decisions, CAST(sum(processing_days) AS BIGINT) AS processing_days
          FROM ${from} GROUP BY ALL ORDER BY month, state_code, office_code`,
  columns: {
    month: 'first day of the month', office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', outcome: 'outcome', outcome_group: 'group',
    kind: 'kind', sex: 'sex', age_group: 'age group at decision', procedure_span: 'single or multi year', processing_time: 'class of the processing time', decisions: 'count', processing_days: 'sum of processing days',
  },
  tests: [notNull('month', 'office_code', 'state_code', 'decisions')],
});

// per state: a few ten thousand rows instead of millions — what most dashboard questions need
// (no office, no nationality); questions about offices or nationalities use the rollups above
const applicationsStateMonthly = defineRollup({
  name: 'agg_applications_state_month',
  description: 'Applications per month, state, kind, sex and age group.',
  from: 'agg_applications_month',
  measures: ['applications'],
  select: (from) => `SELECT month, state_code, kind, sex, age_group, CAST(sum(applications) AS BIGINT) AS applications FROM ${from} GROUP BY ALL ORDER BY month, state_code`,
  columns: { month: 'first day of the month', state_code: 'state of the office', kind: 'kind', sex: 'sex', age_group: 'age group at receipt', applications: 'count' },
  tests: [notNull('month', 'state_code', 'applications')],
});

const decisionsStateMonthly = defineRollup({
  name: 'agg_decisions_state_month',
  description: 'Decisions per month, state, outcome, kind, procedure span and class of processing time, with the sum of processing days.',
  from: 'agg_decisions_month',
  measures: ['decisions', 'processing_days'],
  select: (from) => `SELECT month, state_code, outcome, outcome_group, kind, procedure_span, processing_time, CAST(sum(decisions) AS BIGINT) AS decisions, CAST(sum(processing_days) AS BIGINT) AS processing_days
          FROM ${from} GROUP BY ALL ORDER BY month, state_code`,
  columns: {
    month: 'first day of the month', state_code: 'state of the office', outcome: 'outcome', outcome_group: 'group', kind: 'kind', procedure_span: 'single or multi year',
    processing_time: 'class of the processing time', decisions: 'count', processing_days: 'sum of processing days',
  },
  tests: [notNull('month', 'state_code', 'decisions')],
});

export const ROLLUPS: readonly Model[] = [applicationsMonthly, decisionsMonthly, applicationsStateMonthly, decisionsStateMonthly];
