import { defineModel, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_voc_enrolment',
  layer: 'fact',
  description: 'One row per vocational-course enrolment that counts (not deleted; entitlement and course not deleted).',
  parents: [key('berd.entitlement', 'entitlement_id'), key('berd.course', 'course_id')],
  sql: `SELECT e.enrolment_id, ${recordKeySql('berd.enrolment', 'e.enrolment_id')} AS record_key, e.entitlement_id, e.course_id, e.enrolled_on, e.left_on, e.exit_reason, e.certificate,
               c.module, c.state_code, c.provider_id, t.referring_agency, t.nationality_code
          FROM clean_berd_enrolment e
          JOIN clean_berd_entitlement t ON t.entitlement_id = e.entitlement_id
          JOIN clean_berd_course c ON c.course_id = e.course_id`,
  columns: {
    enrolment_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    entitlement_id: 'the entitlement',
    course_id: 'the vocational course',
    enrolled_on: 'day of enrolment',
    left_on: 'day of leaving, if left',
    exit_reason: 'completed, dropped, transferred',
    certificate: 'passed or failed, if a certificate exam was taken',
    module: "the course's module",
    state_code: "the course's state",
    provider_id: "the course's provider",
    referring_agency: 'who issued the entitlement',
    nationality_code: 'of the entitled person',
  },
  tests: [
    unique('enrolment_id'),
    notNull('enrolment_id', 'entitlement_id', 'course_id', 'enrolled_on', 'module', 'state_code'),
    references('entitlement_id', 'fact_voc_entitlement'),
    references('course_id', 'fact_voc_course'),
    inCodeList('certificate', 'certificate'),
  ],
});
