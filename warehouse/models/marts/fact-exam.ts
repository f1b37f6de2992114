import { ageGroup, defineModel, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_exam',
  layer: 'fact',
  description: 'One row per exam (DTZ, Leben in Deutschland) that counts (not deleted; participant and course not deleted).',
  parents: [key('integ.participant', 'participant_id'), key('integ.course', 'course_id')],
  sql: `SELECT x.exam_id, ${recordKeySql('integ.exam', 'x.exam_id')} AS record_key, x.participant_id, x.course_id, x.exam_type, x.taken_on, x.result,
               c.course_type, c.provider_id, coalesce(c.state_code, p.state_code) AS state_code,
               p.nationality_code, p.sex, p.entitlement_basis,
               ${ageGroup('p.birth_year', 'x.taken_on')} AS age_group
          FROM clean_integ_exam x
          JOIN clean_integ_participant p ON p.participant_id = x.participant_id
          LEFT JOIN clean_integ_course c ON c.course_id = x.course_id`,
  columns: {
    exam_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    participant_id: 'the participant',
    course_id: 'the course, if taken in one',
    exam_type: 'dtz or lid',
    taken_on: 'day of the exam',
    result: 'B1, A2, below_A2 (dtz); passed, failed (lid)',
    course_type: 'of the course, if any',
    provider_id: 'of the course, if any',
    state_code: "the course's state, else the participant's",
    nationality_code: 'of the participant',
    sex: 'of the participant',
    entitlement_basis: 'of the participant',
    age_group: 'age group on the exam day',
  },
  tests: [
    unique('exam_id'),
    notNull('exam_id', 'participant_id', 'exam_type', 'taken_on', 'result', 'state_code'),
    references('participant_id', 'fact_participant'),
    references('course_id', 'fact_course'),
    inCodeList('exam_type', 'exam_type'),
    inCodeList('result', 'exam_result'),
  ],
});
