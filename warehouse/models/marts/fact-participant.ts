import { ageGroup, defineModel, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_participant',
  layer: 'fact',
  description: 'One row per integration-course participant that counts, with the first enrolment (live enrolment in a live course) and its course.',
  // the first enrolment is an aggregate of the participant's enrolments; the type and provider of
  // its course are copied (the course may change without any enrolment changing)
  aggregates: [key('integ.enrolment', 'participant_id')],
  copies: [key('integ.course', 'first_course_id')],
  sql: `SELECT p.participant_id, ${recordKeySql('integ.participant', 'p.participant_id')} AS record_key, p.nationality_code, p.sex, p.birth_year, p.entitlement_basis, p.entitled_on, p.state_code,
               ${ageGroup('p.birth_year', 'p.entitled_on')} AS age_group_at_entitlement,
               f.first_enrolled_on,
               ${ageGroup('p.birth_year', 'f.first_enrolled_on')} AS age_group_at_first_enrolment,
               f.course_id AS first_course_id, c.course_type AS first_course_type, c.provider_id AS first_provider_id
          FROM clean_integ_participant p
          LEFT JOIN (SELECT participant_id, course_id, enrolled_on AS first_enrolled_on
                       FROM (SELECT participant_id, course_id, enrolled_on,
                                    row_number() OVER (PARTITION BY participant_id ORDER BY enrolled_on, enrolment_id) AS n
                               FROM clean_integ_enrolment)
                      WHERE n = 1) f ON f.participant_id = p.participant_id
          LEFT JOIN clean_integ_course c ON c.course_id = f.course_id`,
  columns: {
    participant_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    nationality_code: 'Destatis key',
    sex: 'f, m, d, u',
    birth_year: 'year of birth, if known',
    entitlement_basis: 'obliged by foreigners authority or job centre, entitled, admitted',
    entitled_on: 'day of entitlement',
    state_code: "participant's state (integration metrics use the course's or participant's state)",
    age_group_at_entitlement: 'age group on the day of entitlement',
    first_enrolled_on: 'day of the first enrolment that counts (participants_new)',
    age_group_at_first_enrolment: 'age group at the first enrolment',
    first_course_id: 'course of the first enrolment',
    first_course_type: 'its course type',
    first_provider_id: 'its provider',
  },
  tests: [
    unique('participant_id'),
    notNull('participant_id', 'nationality_code', 'sex', 'entitlement_basis', 'entitled_on', 'state_code'),
    references('nationality_code', 'dim_nationality'),
    references('state_code', 'dim_state'),
    references('first_course_id', 'fact_course', 'course_id'),
    inCodeList('entitlement_basis', 'entitlement_basis'),
  ],
});
