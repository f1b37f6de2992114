/**
 * Transform: builds a snapshot (the current database of `con`) from the raw mirror of the sources
 * (attached as `staging`). Layers: staging views (rename/cast only) → live rows → quarantine →
 * clean rows → models (dimensions, facts, rollups) → data tests.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../platform/logger';
import { loadCodeListTables } from './codelists';
import type { Session } from './duckdb';
import { ALL_MODELS, CODELIST_MODELS, MODELS } from './models';
import type { Model } from './models/model';
import { runModelTests, type DqResult } from './quality';
import { cleanRowsSql, quarantineSql, quarantinedKeysView } from './quarantine';
import { rawTable } from './raw-mirror';
import { rel, type LiveRows } from './relations';
import { SOURCE_TABLES, liveRowsSql, mirroredColumns, sourceTable, type SourceTable } from './sources';

const log = createLogger('warehouse');

/** The staging view: the raw mirror with its columns renamed/cast to the warehouse types. */
export function stagingViewSql(t: SourceTable): string {
  return `SELECT ${mirroredColumns(t).map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`).join(', ')} FROM ${rawTable(t)}`;
}

/**
 * What a snapshot's content follows from besides the source rows: the code lists and every model,
 * quarantine and staging definition. A snapshot with another fingerprint cannot be patched.
 */
export function buildFingerprint(codelistDir: string, recordKeys = ''): string {
  // the record keys follow the secret and DuckDB's hash function: a new secret or DuckDB version rebuilds
  const h = createHash('sha256').update(`fis-build/2\n${recordKeys}\n${DUCKDB_VERSION}\n`);
  for (const f of readdirSync(codelistDir).filter((x) => x.endsWith('.xml')).sort()) h.update(`${f}\n`).update(readFileSync(join(codelistDir, f)));
  for (const m of ALL_MODELS) h.update(JSON.stringify([m.name, m.sql, m.tests]));
  for (const t of SOURCE_TABLES) h.update(JSON.stringify([t, stagingViewSql(t), quarantineSql(t), liveRowsSql(t, (n) => n)]));
  return h.digest('hex').slice(0, 16);
}

const DUCKDB_VERSION = (() => {
  try {
    return (createRequire(import.meta.url)('@duckdb/node-api/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export interface BuildResult {
  models: Record<string, number>;
  quarantined: Record<string, number>;
  tests: DqResult[];
  seconds: Record<string, number>;
  /** What reconciliation reads on this connection: every live row. */
  live: LiveRows;
}

/** Runs a statement and logs its duration at debug level (the transform's profile). */
async function step(con: Session, label: string, sql: string): Promise<void> {
  const t = Date.now();
  await con.run(sql);
  log.debug(`${label} in ${Date.now() - t} ms`);
}

/** Adds the seconds `fn` takes to `seconds[name]`. */
export async function timed<T>(seconds: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    seconds[name] = (seconds[name] ?? 0) + (Date.now() - t) / 1000;
  }
}

export async function createModel(con: Session, m: Model): Promise<number> {
  await step(con, `model ${m.name}`, `CREATE OR REPLACE TABLE ${m.name} AS ${m.sql}`);
  const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${m.name}`);
  return Number(r?.n ?? 0);
}

export async function buildWarehouse(con: Session, opts: { codelistDir: string }): Promise<BuildResult> {
  const seconds: Record<string, number> = {};
  const models: Record<string, number> = {};
  const quarantined: Record<string, number> = {};

  // row order inside tables carries no meaning here; letting DuckDB write in parallel is faster
  await con.run('SET preserve_insertion_order = false');
  await timed(seconds, 'codelists', async () => {
    await loadCodeListTables(con, opts.codelistDir);
    for (const m of CODELIST_MODELS) models[m.name] = await createModel(con, m);
  });

  await timed(seconds, 'quarantine', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP VIEW ${rel.stg(t)} AS ${stagingViewSql(t)}`);
    }
    // live rows (not deleted, no deleted parent), computed once: quarantine, clean rows and reconciliation read them
    for (const t of SOURCE_TABLES) {
      await step(con, `live rows ${t.name}`, `CREATE OR REPLACE TEMP TABLE ${rel.live(t)} AS ${liveRowsSql(t, (n) => rel.stg(sourceTable(n)))}`);
    }
    await con.run(`CREATE OR REPLACE TABLE quarantine (source_table VARCHAR, source_key VARCHAR, source_date DATE, reason VARCHAR, source_row VARCHAR)`);
    for (const t of SOURCE_TABLES) {
      await con.run(quarantinedKeysView(t));
    }
    for (const t of SOURCE_TABLES) {
      await step(con, `quarantine rules ${t.name}`, `INSERT INTO quarantine SELECT * FROM (${quarantineSql(t)}) WHERE reason IS NOT NULL`);
      const [q] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM quarantine WHERE source_table = '${t.name}'`);
      // clean rows: live and not quarantined
      await step(
        con,
        `clean rows ${t.name}`,
        Number(q?.n) === 0
          ? `CREATE OR REPLACE TEMP VIEW ${rel.clean(t)} AS SELECT * FROM ${rel.live(t)}`
          : `CREATE OR REPLACE TEMP TABLE ${rel.clean(t)} AS ${cleanRowsSql(t)}`,
      );
    }
    for (const r of await con.all<{ t: string; n: number }>(`SELECT source_table AS t, count(*) AS n FROM quarantine GROUP BY 1`)) quarantined[r.t] = r.n;
  });

  await timed(seconds, 'models', async () => {
    for (const m of MODELS) models[m.name] = await createModel(con, m);
  });

  const tests = await timed(seconds, 'tests', () => runModelTests(con, ALL_MODELS));
  return { models, quarantined, tests, seconds, live: { rows: (t) => rel.live(t), onDays: () => undefined } };
}
