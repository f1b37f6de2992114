import { ageGroup, defineModel, expression, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_hearing',
  layer: 'fact',
  description: 'One row per hearing that counts (not deleted, application not deleted, not quarantined).',
  parents: [key('asyl.application', 'application_id'), key('asyl.office', 'office_code')],
  sql: `SELECT h.hearing_id, ${recordKeySql('asyl.hearing', 'h.hearing_id')} AS record_key, h.application_id, h.held_on, h.office_code, o.state_code, o.kind AS office_kind, a.nationality_code, a.kind, a.sex,
               ${ageGroup('a.birth_year', 'h.held_on')} AS age_group, a.received_on
          FROM clean_asyl_hearing h
          JOIN clean_asyl_application a ON a.application_id = h.application_id
          JOIN clean_asyl_office o ON o.office_code = h.office_code`,
  columns: {
    hearing_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    application_id: 'the application',
    held_on: 'day of the hearing',
    office_code: 'hearing office',
    office_kind: 'hq, branch or anker (AnKER facilities decide faster)',
    state_code: 'state of the hearing office',
    nationality_code: 'of the applicant',
    kind: 'of the application',
    sex: 'of the applicant',
    age_group: 'age group at the hearing',
    received_on: 'receipt of the application',
  },
  tests: [
    unique('hearing_id'),
    notNull('hearing_id', 'application_id', 'held_on', 'office_code', 'state_code', 'nationality_code'),
    references('application_id', 'fact_application'),
    references('office_code', 'dim_office'),
    expression('held_on >= received_on', 'held on or after receipt'),
  ],
});
