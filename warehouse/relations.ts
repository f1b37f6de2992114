/**
 * The relations a transform creates on its DuckDB connection, named here once with their meaning.
 * All are temporary: they live as long as the connection, so whatever reads them (the data tests,
 * the ETL's reconciliation) runs on the connection that made them — through `LiveRows`, which the
 * transforms hand back, not by name. Per source table a name carries the table's mirror name
 * (`t.raw`, e.g. `stg_asyl_application`), per model the model's name (`old_fact_decision`).
 *
 * Both transforms (build.ts, incremental.ts) and the quarantine rules (quarantine.ts); the models
 * read `clean_<table>` (and fact_invoice `stg_<table>`) by name in their SQL:
 */
import type { SourceTable } from './sources';

type Table = Pick<SourceTable, 'raw'>;

export const rel = {
  /** the staging view: the raw mirror with warehouse types (an incremental run: only `sub_`) */
  stg: (t: Table) => `stg_${t.raw}`,
  /** the rows that count (architecture §4): not deleted, no deleted parent */
  live: (t: Table) => `live_${t.raw}`,
  /** the keys of the table in quarantine, typed like the key (column k) */
  quarantined: (t: Table) => `q_${t.raw}`,
  /** the live rows not in quarantine: what the models read */
  clean: (t: Table) => `clean_${t.raw}`,

  // the incremental transform only (incremental.ts)
  /** every row of the raw mirror with warehouse types (what a full build's `stg_` is) */
  full: (t: Table) => `full_${t.raw}`,
  /** the keys merged into the raw mirror since the snapshot was built (column k) */
  changed: (t: Table) => `chg_${t.raw}`,
  /** the keys to rebuild: the changed ones and the rows that depend on them (column k) */
  affected: (t: Table) => `aff_${t.raw}`,
  /** the rows read: the affected ones and the rows they join to */
  sub: (t: Table) => `sub_${t.raw}`,
  /** a parent table's deleted rows (key, deleted_at), for the live rows on the changed days */
  deleted: (t: Table) => `del_${t.raw}`,
  /** the days (column d) the rebuilt rows of the table were or are on: reconciliation covers them */
  days: (t: Table) => `days_${t.raw}`,
  /** a fact's or rollup's rows about to be replaced */
  oldRows: (model: string) => `old_${model}`,
  /** the rows that replace them (the data tests check these) */
  newRows: (model: string) => `new_${model}`,
  /** a rollup's groups that replaced rows left or joined */
  groups: (rollup: string) => `grp_${rollup}`,
};

/**
 * What reconciliation reads after a transform, on the transform's connection: the live rows of a
 * source table, and — after an incremental transform — the condition that a day is one it touched
 * (the other days did not change). Tables without a date are reconciled whole.
 */
export interface LiveRows {
  /** a relation (table name or subquery) of the live rows of `t` to reconcile */
  rows(t: SourceTable): string;
  /** a condition that `column` holds a reconciled day; undefined: every day */
  onDays(t: SourceTable, column: string): string | undefined;
}
