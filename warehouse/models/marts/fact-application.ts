import { ageGroup, defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_application',
  layer: 'fact',
  description: 'One row per asylum application that counts (not deleted, not quarantined), with its live decision and first hearing, for receipts and the pending stock.',
  parents: [key('asyl.office', 'office_code')],
  aggregates: [key('asyl.hearing', 'application_id'), key('asyl.decision', 'application_id')],
  sql: `SELECT a.application_id, ${recordKeySql('asyl.application', 'a.application_id')} AS record_key, a.kind, a.received_on, a.office_code, o.state_code, o.kind AS office_kind, a.nationality_code, a.sex, a.birth_year,
               ${ageGroup('a.birth_year', 'a.received_on')} AS age_group,
               h.first_held_on, d.decided_on, d.outcome
          FROM clean_asyl_application a
          JOIN clean_asyl_office o ON o.office_code = a.office_code
          LEFT JOIN clean_asyl_decision d ON d.application_id = a.application_id
          LEFT JOIN (SELECT application_id, min(held_on) AS first_held_on FROM clean_asyl_hearing GROUP BY 1) h ON h.application_id = a.application_id`,
  columns: {
    application_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    kind: 'initial or follow_up',
    received_on: 'day of receipt',
    office_code: 'receiving office',
    office_kind: 'hq, branch or anker (AnKER facilities decide faster)',
    state_code: "state of the receiving office (asylum metrics use the office's state)",
    nationality_code: 'Destatis key',
    sex: 'f, m, d, u',
    birth_year: 'year of birth, if known',
    age_group: 'age group at receipt',
    first_held_on: 'day of the first hearing, if held',
    decided_on: 'day of the live decision, if decided',
    outcome: 'outcome of the live decision',
  },
  tests: [
    unique('application_id'),
    notNull('application_id', 'kind', 'received_on', 'office_code', 'state_code', 'nationality_code', 'sex', 'age_group'),
    references('office_code', 'dim_office'),
    references('state_code', 'dim_state'),
    references('nationality_code', 'dim_nationality'),
    inCodeList('kind', 'kind'),
    inCodeList('sex', 'sex'),
    expression('decided_on IS NULL OR decided_on >= received_on', 'decided on or after receipt'),
  ],
});
