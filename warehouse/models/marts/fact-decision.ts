import { monthsBucketSql } from '../buckets';
import { ageGroup, defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_decision',
  layer: 'fact',
  description: 'One row per decision that counts (not deleted, application not deleted, not quarantined), with processing time and outcome group.',
  parents: [key('asyl.application', 'application_id'), key('asyl.office', 'office_code')],
  sql: `SELECT d.decision_id, ${recordKeySql('asyl.decision', 'd.decision_id')} AS record_key, d.application_id, d.decided_on, d.outcome, g.group_code AS outcome_group,
               d.office_code, o.state_code, o.kind AS office_kind, a.nationality_code, a.kind, a.sex,
               ${ageGroup('a.birth_year', 'd.decided_on')} AS age_group,
               a.received_on, CAST(d.decided_on - a.received_on AS INTEGER) AS processing_days,
               CASE WHEN year(d.decided_on) = year(a.received_on) THEN 'single_year' ELSE 'multi_year' END AS procedure_span,
               ${monthsBucketSql('(d.decided_on - a.received_on)')} AS processing_time
          FROM clean_asyl_decision d
          JOIN clean_asyl_application a ON a.application_id = d.application_id
          JOIN clean_asyl_office o ON o.office_code = d.office_code
          JOIN dim_code g ON g.dimension = 'outcome' AND g.code = d.outcome`,
  columns: {
    decision_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    application_id: 'the application',
    decided_on: 'day of the decision',
    outcome: 'one of the nine outcomes',
    outcome_group: 'positive, rejected or formal',
    office_code: 'deciding office',
    office_kind: 'hq, branch or anker (AnKER facilities decide faster)',
    state_code: 'state of the deciding office',
    nationality_code: 'of the applicant',
    kind: 'of the application',
    sex: 'of the applicant',
    age_group: 'age group at the decision',
    received_on: 'receipt of the application',
    processing_days: 'decided_on − received_on in days',
    procedure_span: 'single_year when decided in the year of receipt, else multi_year',
    processing_time: 'class of the processing time: 0-3, 3-6, 6-12, 12-24, 24+ months',
  },
  tests: [
    unique('decision_id'),
    unique('application_id'),
    notNull('decision_id', 'application_id', 'decided_on', 'outcome', 'outcome_group', 'office_code', 'state_code', 'nationality_code', 'procedure_span'),
    references('application_id', 'fact_application'),
    references('office_code', 'dim_office'),
    references('nationality_code', 'dim_nationality'),
    inCodeList('outcome', 'outcome'),
    inCodeList('outcome_group', 'outcome_group'),
    expression('decided_on >= received_on', 'decided on or after receipt'),
    expression('processing_days >= 0', 'processing time not negative'),
  ],
});
