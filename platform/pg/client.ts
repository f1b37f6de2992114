/**
 * One interface over the two PostgreSQL engines FIS talks to: embedded PGlite (a real Postgres in
 * WebAssembly, the default) and a real server by URL. The same SQL runs on both; only bulk
 * transfer differs (PGlite's `/dev/blob` versus COPY … STDIN/STDOUT on the wire).
 *
 * Values come back as the text Postgres prints for bigint, numeric, date and timestamps, so that
 * both engines produce identical results and no precision is lost; small integers are numbers.
 */
export type Row = Record<string, unknown>;

export interface PgClient {
  readonly engine: 'pglite' | 'postgres';
  /** For messages: "PGlite at /data/sources/asylum" or the URL without its password. */
  readonly description: string;
  query<R = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>;
  /** Bulk load: `csv` (UTF-8, no header, RFC 4180 quoting) into `table (columns)`. */
  copyIn(table: string, columns: readonly string[], csv: string | Buffer): Promise<void>;
  /** Bulk unload: the rows of `select` as CSV with a header line into `file`; returns bytes written. */
  copyOutToFile(select: string, file: string): Promise<number>;
  close(): Promise<void>;
}

/** Type OIDs whose text form we keep as text (see the module comment). */
export const TEXT_TYPES = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

/** Quotes one CSV field if needed. `null`/`undefined` become an empty unquoted field (NULL in COPY). */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (v === '' || /[",\n\r]/.test(v)) return '"' + v.replace(/"/g, '""') + '"';
  return v;
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return name;
}
