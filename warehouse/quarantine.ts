/**
 * Row-level problems in source rows that would otherwise count: missing required values, unknown
 * codes, impossible dates, broken references. Such rows go to the `quarantine` table with the
 * source key and the reason — never silently dropped — and are kept out of the marts. Children of
 * a quarantined row are quarantined too, so nothing vanishes without a trace.
 *
 * Rules are conditions on the live row `r` and on relations joined to it (parents by key, and
 * `q_<table>`: the keys already quarantined in a parent table). Plain joins rather than correlated
 * subqueries: at national scale that is the difference between seconds and minutes.
 */
import { rel } from './relations';
import { SOURCE_TABLES, keyType, mirroredColumns, sourceTable, type SourceTable } from './sources';

export interface QuarantineRule {
  reason: string;
  when: string;
}

interface TableChecks {
  /** LEFT JOINs added to `FROM live_<table> r`. */
  joins?: string[];
  rules: QuarantineRule[];
}

const rule = (reason: string, when: string): QuarantineRule => ({ reason, when });
const code = (column: string, dimension: string) =>
  rule(`unknown ${dimension.replace(/_/g, ' ')} code`, `r.${column} IS NOT NULL AND r.${column} NOT IN (SELECT code FROM dim_code WHERE dimension = '${dimension}')`);
const nationality = rule('unknown nationality code', 'r.nationality_code NOT IN (SELECT nationality_code FROM dim_nationality)');
const state = rule('unknown state code', 'r.state_code NOT IN (SELECT state_code FROM dim_state)');
const office = rule(
  'unknown office',
  `r.office_code NOT IN (SELECT office_code FROM ${rel.stg(sourceTable('asyl.office'))} WHERE office_code NOT IN (SELECT source_key FROM quarantine WHERE source_table = 'asyl.office'))`,
);
/** A parent joined by key as `alias`, with its quarantined keys as `q<alias>`. */
const parent = (alias: string, column: string, table: string) => {
  const p = sourceTable(table);
  return [`LEFT JOIN ${rel.stg(p)} ${alias} ON ${alias}.${p.key} = r.${column}`, `LEFT JOIN ${rel.quarantined(p)} q${alias} ON q${alias}.k = r.${column}`];
};
const unknownParent = (alias: string, column: string, key: string, what: string) => rule(`unknown ${what}`, `r.${column} IS NOT NULL AND ${alias}.${key} IS NULL`);
const quarantinedParent = (alias: string, what: string) => rule(`${what} is quarantined`, `q${alias}.k IS NOT NULL`);

const CHECKS: Record<string, TableChecks> = {
  'asyl.office': { rules: [state, code('kind', 'office_kind'), rule('office code not three capital letters', `NOT regexp_full_match(r.office_code, '[A-Z]{3}')`)] },
  'asyl.application': {
    rules: [code('kind', 'kind'), code('sex', 'sex'), nationality, office, rule('birth year after the receipt', 'r.birth_year > year(r.received_on)')],
  },
  'asyl.hearing': {
    joins: parent('a', 'application_id', 'asyl.application'),
    rules: [
      unknownParent('a', 'application_id', 'application_id', 'application'),
      quarantinedParent('a', 'the application'),
      office,
      rule('held before the application was received', 'r.held_on < a.received_on'),
    ],
  },
  'asyl.decision': {
    joins: [
      ...parent('a', 'application_id', 'asyl.application'),
      `LEFT JOIN (SELECT decision_id, row_number() OVER (PARTITION BY application_id ORDER BY decision_id) AS n FROM ${rel.live(sourceTable('asyl.decision'))}) rank ON rank.decision_id = r.decision_id`,
    ],
    rules: [
      unknownParent('a', 'application_id', 'application_id', 'application'),
      quarantinedParent('a', 'the application'),
      office,
      code('outcome', 'outcome'),
      rule('decided before the application was received', 'r.decided_on < a.received_on'),
      rule('a second live decision for the application', 'rank.n > 1'),
    ],
  },
  'integ.provider': { rules: [state] },
  'integ.course': {
    joins: parent('p', 'provider_id', 'integ.provider'),
    rules: [
      unknownParent('p', 'provider_id', 'provider_id', 'provider'),
      quarantinedParent('p', 'the provider'),
      state,
      code('course_type', 'course_type'),
      code('status', 'course_status'),
      rule('ends before it starts', 'r.end_on < r.start_on'),
    ],
  },
  'integ.participant': {
    rules: [nationality, state, code('sex', 'sex'), code('entitlement_basis', 'entitlement_basis'), rule('birth year after the entitlement', 'r.birth_year > year(r.entitled_on)')],
  },
  'integ.enrolment': {
    joins: [...parent('p', 'participant_id', 'integ.participant'), ...parent('c', 'course_id', 'integ.course')],
    rules: [
      unknownParent('p', 'participant_id', 'participant_id', 'participant'),
      unknownParent('c', 'course_id', 'course_id', 'course'),
      quarantinedParent('p', 'the participant'),
      quarantinedParent('c', 'the course'),
      code('exit_reason', 'exit_reason'),
      rule('left before enrolling', 'r.left_on < r.enrolled_on'),
    ],
  },
  'integ.exam': {
    joins: [
      ...parent('p', 'participant_id', 'integ.participant'),
      ...parent('c', 'course_id', 'integ.course'),
      `LEFT JOIN dim_code xr ON xr.dimension = 'exam_result' AND xr.code = r.result AND xr.group_code = r.exam_type`,
    ],
    rules: [
      unknownParent('p', 'participant_id', 'participant_id', 'participant'),
      unknownParent('c', 'course_id', 'course_id', 'course'),
      quarantinedParent('p', 'the participant'),
      quarantinedParent('c', 'the course'),
      code('exam_type', 'exam_type'),
      rule('result not valid for the exam type', 'xr.code IS NULL'),
    ],
  },
  'integ.invoice': {
    joins: [
      ...parent('p', 'provider_id', 'integ.provider'),
      `LEFT JOIN ${rel.stg(sourceTable('integ.course'))} ic ON ic.course_id = r.course_id`,
      `LEFT JOIN ${rel.stg(sourceTable('berd.course'))} bc ON bc.course_id = r.course_id`,
    ],
    rules: [
      unknownParent('p', 'provider_id', 'provider_id', 'provider'),
      quarantinedParent('p', 'the provider'),
      code('program', 'program'),
      code('status', 'invoice_status'),
      rule('unknown course for the programme', `(r.program = 'integration' AND ic.course_id IS NULL) OR (r.program = 'vocational' AND bc.course_id IS NULL)`),
      rule('period is not the first day of a month', 'day(r.period_month) <> 1'),
    ],
  },
  'berd.entitlement': { rules: [nationality, state, code('referring_agency', 'referring_agency'), code('module', 'module')] },
  'berd.course': {
    joins: parent('p', 'provider_id', 'integ.provider'),
    rules: [
      unknownParent('p', 'provider_id', 'provider_id', 'provider'),
      quarantinedParent('p', 'the provider'),
      state,
      code('module', 'module'),
      code('status', 'course_status'),
      rule('ends before it starts', 'r.end_on < r.start_on'),
    ],
  },
  'berd.enrolment': {
    joins: [...parent('t', 'entitlement_id', 'berd.entitlement'), ...parent('c', 'course_id', 'berd.course')],
    rules: [
      unknownParent('t', 'entitlement_id', 'entitlement_id', 'entitlement'),
      unknownParent('c', 'course_id', 'course_id', 'course'),
      quarantinedParent('t', 'the entitlement'),
      quarantinedParent('c', 'the course'),
      code('exit_reason', 'exit_reason'),
      code('certificate', 'certificate'),
      rule('left before enrolling', 'r.left_on < r.enrolled_on'),
    ],
  },
};

/** All rules for a table, the required-column checks first (later rules may assume the values). */
export function quarantineRules(t: SourceTable): QuarantineRule[] {
  const required = mirroredColumns(t)
    .filter((c) => c.required && c.name !== t.key)
    .map((c) => rule(`missing ${c.name}`, `r.${c.name} IS NULL`));
  return [rule('missing key', `r.${t.key} IS NULL`), ...required, ...(CHECKS[t.name]?.rules ?? [])];
}

/**
 * The query giving every live row of `t` with a problem: its key, date, first reason, and the
 * row itself as JSON.
 */
export function quarantineSql(t: SourceTable): string {
  const reason = `CASE ${quarantineRules(t).map((q) => `WHEN ${q.when} THEN '${q.reason.replace(/'/g, "''")}'`).join(' ')} END`;
  return `SELECT '${t.name}' AS source_table, CAST(r.${t.key} AS VARCHAR) AS source_key, ${t.dateColumn ? `r.${t.dateColumn}` : 'NULL'} AS source_date,
                 ${reason} AS reason, CAST(to_json(r) AS VARCHAR) AS source_row
            FROM ${rel.live(t)} r ${(CHECKS[t.name]?.joins ?? []).join(' ')}`;
}

/** The view `q_<table>`: the keys of `t` in quarantine, typed like the key. */
export const quarantinedKeysView = (t: SourceTable) =>
  `CREATE OR REPLACE TEMP VIEW ${rel.quarantined(t)} AS SELECT DISTINCT TRY_CAST(source_key AS ${keyType(t)}) AS k FROM quarantine WHERE source_table = '${t.name}'`;

/** The clean rows of `t`: its live rows (`live_<table>`) that are not in quarantine. */
export const cleanRowsSql = (t: SourceTable) => `SELECT * FROM ${rel.live(t)} r WHERE r.${t.key} NOT IN (SELECT k FROM ${rel.quarantined(t)} WHERE k IS NOT NULL)`;

export const QUARANTINE_ORDER: readonly SourceTable[] = SOURCE_TABLES;
