/**
 * A Kysely dialect for DuckDB over @duckdb/node-api: the four small parts of a Kysely dialect.
 * DuckDB speaks PostgreSQL's SQL closely enough ($n parameters, double-quoted identifiers) that
 * the Postgres compiler, adapter and introspector serve unchanged; only the driver is DuckDB's.
 * Read-only use: snapshots are immutable, so transactions are refused.
 */
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Duck } from './duckdb';

class DuckConnection implements DatabaseConnection {
  constructor(private readonly duck: Duck) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: await this.duck.all<R>(compiled.sql, compiled.parameters) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is done with DuckDB directly (see exports)');
  }
}

class DuckDriver implements Driver {
  constructor(private readonly duck: () => Duck) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new DuckConnection(this.duck());
  }
  async beginTransaction(): Promise<void> {
    throw new Error('snapshots are read-only');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export class DuckDialect implements Dialect {
  constructor(private readonly duck: () => Duck) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver() {
    return new DuckDriver(this.duck);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/** A Kysely instance that only compiles (for building SQL without a connection). */
export const compiler = new Kysely<Record<string, Record<string, unknown>>>({
  dialect: new DuckDialect(() => {
    throw new Error('compile-only Kysely instance');
  }),
});
