/**
 * Extraction from one operational system: checks the source still has the contract's tables and
 * columns, then streams each table (or, incrementally, the rows changed since its watermark minus a
 * safety overlap for late-committing transactions) with COPY into a CSV file — never row by row.
 * Only the columns the warehouse uses are copied (see SourceColumn.mirrored). For reconciliation
 * the rows of every source table are counted in the same consistent snapshot.
 * Runs in a worker thread per system (see run.ts).
 */
import { join } from 'node:path';
import { UserError } from '../platform/errors';
import { createLogger } from '../platform/logger';
import type { PgClient } from '../platform/pg/client';
import { openPg, type PgTarget } from '../platform/pg/open';
import { SOURCE_TABLES, mirroredColumns, type SourceSystem, type SourceTable } from '../warehouse/sources';

const log = createLogger('etl.extract');

export interface ExtractSpec {
  system: SourceSystem;
  target: PgTarget;
  dir: string;
  /** Per table: extract rows with updated_at ≥ this (ISO), or everything when absent. */
  since: Record<string, string | undefined>;
  overlapMinutes: number;
  reconcile: boolean;
}

export interface ExtractedTable {
  table: string;
  file: string;
  bytes: number;
  since?: string;
  /** Rows extracted, and the latest updated_at among them (the next watermark). */
  rows: number;
  maxUpdatedAt: string | null;
  /** For reconciliation: all rows of the source table. */
  sourceRows?: number;
}

export interface ExtractResult {
  system: SourceSystem;
  tables: ExtractedTable[];
  seconds: number;
}

async function checkContract(db: PgClient, system: SourceSystem, tables: readonly SourceTable[]): Promise<void> {
  const schemas = [...new Set(tables.map((t) => t.name.split('.')[0]!))];
  // the catalogue itself: information_schema.columns answers the same four times slower
  const rows = await db.query<{ t: string; c: string }>(
    `SELECT n.nspname || '.' || c.relname AS t, a.attname AS c
       FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
    [schemas],
  );
  const have = new Set(rows.map((r) => `${r.t}.${r.c}`));
  const tablesHave = new Set(rows.map((r) => r.t));
  for (const t of tables) {
    if (!tablesHave.has(t.name)) throw new UserError(`The ${system} source lacks the table ${t.name}.`);
    for (const c of t.columns) {
      if (!have.has(`${t.name}.${c.name}`)) throw new UserError(`The ${system} source's table ${t.name} lacks the column ${c.name}.`);
    }
  }
}

export async function extractSource(spec: ExtractSpec): Promise<ExtractResult> {
  const started = Date.now();
  const tables = SOURCE_TABLES.filter((t) => t.system === spec.system);
  const db = await openPg(spec.target, { label: `${spec.system} source`, purpose: 'etl extract', mustExist: true });
  try {
    await checkContract(db, spec.system, tables);
    // one consistent view of the source for all its tables
    await db.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const out: ExtractedTable[] = [];
    for (const t of tables) {
      const since = spec.since[t.name];
      const where = since ? ` WHERE updated_at >= '${since.replace(/'/g, '')}'::timestamptz - interval '${spec.overlapMinutes} minutes'` : '';
      const file = join(spec.dir, `${t.raw}.csv`);
      let started = Date.now();
      // the watermark and row count of exactly what is copied (same snapshot)
      const [agg] = await db.query<{ n: string; m: string | null }>(
        `SELECT count(*) AS n, to_char(max(updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS m FROM ${t.name}${where}`,
      );
      const bytes = await db.copyOutToFile(`SELECT ${mirroredColumns(t).map((c) => c.name).join(', ')} FROM ${t.name}${where}`, file);
      const e: ExtractedTable = { table: t.name, file, bytes, since, rows: Number(agg?.n ?? 0), maxUpdatedAt: agg?.m ?? null };
      log.debug(`${t.name}: ${e.rows} rows, ${bytes} bytes in ${Date.now() - started} ms`);
      started = Date.now();
      if (spec.reconcile) {
        // all rows of the table: known already on a full extraction, one count otherwise
        e.sourceRows = since ? Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.name}`))[0]?.n ?? 0) : e.rows;
        log.debug(`${t.name}: source count in ${Date.now() - started} ms`);
      }
      out.push(e);
    }
    await db.exec('COMMIT');
    return { system: spec.system, tables: out, seconds: (Date.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}
