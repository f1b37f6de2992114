/**
 * The raw mirror of the sources (`warehouse/staging.duckdb`; a transform attaches it as `staging`):
 * its tables, their names, and the one merge that writes them. Schema `raw`:
 * - `<t.raw>` per source table: its mirrored columns as extracted (`rawTable`);
 * - `chg_<t.raw>`, the change log (`changeLog`): (seq, k) for every key a merge brought in — the
 *   incremental transform's input. For the tables of FULL_REBUILD_TABLES only keys of rows new or
 *   different, so that rows extracted again unchanged in the safety overlap do not force a rebuild;
 * - `etl_merges` (`MERGES`): one row per merge (seq, run, whether it reloaded everything);
 * - `etl_state` (`WATERMARKS`): per source table the watermark (latest updated_at seen), the run
 *   and the rows mirrored.
 * The merge is one transaction: tables, logs and watermarks change together or not at all.
 */
import type { Session } from './duckdb';
import { FULL_REBUILD_TABLES, SOURCE_TABLES, keyType, type SourceTable } from './sources';

export const STAGING_ALIAS = 'staging';
const RAW = `${STAGING_ALIAS}.raw`;

export const rawTable = (t: SourceTable) => `${RAW}.${t.raw}`;
export const changeLog = (t: SourceTable) => `${RAW}.chg_${t.raw}`;
export const MERGES = `${RAW}.etl_merges`;
export const WATERMARKS = `${RAW}.etl_state`;
/** Where a merge puts the extracted rows of one table before it replaces them by key. */
const DELTA = `${RAW}._delta`;

async function hasTable(con: Session, name: string): Promise<boolean> {
  return (await con.all(`SELECT 1 FROM duckdb_tables() WHERE database_name = '${STAGING_ALIAS}' AND schema_name = 'raw' AND table_name = '${name}'`)).length > 0;
}

/** The watermark per source table (ISO), from the last merge; empty before the first. */
export async function readWatermarks(con: Session): Promise<Record<string, string>> {
  if (!(await hasTable(con, 'etl_state'))) return {};
  const rows = await con.all<{ t: string; w: string | null }>(`SELECT source_table AS t, strftime(watermark, '%Y-%m-%dT%H:%M:%S.%fZ') AS w FROM ${WATERMARKS}`);
  return Object.fromEntries(rows.filter((r) => r.w).map((r) => [r.t, r.w!]));
}

/** The rows extracted from one source table, for a merge. */
export interface Extracted {
  table: SourceTable;
  /** a relation reading them (e.g. read_csv of the extracted file), with the mirrored columns */
  relation: string;
  rows: number;
  /** the latest updated_at among them */
  maxUpdatedAt: string | null;
  /** the table's watermark before this merge */
  watermarkBefore?: string;
}

export interface Merged {
  seq: number;
  /** per source table: rows in the mirror after the merge, and the new watermark */
  tables: Record<string, { staged: number; watermarkAfter?: string }>;
}

/**
 * Merges extracted rows into the raw mirror, in one transaction, with the new watermarks, and logs
 * the keys it merged under a new merge sequence number: `full` (or a table not yet mirrored)
 * replaces a table and clears its log, otherwise rows are replaced by key (idempotent). Log entries
 * the current snapshot already includes (`pruneUpTo`) are dropped.
 */
export async function mergeIntoMirror(con: Session, extracted: readonly Extracted[], opts: { full: boolean; runId: string; pruneUpTo?: number }): Promise<Merged> {
  const byTable = new Map(extracted.map((e) => [e.table.name, e]));
  const tables: Merged['tables'] = {};
  await con.run('BEGIN TRANSACTION');
  try {
    await con.run(`CREATE SCHEMA IF NOT EXISTS ${RAW}`);
    await con.run(`CREATE TABLE IF NOT EXISTS ${WATERMARKS} (source_table VARCHAR PRIMARY KEY, watermark TIMESTAMPTZ, run_id VARCHAR, rows BIGINT)`);
    await con.run(`CREATE TABLE IF NOT EXISTS ${MERGES} (seq BIGINT PRIMARY KEY, run_id VARCHAR, full_reload BOOLEAN, merged_at TIMESTAMPTZ)`);
    const [last] = await con.all<{ seq: number | null }>(`SELECT max(seq) AS seq FROM ${MERGES}`);
    const seq = Number(last?.seq ?? 0) + 1;
    let reloaded = opts.full;
    for (const t of SOURCE_TABLES) {
      const e = byTable.get(t.name)!;
      const target = rawTable(t);
      const log = changeLog(t);
      const present = await hasTable(con, t.raw);
      await con.run(`CREATE TABLE IF NOT EXISTS ${log} (seq BIGINT, k ${keyType(t)})`);
      if (opts.full || !present) {
        await con.run(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${e.relation}`);
        await con.run(`DELETE FROM ${log}`);
        reloaded = true;
      } else if (e.rows > 0) {
        // idempotent merge by key: replace what was extracted again, add what is new
        await con.run(`CREATE OR REPLACE TABLE ${DELTA} AS SELECT * FROM ${e.relation}`);
        await con.run(
          FULL_REBUILD_TABLES.includes(t.name)
            ? `INSERT INTO ${log} SELECT ${seq}, n.${t.key} FROM ${DELTA} n LEFT JOIN ${target} o ON o.${t.key} = n.${t.key} WHERE o.${t.key} IS NULL OR n IS DISTINCT FROM o`
            : `INSERT INTO ${log} SELECT ${seq}, ${t.key} FROM ${DELTA}`,
        );
        await con.run(`DELETE FROM ${target} WHERE ${t.key} IN (SELECT ${t.key} FROM ${DELTA})`);
        await con.run(`INSERT INTO ${target} SELECT * FROM ${DELTA}`);
        await con.run(`DROP TABLE ${DELTA}`);
      }
      if (opts.pruneUpTo !== undefined) await con.run(`DELETE FROM ${log} WHERE seq <= ${opts.pruneUpTo}`);
      const [staged] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${target}`);
      const before = e.watermarkBefore;
      const after = e.maxUpdatedAt && (!before || e.maxUpdatedAt > before) ? e.maxUpdatedAt : before;
      tables[t.name] = { staged: Number(staged?.n ?? 0), watermarkAfter: after };
      await con.run(`INSERT OR REPLACE INTO ${WATERMARKS} VALUES ($1, $2::TIMESTAMPTZ, $3, $4)`, [t.name, after ?? null, opts.runId, Number(staged?.n ?? 0)]);
    }
    await con.run(`INSERT INTO ${MERGES} VALUES ($1, $2, $3, now())`, [seq, opts.runId, reloaded]);
    await con.run('COMMIT');
    return { seq, tables };
  } catch (e) {
    await con.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Whether a merge after `seq` reloaded the mirror (then its change log cannot patch a snapshot). */
export async function reloadedSince(con: Session, seq: number): Promise<boolean> {
  const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${MERGES} WHERE seq > ${seq} AND full_reload`);
  return Number(r?.n) > 0;
}

/** Keys merged into the raw mirror after merge `sinceSeq`, per source table. */
export async function changedKeyCounts(con: Session, sinceSeq: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of SOURCE_TABLES) {
    const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM (SELECT DISTINCT k FROM ${changeLog(t)} WHERE seq > ${sinceSeq})`);
    out[t.name] = Number(r?.n ?? 0);
  }
  return out;
}
