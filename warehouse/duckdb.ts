/**
 * DuckDB access. One DuckDBInstance per file per process (DuckDB allows one read-write process or
 * many read-only ones per file), a connection per concurrent query. Values are converted at this
 * boundary: BIGINT/HUGEINT/DECIMAL become numbers, dates ISO text, timestamps ISO text in UTC.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { statementQueue } from './statement-queue';
import { processWide } from '../platform/process-wide';

export type Row = Record<string, unknown>;

export interface Duck {
  readonly file: string;
  readonly readOnly: boolean;
  /** Runs statements; parameters as $1, $2 … */
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  all<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Column names and rows as arrays, for bulk answers. */
  table(sql: string, params?: readonly unknown[]): Promise<{ columns: string[]; types: string[]; rows: unknown[][] }>;
  /** Rows in chunks of about 2,048 as the engine produces them, converted like `table` (memory stays flat). */
  stream(sql: string, params?: readonly unknown[]): AsyncIterable<{ columns: string[]; types: string[]; rows: unknown[][] }>;
  /** A dedicated connection for a sequence of statements (transactions). */
  session<T>(fn: (con: Session) => Promise<T>): Promise<T>;
  close(): void;
}

export interface Session {
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  all<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

const NUMERIC = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL.*)$/;

function convert(res: DuckDBResultReader): { columns: string[]; types: string[]; rows: unknown[][] } {
  return convertRows(res.columnNames(), res.columnTypes().map((t) => t.toString()), res.getRowsJson() as unknown as unknown[][]);
}

function convertRows(columns: string[], types: string[], rows: unknown[][]): { columns: string[]; types: string[]; rows: unknown[][] } {
  const numeric = types.map((t) => NUMERIC.test(t));
  if (numeric.some(Boolean)) {
    for (const row of rows) for (let i = 0; i < row.length; i++) if (numeric[i] && row[i] !== null) row[i] = Number(row[i]);
  }
  return { columns, types, rows };
}

function toObjects(t: { columns: string[]; rows: unknown[][] }): Row[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

async function exec(con: DuckDBConnection, sql: string, params?: readonly unknown[]) {
  return params && params.length ? con.runAndReadAll(sql, params as never) : con.runAndReadAll(sql);
}

/** Open instances by mode and file, with the number of handles on each; set before the instance exists, so that concurrent opens share it. */
const instances = processWide('duckdb:instances', () => new Map<string, { instance: Promise<DuckDBInstance>; refs: number }>());

/** Opens (or shares) the DuckDB database in `file`. */
export async function openDuck(file: string, opts: { readOnly?: boolean; threads?: number; memoryLimit?: string } = {}): Promise<Duck> {
  const readOnly = opts.readOnly ?? false;
  const key = `${readOnly ? 'ro' : 'rw'}:${file}`;
  let entry = instances.get(key);
  if (!entry) {
    const options: Record<string, string> = { access_mode: readOnly ? 'READ_ONLY' : 'READ_WRITE' };
    if (opts.threads) options.threads = String(opts.threads);
    if (opts.memoryLimit) options.memory_limit = opts.memoryLimit;
    const created = { instance: DuckDBInstance.create(file, options), refs: 0 };
    instances.set(key, created);
    // a failed open leaves nothing behind for the next one
    created.instance.catch(() => instances.get(key) === created && instances.delete(key));
    entry = created;
  }
  entry.refs++;
  const mine = entry;
  let instance: DuckDBInstance;
  try {
    instance = await mine.instance;
  } catch (e) {
    mine.refs--;
    throw e;
  }
  let closed = false;
  // reading a snapshot goes through the process's statement queue; the ETL's own files do not
  const slot = () => (readOnly ? statementQueue.acquire() : Promise.resolve(() => {}));
  const withCon = async <T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> => {
    const release = await slot();
    try {
      const con = await instance.connect();
      try {
        return await fn(con);
      } finally {
        con.closeSync();
      }
    } finally {
      release();
    }
  };
  return {
    file,
    readOnly,
    run: (sql, params) => withCon(async (con) => void (await exec(con, sql, params))),
    all: async <R>(sql: string, params?: readonly unknown[]) => toObjects(await withCon(async (con) => convert(await exec(con, sql, params)))) as R[],
    table: (sql, params) => withCon(async (con) => convert(await exec(con, sql, params))),
    stream: (sql, params) => ({
      [Symbol.asyncIterator]: async function* () {
        const release = await slot();
        const con = await instance.connect().catch((e: unknown) => {
          release();
          throw e;
        });
        try {
          const res = params && params.length ? await con.stream(sql, params as never) : await con.stream(sql);
          const columns = res.columnNames();
          const types = res.columnTypes().map((t) => t.toString());
          for await (const rows of res.yieldRowsJson()) yield convertRows(columns, types, rows as unknown as unknown[][]);
        } finally {
          con.closeSync();
          release();
        }
      },
    }),
    session: (fn) =>
      withCon((con) =>
        fn({
          run: async (sql, params) => void (await exec(con, sql, params)),
          all: async <R>(sql: string, params?: readonly unknown[]) => toObjects(convert(await exec(con, sql, params))) as R[],
        }),
      ),
    close() {
      if (closed) return;
      closed = true;
      if (--mine.refs === 0) {
        if (instances.get(key) === mine) instances.delete(key);
        instance.closeSync();
      }
    },
  };
}

/** Quotes a string literal for DuckDB SQL (for file paths and identifiers we create ourselves). */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
