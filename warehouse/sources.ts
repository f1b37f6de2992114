/**
 * The operational source tables, declared once (like dbt sources): columns with their warehouse
 * types, the key, the date used for per-day reconciliation, the parents whose deletion hides a
 * row, and `updated_at` as the loaded-at field for watermarks and freshness.
 */
export type SourceSystem = 'asylum' | 'integration';
export type DuckType = 'BIGINT' | 'VARCHAR' | 'DATE' | 'SMALLINT' | 'TIMESTAMPTZ' | 'DECIMAL(12,2)';

export interface SourceColumn {
  name: string;
  type: DuckType;
  /** NOT NULL in the contract: a null here is a row-level problem (quarantine). */
  required: boolean;
  /**
   * Copied into the raw mirror. Not copied: person pseudonyms and case numbers (the warehouse
   * never needs them — data minimisation) and updated_at (kept per table as the watermark).
   */
  mirrored: boolean;
}

export interface SourceTable {
  system: SourceSystem;
  /** Schema-qualified name in the source: asyl.application. */
  name: string;
  /** Name of the mirror table in the staging database: asyl_application. */
  raw: string;
  key: string;
  columns: SourceColumn[];
  softDelete: boolean;
  /** Date column for reconciliation per day. */
  dateColumn?: string;
  /** A row does not count when one of these parents is (soft-)deleted. */
  parents: Array<{ column: string; table: string }>;
  /** The mart holding one row per counting row of this table (reconciliation). */
  mart: string;
}

const c = (name: string, type: DuckType, required = true, mirrored = true): SourceColumn => ({ name, type, required, mirrored });
const private_ = (name: string): SourceColumn => c(name, 'VARCHAR', true, false);
const ts = [c('updated_at', 'TIMESTAMPTZ', true, false)];
const del = [c('updated_at', 'TIMESTAMPTZ', true, false), c('deleted_at', 'TIMESTAMPTZ', false)];

export const SOURCE_TABLES: readonly SourceTable[] = [
  {
    system: 'asylum', name: 'asyl.office', mart: 'dim_office', raw: 'asyl_office', key: 'office_code', softDelete: false, parents: [],
    columns: [c('office_code', 'VARCHAR'), c('name', 'VARCHAR'), c('state_code', 'VARCHAR'), c('kind', 'VARCHAR'), c('opened_on', 'DATE'), c('closed_on', 'DATE', false), ...ts],
  },
  {
    system: 'asylum', name: 'asyl.application', mart: 'fact_application', raw: 'asyl_application', key: 'application_id', softDelete: true, dateColumn: 'received_on', parents: [],
    columns: [c('application_id', 'BIGINT'), private_('case_no'), private_('person_pseudonym'), c('kind', 'VARCHAR'), c('received_on', 'DATE'), c('office_code', 'VARCHAR'), c('nationality_code', 'VARCHAR'), c('sex', 'VARCHAR'), c('birth_year', 'SMALLINT', false), ...del],
  },
  {
    system: 'asylum', name: 'asyl.hearing', mart: 'fact_hearing', raw: 'asyl_hearing', key: 'hearing_id', softDelete: true, dateColumn: 'held_on',
    parents: [{ column: 'application_id', table: 'asyl.application' }],
    columns: [c('hearing_id', 'BIGINT'), c('application_id', 'BIGINT'), c('held_on', 'DATE'), c('office_code', 'VARCHAR'), ...del],
  },
  {
    system: 'asylum', name: 'asyl.decision', mart: 'fact_decision', raw: 'asyl_decision', key: 'decision_id', softDelete: true, dateColumn: 'decided_on',
    parents: [{ column: 'application_id', table: 'asyl.application' }],
    columns: [c('decision_id', 'BIGINT'), c('application_id', 'BIGINT'), c('decided_on', 'DATE'), c('outcome', 'VARCHAR'), c('office_code', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'integ.provider', mart: 'dim_provider', raw: 'integ_provider', key: 'provider_id', softDelete: false, parents: [],
    columns: [c('provider_id', 'BIGINT'), c('name', 'VARCHAR'), c('state_code', 'VARCHAR'), c('town', 'VARCHAR'), c('approved_on', 'DATE'), c('revoked_on', 'DATE', false), ...ts],
  },
  {
    system: 'integration', name: 'integ.course', mart: 'fact_course', raw: 'integ_course', key: 'course_id', softDelete: true, dateColumn: 'start_on', parents: [],
    columns: [c('course_id', 'BIGINT'), c('provider_id', 'BIGINT'), c('course_type', 'VARCHAR'), c('state_code', 'VARCHAR'), c('town', 'VARCHAR'), c('start_on', 'DATE'), c('end_on', 'DATE', false), c('capacity', 'SMALLINT'), c('status', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'integ.participant', mart: 'fact_participant', raw: 'integ_participant', key: 'participant_id', softDelete: true, dateColumn: 'entitled_on', parents: [],
    columns: [c('participant_id', 'BIGINT'), private_('person_pseudonym'), c('nationality_code', 'VARCHAR'), c('sex', 'VARCHAR'), c('birth_year', 'SMALLINT', false), c('entitlement_basis', 'VARCHAR'), c('entitled_on', 'DATE'), c('state_code', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'integ.enrolment', mart: 'fact_enrolment', raw: 'integ_enrolment', key: 'enrolment_id', softDelete: true, dateColumn: 'enrolled_on',
    parents: [{ column: 'participant_id', table: 'integ.participant' }, { column: 'course_id', table: 'integ.course' }],
    columns: [c('enrolment_id', 'BIGINT'), c('participant_id', 'BIGINT'), c('course_id', 'BIGINT'), c('enrolled_on', 'DATE'), c('left_on', 'DATE', false), c('exit_reason', 'VARCHAR', false), ...del],
  },
  {
    system: 'integration', name: 'integ.exam', mart: 'fact_exam', raw: 'integ_exam', key: 'exam_id', softDelete: true, dateColumn: 'taken_on',
    parents: [{ column: 'participant_id', table: 'integ.participant' }, { column: 'course_id', table: 'integ.course' }],
    columns: [c('exam_id', 'BIGINT'), c('participant_id', 'BIGINT'), c('course_id', 'BIGINT', false), c('exam_type', 'VARCHAR'), c('taken_on', 'DATE'), c('result', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'integ.invoice', mart: 'fact_invoice', raw: 'integ_invoice', key: 'invoice_id', softDelete: true, dateColumn: 'period_month', parents: [],
    columns: [c('invoice_id', 'BIGINT'), c('provider_id', 'BIGINT'), c('program', 'VARCHAR'), c('course_id', 'BIGINT'), c('period_month', 'DATE'), c('amount_eur', 'DECIMAL(12,2)'), c('status', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'berd.entitlement', mart: 'fact_voc_entitlement', raw: 'berd_entitlement', key: 'entitlement_id', softDelete: true, dateColumn: 'issued_on', parents: [],
    columns: [c('entitlement_id', 'BIGINT'), private_('person_pseudonym'), c('nationality_code', 'VARCHAR'), c('referring_agency', 'VARCHAR'), c('module', 'VARCHAR'), c('issued_on', 'DATE'), c('state_code', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'berd.course', mart: 'fact_voc_course', raw: 'berd_course', key: 'course_id', softDelete: true, dateColumn: 'start_on', parents: [],
    columns: [c('course_id', 'BIGINT'), c('provider_id', 'BIGINT'), c('module', 'VARCHAR'), c('state_code', 'VARCHAR'), c('start_on', 'DATE'), c('end_on', 'DATE', false), c('status', 'VARCHAR'), ...del],
  },
  {
    system: 'integration', name: 'berd.enrolment', mart: 'fact_voc_enrolment', raw: 'berd_enrolment', key: 'enrolment_id', softDelete: true, dateColumn: 'enrolled_on',
    parents: [{ column: 'entitlement_id', table: 'berd.entitlement' }, { column: 'course_id', table: 'berd.course' }],
    columns: [c('enrolment_id', 'BIGINT'), c('entitlement_id', 'BIGINT'), c('course_id', 'BIGINT'), c('enrolled_on', 'DATE'), c('left_on', 'DATE', false), c('exit_reason', 'VARCHAR', false), c('certificate', 'VARCHAR', false), ...del],
  },
];

/**
 * Source tables whose rows every mart row depends on (each carries its office's or provider's
 * state): a change of one means a full transform, and the raw mirror logs only their rows that are
 * new or different — not those extracted again unchanged in the safety overlap.
 */
export const FULL_REBUILD_TABLES: readonly string[] = ['asyl.office', 'integ.provider'];

/** The columns copied into the raw mirror. */
export const mirroredColumns = (t: SourceTable) => t.columns.filter((c) => c.mirrored);

/** The warehouse type of a table's key. */
export const keyType = (t: SourceTable): DuckType => t.columns.find((c) => c.name === t.key)!.type;

export const sourceTable = (name: string): SourceTable => {
  const t = SOURCE_TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`unknown source table ${name}`);
  return t;
};

/**
 * SQL (PostgreSQL or DuckDB) for the rows of `t` that count: not soft-deleted, and no parent
 * soft-deleted. `ref` maps a source table name to the relation to read it from.
 */
export function liveRowsSql(t: SourceTable, ref: (name: string) => string, tableOf: (name: string) => SourceTable = sourceTable): string {
  const conds: string[] = [];
  if (t.softDelete) conds.push('r.deleted_at IS NULL');
  for (const p of t.parents) {
    const parent = tableOf(p.table);
    conds.push(
      `NOT EXISTS (SELECT 1 FROM ${ref(p.table)} p WHERE p.${parent.key} = r.${p.column} AND p.deleted_at IS NOT NULL)`,
    );
  }
  return `SELECT r.* FROM ${ref(t.name)} r${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`;
}
