/**
 * Row-level problems in source rows that would otherwise count: missing required values, unknown
 * codes, impossible dates, broken references. Such rows go to the `quarantine` table with the
 * source key and the reason — never silently dropped — and are kept out of the marts. Children of
 * a quarantined row are quarantined too, so nothing vanishes without a trace.
 */
import { SOURCE_TABLES, type SourceTable } from './sources';

export interface QuarantineRule {
  reason: string;
  /** A condition on the live source row `r`; may use the stg_* relations and dimensions. */
  when: string;
}

const code = (column: string, dimension: string, optional = false) => ({
  reason: `unknown ${dimension.replace(/_/g, ' ')} code`,
  when: `${optional ? `r.${column} IS NOT NULL AND ` : ''}r.${column} NOT IN (SELECT code FROM dim_code WHERE dimension = '${dimension}')`,
});
const nationality = { reason: 'unknown nationality code', when: `r.nationality_code NOT IN (SELECT nationality_code FROM dim_nationality)` };
const state = { reason: 'unknown state code', when: `r.state_code NOT IN (SELECT state_code FROM dim_state)` };
const exists = (column: string, rel: string, key: string, what: string) => ({
  reason: `unknown ${what}`,
  when: `r.${column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${rel} x WHERE x.${key} = r.${column})`,
});
const parentQuarantined = (column: string, table: string, what: string) => ({
  reason: `${what} is quarantined`,
  when: `r.${column} IN (SELECT TRY_CAST(source_key AS BIGINT) FROM quarantine WHERE source_table = '${table}')`,
});
const office = (column = 'office_code') => ({
  reason: 'unknown office',
  when: `r.${column} NOT IN (SELECT office_code FROM stg_asyl_office WHERE office_code NOT IN (SELECT source_key FROM quarantine WHERE source_table = 'asyl.office'))`,
});

const RULES: Record<string, QuarantineRule[]> = {
  'asyl.office': [state, code('kind', 'office_kind'), { reason: 'office code not three capital letters', when: `NOT regexp_full_match(r.office_code, '[A-Z]{3}')` }],
  'asyl.application': [
    code('kind', 'kind'),
    code('sex', 'sex'),
    nationality,
    office(),
    { reason: 'birth year after the receipt', when: 'r.birth_year > year(r.received_on)' },
  ],
  'asyl.hearing': [
    exists('application_id', 'stg_asyl_application', 'application_id', 'application'),
    parentQuarantined('application_id', 'asyl.application', 'the application'),
    office(),
    { reason: 'held before the application was received', when: 'r.held_on < (SELECT a.received_on FROM stg_asyl_application a WHERE a.application_id = r.application_id)' },
  ],
  'asyl.decision': [
    exists('application_id', 'stg_asyl_application', 'application_id', 'application'),
    parentQuarantined('application_id', 'asyl.application', 'the application'),
    office(),
    code('outcome', 'outcome'),
    { reason: 'decided before the application was received', when: 'r.decided_on < (SELECT a.received_on FROM stg_asyl_application a WHERE a.application_id = r.application_id)' },
    {
      reason: 'a second live decision for the application',
      when: `EXISTS (SELECT 1 FROM live_asyl_decision o WHERE o.application_id = r.application_id AND o.decision_id < r.decision_id)`,
    },
  ],
  'integ.provider': [state],
  'integ.course': [
    exists('provider_id', 'stg_integ_provider', 'provider_id', 'provider'),
    parentQuarantined('provider_id', 'integ.provider', 'the provider'),
    state,
    code('course_type', 'course_type'),
    code('status', 'course_status'),
    { reason: 'ends before it starts', when: 'r.end_on < r.start_on' },
  ],
  'integ.participant': [nationality, state, code('sex', 'sex'), code('entitlement_basis', 'entitlement_basis'), { reason: 'birth year after the entitlement', when: 'r.birth_year > year(r.entitled_on)' }],
  'integ.enrolment': [
    exists('participant_id', 'stg_integ_participant', 'participant_id', 'participant'),
    exists('course_id', 'stg_integ_course', 'course_id', 'course'),
    parentQuarantined('participant_id', 'integ.participant', 'the participant'),
    parentQuarantined('course_id', 'integ.course', 'the course'),
    code('exit_reason', 'exit_reason', true),
    { reason: 'left before enrolling', when: 'r.left_on < r.enrolled_on' },
  ],
  'integ.exam': [
    exists('participant_id', 'stg_integ_participant', 'participant_id', 'participant'),
    exists('course_id', 'stg_integ_course', 'course_id', 'course'),
    parentQuarantined('participant_id', 'integ.participant', 'the participant'),
    parentQuarantined('course_id', 'integ.course', 'the course'),
    code('exam_type', 'exam_type'),
    {
      reason: 'result not valid for the exam type',
      when: `NOT EXISTS (SELECT 1 FROM dim_code x WHERE x.dimension = 'exam_result' AND x.code = r.result AND x.group_code = r.exam_type)`,
    },
  ],
  'integ.invoice': [
    exists('provider_id', 'stg_integ_provider', 'provider_id', 'provider'),
    parentQuarantined('provider_id', 'integ.provider', 'the provider'),
    code('program', 'program'),
    code('status', 'invoice_status'),
    {
      reason: 'unknown course for the programme',
      when: `NOT EXISTS (SELECT 1 FROM stg_integ_course x WHERE r.program = 'integration' AND x.course_id = r.course_id)
             AND NOT EXISTS (SELECT 1 FROM stg_berd_course x WHERE r.program = 'vocational' AND x.course_id = r.course_id)`,
    },
    { reason: 'period is not the first day of a month', when: 'day(r.period_month) <> 1' },
  ],
  'berd.entitlement': [nationality, state, code('referring_agency', 'referring_agency'), code('module', 'module')],
  'berd.course': [
    exists('provider_id', 'stg_integ_provider', 'provider_id', 'provider'),
    parentQuarantined('provider_id', 'integ.provider', 'the provider'),
    state,
    code('module', 'module'),
    code('status', 'course_status'),
    { reason: 'ends before it starts', when: 'r.end_on < r.start_on' },
  ],
  'berd.enrolment': [
    exists('entitlement_id', 'stg_berd_entitlement', 'entitlement_id', 'entitlement'),
    exists('course_id', 'stg_berd_course', 'course_id', 'course'),
    parentQuarantined('entitlement_id', 'berd.entitlement', 'the entitlement'),
    parentQuarantined('course_id', 'berd.course', 'the course'),
    code('exit_reason', 'exit_reason', true),
    code('certificate', 'certificate', true),
    { reason: 'left before enrolling', when: 'r.left_on < r.enrolled_on' },
  ],
};

/** All rules for a table, the required-column checks first (later rules may assume the values). */
export function quarantineRules(t: SourceTable): QuarantineRule[] {
  const required = t.columns
    .filter((c) => c.required && c.name !== t.key && c.name !== 'updated_at')
    .map((c) => ({ reason: `missing ${c.name}`, when: `r.${c.name} IS NULL` }));
  return [{ reason: 'missing key', when: `r.${t.key} IS NULL` }, ...required, ...(RULES[t.name] ?? [])];
}

/** The CASE expression giving the first applicable reason for row `r`, or NULL. */
export function reasonExpression(t: SourceTable): string {
  return `CASE ${quarantineRules(t).map((q) => `WHEN ${q.when} THEN '${q.reason.replace(/'/g, "''")}'`).join(' ')} END`;
}

export const QUARANTINE_ORDER: readonly SourceTable[] = SOURCE_TABLES;
