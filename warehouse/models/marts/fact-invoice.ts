import { defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';

export default defineModel({
  name: 'fact_invoice',
  layer: 'fact',
  description: 'One row per invoice of a course provider that counts (not deleted), with the state and type or module of its course.',
  parents: [key('integ.provider', 'provider_id')],
  // state, type and module of its course (either programme), whether or not the course counts
  copies: [key('integ.course', 'course_id'), key('berd.course', 'course_id')],
  sql: `SELECT i.invoice_id, i.provider_id, i.program, i.course_id, i.period_month, CAST(i.amount_eur AS DECIMAL(12,2)) AS amount_eur, i.status,
               coalesce(CASE i.program WHEN 'integration' THEN ic.state_code ELSE bc.state_code END, pr.state_code) AS state_code,
               CASE WHEN i.program = 'integration' THEN ic.course_type END AS course_type,
               CASE WHEN i.program = 'vocational' THEN bc.module END AS module
          FROM clean_integ_invoice i
          JOIN clean_integ_provider pr ON pr.provider_id = i.provider_id
          -- plain equi-joins (a condition on the program inside ON would defeat the hash join)
          LEFT JOIN stg_integ_course ic ON ic.course_id = i.course_id
          LEFT JOIN stg_berd_course bc ON bc.course_id = i.course_id`,
  columns: {
    invoice_id: 'source key',
    provider_id: 'the provider',
    program: 'integration or vocational',
    course_id: 'an integration or a vocational course, by program',
    period_month: 'first day of the billed month',
    amount_eur: 'amount in euro',
    status: 'submitted, approved, paid, rejected',
    state_code: "the course's state (else the provider's)",
    course_type: 'type of the integration course',
    module: 'module of the vocational course',
  },
  tests: [
    unique('invoice_id'),
    notNull('invoice_id', 'provider_id', 'program', 'period_month', 'amount_eur', 'status', 'state_code'),
    references('provider_id', 'dim_provider'),
    inCodeList('program', 'program'),
    inCodeList('status', 'invoice_status'),
    expression('amount_eur >= 0', 'amount not negative'),
    expression('day(period_month) = 1', 'period is the first day of a month'),
  ],
});
