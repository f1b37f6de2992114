import { defineModel, expression, inCodeList, key, notNull, references, unique } from '../model';
import { recordKeySql } from '../../record-keys';

export default defineModel({
  name: 'fact_course',
  layer: 'fact',
  description: 'One row per integration course that counts (not deleted, not quarantined), with its participant counts.',
  parents: [key('integ.provider', 'provider_id')],
  aggregates: [key('integ.enrolment', 'course_id')],
  sql: `SELECT c.course_id, ${recordKeySql('integ.course', 'c.course_id')} AS record_key, c.provider_id, c.course_type, c.state_code, c.town, c.start_on, c.end_on, c.capacity, c.status,
               CAST(coalesce(e.participants, 0) AS INTEGER) AS participants,
               CAST(coalesce(e.participant_keys, 0) AS BIGINT) AS participant_keys,
               CAST(coalesce(e.completed, 0) AS INTEGER) AS completed,
               CAST(coalesce(e.dropped, 0) AS INTEGER) AS dropped
          FROM clean_integ_course c
          LEFT JOIN (SELECT course_id, count(*) AS participants, sum(${recordKeySql('integ.enrolment', 'enrolment_id')}) AS participant_keys,
                            count(*) FILTER (WHERE exit_reason = 'completed') AS completed,
                            count(*) FILTER (WHERE exit_reason = 'dropped') AS dropped
                       FROM clean_integ_enrolment GROUP BY 1) e ON e.course_id = c.course_id`,
  columns: {
    course_id: 'source key',
    record_key: 'record key of the source row (cell-key method: fixed per row, secret-derived)',
    provider_id: 'the provider',
    course_type: 'general, youth, parents, women, literacy, intensive, second_script',
    state_code: 'state of the course',
    town: 'town of the course',
    start_on: 'first day',
    end_on: 'last day',
    capacity: 'places',
    status: 'planned, running, completed, cancelled',
    participants: 'enrolments that count',
    participant_keys: "sum of the record keys of those enrolments (the cell key of a sum of participants)",
    completed: 'enrolments ended by completion',
    dropped: 'enrolments ended by dropping out',
  },
  tests: [
    unique('course_id'),
    notNull('course_id', 'provider_id', 'course_type', 'state_code', 'start_on', 'capacity', 'status'),
    references('provider_id', 'dim_provider'),
    references('state_code', 'dim_state'),
    inCodeList('course_type', 'course_type'),
    inCodeList('status', 'course_status'),
    expression('end_on IS NULL OR end_on >= start_on', 'ends after it starts'),
  ],
});
