import { defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_voc_course',
  layer: 'fact',
  description: 'One row per vocational language course that counts, with its enrolment and certificate counts.',
  parents: [key('integ.provider', 'provider_id')],
  aggregates: [key('berd.enrolment', 'course_id')],
  sql: `SELECT c.course_id, ${recordKeySql('berd.course', 'c.course_id')} AS record_key, c.provider_id, c.module, c.state_code, c.start_on, c.end_on, c.status,
               CAST(coalesce(e.participants, 0) AS INTEGER) AS participants,
               CAST(coalesce(e.completed, 0) AS INTEGER) AS completed,
               CAST(coalesce(e.certificates, 0) AS INTEGER) AS certificates,
               CAST(coalesce(e.certificates_passed, 0) AS INTEGER) AS certificates_passed
          FROM clean_berd_course c
          LEFT JOIN (SELECT course_id, count(*) AS participants,
                            count(*) FILTER (WHERE exit_reason = 'completed') AS completed,
                            count(certificate) AS certificates,
                            count(*) FILTER (WHERE certificate = 'passed') AS certificates_passed
                       FROM clean_berd_enrolment GROUP BY 1) e ON e.course_id = c.course_id`,
  columns: {
    course_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    provider_id: 'the provider',
    module: 'the module',
    state_code: 'state of the course',
    start_on: 'first day',
    end_on: 'last day',
    status: 'planned, running, completed, cancelled',
    participants: 'enrolments that count',
    completed: 'completed enrolments',
    certificates: 'certificate exams taken',
    certificates_passed: 'certificates passed',
  },
  tests: [
    unique('course_id'),
    notNull('course_id', 'provider_id', 'module', 'state_code', 'start_on', 'status'),
    references('provider_id', 'dim_provider'),
    inCodeList('module', 'module'),
    inCodeList('status', 'course_status'),
    expression('end_on IS NULL OR end_on >= start_on', 'ends after it starts'),
  ],
});
