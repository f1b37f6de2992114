/**
 * Rollups: pre-aggregated tables the dashboards hit. Each keeps the dimensions a restricted user
 * can be limited by (office and state for asylum, state for courses), so rights still apply to them.
 */
import { defineModel, notNull, type Model } from '../model';

const applicationsMonthly = defineModel({
  name: 'agg_applications_month',
  layer: 'rollup',
  description: 'Applications per month, office, nationality, kind, sex and age group.',
  sql: `SELECT date_trunc('month', received_on) AS month, office_code, state_code, office_kind, nationality_code, kind, sex, age_group, count(*) AS applications
          FROM fact_application GROUP BY ALL`,
  columns: { month: 'first day of the month', office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', kind: 'kind', sex: 'sex', age_group: 'age group at receipt', applications: 'count' },
  tests: [notNull('month', 'office_code', 'state_code', 'applications')],
});

const decisionsMonthly = defineModel({
  name: 'agg_decisions_month',
  layer: 'rollup',
  description: 'Decisions per month, office, nationality, outcome, kind, sex, age group and procedure span, with the sum of processing days.',
  sql: `SELECT date_trunc('month', decided_on) AS month, office_code, state_code, office_kind, nationality_code, outcome, outcome_group, kind, sex, age_group, procedure_span, processing_time,
               count(*) AS decisions, sum(processing_days) AS processing_days
          FROM fact_decision GROUP BY ALL`,
  columns: {
    month: 'first day of the month', office_code: 'office', state_code: 'state of the office', office_kind: 'kind of office', nationality_code: 'nationality', outcome: 'outcome', outcome_group: 'group',
    kind: 'kind', sex: 'sex', age_group: 'age group at decision', procedure_span: 'single or multi year', processing_time: 'class of the processing time', decisions: 'count', processing_days: 'sum of processing days',
  },
  tests: [notNull('month', 'office_code', 'state_code', 'decisions')],
});

export const ROLLUPS: readonly Model[] = [applicationsMonthly, decisionsMonthly];
