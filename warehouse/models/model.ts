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
 * How a rollup is derived: `select(from)` aggregates the relation `from`; every column not in
 * `measures` is a grouping column, and the measures add up (the first is the row count), so a
 * change of some rows of `from` changes the rollup by the difference of their aggregates.
 */
export interface Rollup {
  from: string;
  measures: string[];
  select: (from: string) => string;
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
}

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
