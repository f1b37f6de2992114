/**
 * Extraction from one operational system: checks the source still has the contract's tables and
 * columns, then streams each table (or, incrementally, the rows changed since its watermark minus a
 * safety overlap for late-committing transactions) with COPY into a CSV file — never row by row.
 * Optionally counts the live rows per table and day on the source, for reconciliation.
 * Runs in a worker thread per system (see run.ts).
 */
import { join } from 'node:path';
import { UserError } from '../platform/errors';
import type { PgClient } from '../platform/pg/client';
import { openPg, type PgTarget } from '../platform/pg/open';
import { SOURCE_TABLES, liveRowsSql, type SourceSystem, type SourceTable } from '../warehouse/sources';

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
  /** Rows of the source table, and of those the live ones per day (reconciliation). */
  sourceRows?: number;
  livePerDay?: Array<[string | null, number]>;
}

export interface ExtractResult {
  system: SourceSystem;
  tables: ExtractedTable[];
  seconds: number;
}

async function checkContract(db: PgClient, system: SourceSystem, tables: readonly SourceTable[]): Promise<void> {
  const schemas = [...new Set(tables.map((t) => t.name.split('.')[0]!))];
  const rows = await db.query<{ t: string; c: string }>(
    `SELECT table_schema || '.' || table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = ANY($1)`,
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
      const bytes = await db.copyOutToFile(`SELECT ${t.columns.map((c) => c.name).join(', ')} FROM ${t.name}${where}`, file);
      const e: ExtractedTable = { table: t.name, file, bytes, since };
      if (spec.reconcile) {
        const [total] = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t.name}`);
        e.sourceRows = Number(total?.n ?? 0);
        const live = liveRowsSql(t, (n) => n);
        const perDay = await db.query<{ d: string | null; n: string }>(
          `SELECT ${t.dateColumn ? `r.${t.dateColumn}::text` : 'NULL::text'} AS d, count(*) AS n FROM (${live}) r GROUP BY 1 ORDER BY 1`,
        );
        e.livePerDay = perDay.map((r) => [r.d, Number(r.n)]);
      }
      out.push(e);
    }
    await db.exec('COMMIT');
    return { system: spec.system, tables: out, seconds: (Date.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}
