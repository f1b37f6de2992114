/**
 * Rollups are declared once (warehouse/models/rollups): their SQL and what the compiler may answer
 * from them are derived from the same declaration, so a new measure is one change.
 */
import { describe, expect, it } from 'vitest';
import { defineRollup, rowCount, sumOf } from '../models/rollups';
import { ROLLUPS, conditionColumns, rollupDef } from './rollups';

describe('rollups, derived from their declaration', () => {
  it('tell the compiler which metrics and dimensions each answers, smallest first', () => {
    const decisions = ['decisions', 'decisions_positive', 'decisions_rejected', 'decisions_formal', 'decisions_substantive', 'processing_months_avg'];
    // every rollup sums the record keys of its rows (cell-key method)
    const keys = { record_key: 'record_keys' };
    expect(ROLLUPS.map((r) => [r.table, r.metrics, Object.keys(r.dimensions).sort(), r.count, r.sums])).toEqual([
      ['agg_applications_state_month', ['applications'], ['age_group', 'kind', 'sex', 'state'], 'applications', keys],
      ['agg_decisions_state_month', decisions, ['kind', 'outcome', 'outcome_group', 'procedure_span', 'processing_time', 'state'], 'decisions', { processing_days: 'processing_days', ...keys }],
      ['agg_applications_month', ['applications'], ['age_group', 'kind', 'nationality', 'office', 'office_kind', 'sex', 'state'], 'applications', keys],
      [
        'agg_decisions_month', decisions,
        ['age_group', 'kind', 'nationality', 'office', 'office_kind', 'outcome', 'outcome_group', 'procedure_span', 'processing_time', 'sex', 'state'],
        'decisions', { processing_days: 'processing_days', ...keys },
      ],
    ]);
  });

  it('read the columns of a metric condition, never inside a string', () => {
    expect(conditionColumns("outcome_group <> 'formal'")).toEqual(['outcome_group']);
    expect(conditionColumns("exam_type = 'lid' AND result = 'passed'")).toEqual(['exam_type', 'result']);
    expect(conditionColumns('first_enrolled_on IS NOT NULL')).toEqual(['first_enrolled_on']);
  });

  it('take a new measure in one place: the rollups summed from it, their columns and the compiler follow', () => {
    const fine = defineRollup({
      name: 'agg_test_month', description: 'test', fact: 'fact_decision', date: 'decided_on', dimensions: { office_code: 'office', state_code: 'state' },
      measures: { decisions: rowCount(), processing_days: sumOf('processing_days', 'sum of processing days'), record_keys: sumOf('record_key', 'sum of the record keys') },
    });
    const coarse = defineRollup({ name: 'agg_test_state_month', description: 'test', of: fine, dimensions: ['state_code'] });
    expect(fine.sql).toBe(
      "SELECT CAST(date_trunc('month', decided_on) AS DATE) AS month, office_code, state_code, count(*) AS decisions, CAST(sum(processing_days) AS BIGINT) AS processing_days, CAST(sum(record_key) AS BIGINT) AS record_keys FROM fact_decision GROUP BY ALL ORDER BY month, state_code, office_code",
    );
    expect(coarse.sql).toBe(
      'SELECT month, state_code, CAST(sum(decisions) AS BIGINT) AS decisions, CAST(sum(processing_days) AS BIGINT) AS processing_days, CAST(sum(record_keys) AS BIGINT) AS record_keys FROM agg_test_month GROUP BY ALL ORDER BY month, state_code',
    );
    expect(coarse.columns).toEqual({ month: 'first day of the month', state_code: 'state', decisions: 'count', processing_days: 'sum of processing days', record_keys: 'sum of the record keys' });
    expect(coarse.rollup!.measures.map((m) => m.column)).toEqual(['decisions', 'processing_days', 'record_keys']);
    expect(rollupDef(coarse.name, coarse.rollup!)).toMatchObject({ count: 'decisions', sums: { processing_days: 'processing_days', record_key: 'record_keys' }, dimensions: { state: 'state_code' } });
  });
});
