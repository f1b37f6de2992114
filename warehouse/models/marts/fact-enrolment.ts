import { ageGroup, defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_enrolment',
  layer: 'fact',
  description: 'One row per integration-course enrolment that counts (not deleted; participant and course not deleted).',
  parents: [key('integ.participant', 'participant_id'), key('integ.course', 'course_id')],
  sql: `SELECT e.enrolment_id, ${recordKeySql('integ.enrolment', 'e.enrolment_id')} AS record_key, e.participant_id, e.course_id, e.enrolled_on, e.left_on, e.exit_reason,
               c.course_type, c.provider_id, c.state_code, p.nationality_code, p.sex, p.entitlement_basis,
               ${ageGroup('p.birth_year', 'e.enrolled_on')} AS age_group
          FROM clean_integ_enrolment e
          JOIN clean_integ_participant p ON p.participant_id = e.participant_id
          JOIN clean_integ_course c ON c.course_id = e.course_id`,
  columns: {
    enrolment_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    participant_id: 'the participant',
    course_id: 'the course',
    enrolled_on: 'day of enrolment',
    left_on: 'day of leaving, if left',
    exit_reason: 'completed, dropped, transferred; empty while enrolled',
    course_type: 'of the course',
    provider_id: 'of the course',
    state_code: "the course's state",
    nationality_code: 'of the participant',
    sex: 'of the participant',
    entitlement_basis: 'of the participant',
    age_group: 'age group at enrolment',
  },
  tests: [
    unique('enrolment_id'),
    notNull('enrolment_id', 'participant_id', 'course_id', 'enrolled_on', 'course_type', 'state_code'),
    references('participant_id', 'fact_participant'),
    references('course_id', 'fact_course'),
    inCodeList('exit_reason', 'exit_reason'),
    expression('left_on IS NULL OR left_on >= enrolled_on', 'leaves after enrolling'),
    expression('(left_on IS NULL) = (exit_reason IS NULL)', 'an exit reason exactly when left', 'warn'),
  ],
});
