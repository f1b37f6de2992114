/**
 * A warehouse model: one table of the published snapshot, defined by a SELECT over the clean
 * staging relations (`clean_<source table>`: live rows that passed quarantine) and earlier models,
 * with its column documentation and its data tests beside it (dbt style).
 */
export type Severity = 'error' | 'warn';

export type DataTest =
  | { kind: 'not_null'; columns: string[]; severity?: Severity }
  | { kind: 'unique'; columns: string[]; severity?: Severity }
  | { kind: 'relationship'; column: string; to: string; toColumn: string; where?: string; severity?: Severity }
  | { kind: 'accepted_values'; column: string; codelist: string; severity?: Severity }
  | { kind: 'expression'; expression: string; description: string; severity?: Severity };

/**
 * A measure of a rollup: a column that adds up across groups — the row count, or the sum of a fact
 * column. Stored as BIGINT: sums of integers are exact, which the incremental transform's update by
 * differences relies on.
 */
export type RollupMeasure = { column: string; meaning: string } & ({ kind: 'count' } | { kind: 'sum'; of: string });

/**
 * What a rollup is, as data (declared in models/rollups): one row per month of the fact's `date`
 * and combination of its `dimensions` (fact columns of the same names), with its `measures` (the
 * first is the row count). `select(from)` aggregates the relation `from` — the fact, or a finer
 * rollup of it — into that shape; because the measures add up, a change of some rows of `from`
 * changes the rollup by the difference of their aggregates (warehouse/incremental.ts). The
 * semantic layer derives from the same data which questions the rollup answers
 * (warehouse/semantic/rollups.ts).
 */
export interface Rollup {
  fact: string;
  date: string;
  /** the rollup's column holding the first day of the month */
  month: string;
  from: string;
  dimensions: string[];
  measures: RollupMeasure[];
  select: (from: string) => string;
}

/** A source table a fact row refers to, by the column (of the fact and, where it has it, of the source row) holding its key. */
export interface KeyRef {
  table: string;
  column: string;
}

export interface Model {
  name: string;
  layer: 'dimension' | 'fact' | 'rollup';
  description: string;
  sql: string;
  /** Column → meaning; also the column order check of the docs. */
  columns: Record<string, string>;
  tests: DataTest[];
  /** Rollups only: what they aggregate, so that an incremental transform updates just the changed groups. */
  rollup?: Rollup;
  /*
   * Facts only — what a row depends on besides its own source row, from which the incremental
   * transform derives the rows a change touches (warehouse/incremental.ts). Tables whose change
   * rebuilds everything (offices, providers) are declared too, for the record.
   */
  /** Parents it joins by key: it copies their attributes and counts only with them (live, not quarantined). */
  parents?: KeyRef[];
  /**
   * Children it aggregates (a count, the first, the live one), by the child's column holding this
   * row's key: a change of such a child changes the aggregate, and so does a child that starts or
   * stops counting because another parent of it changed (a participant leaving changes the counts
   * of their courses). This cannot be read off the child's declaration: the parent says what it sums.
   */
  aggregates?: KeyRef[];
  /**
   * Rows it copies attributes from without counting only with them, by a column of the fact (and of
   * the source row, where it has it): an invoice's course of either programme, a participant's first
   * course (reached through the first enrolment, an aggregate). Only a change of that row matters.
   */
  copies?: KeyRef[];
}

export const key = (table: string, column: string): KeyRef => ({ table, column });
export const notNull = (...columns: string[]): DataTest => ({ kind: 'not_null', columns });
export const unique = (...columns: string[]): DataTest => ({ kind: 'unique', columns });
export const references = (column: string, to: string, toColumn = column, where?: string): DataTest => ({ kind: 'relationship', column, to, toColumn, where });
export const inCodeList = (column: string, codelist: string): DataTest => ({ kind: 'accepted_values', column, codelist });
export const expression = (expr: string, description: string, severity: Severity = 'error'): DataTest => ({ kind: 'expression', expression: expr, description, severity });

/** Age group from a birth year at a date (architecture §4: 0-17, 18-25, 26-39, 40+, unknown). */
export const ageGroup = (birthYear: string, at: string) =>
  `CASE WHEN ${birthYear} IS NULL THEN 'unknown' WHEN year(${at}) - ${birthYear} < 18 THEN '0-17' WHEN year(${at}) - ${birthYear} <= 25 THEN '18-25' WHEN year(${at}) - ${birthYear} <= 39 THEN '26-39' ELSE '40+' END`;

export function defineModel(m: Model): Model {
  return m;
}
