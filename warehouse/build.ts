/**
 * Transform: builds a snapshot (the current database of `con`) from the raw mirror of the sources
 * (attached as `staging`). Layers: staging views (rename/cast only) → live rows → quarantine →
 * clean rows → models (dimensions, facts, rollups) → data tests.
 */
import { loadCodeListTables } from './codelists';
import type { Session } from './duckdb';
import { ALL_MODELS, CODELIST_MODELS, MODELS } from './models';
import type { Model } from './models/model';
import { runModelTests, type DqResult } from './quality';
import { reasonExpression } from './quarantine';
import { SOURCE_TABLES, liveRowsSql, sourceTable, type SourceTable } from './sources';

export const STAGING_ALIAS = 'staging';
export const rawTable = (t: SourceTable) => `${STAGING_ALIAS}.raw.${t.raw}`;

/** The staging view: the raw mirror with its columns renamed/cast to the warehouse types. */
export function stagingViewSql(t: SourceTable): string {
  return `SELECT ${t.columns.map((c) => `CAST(${c.name} AS ${c.type}) AS ${c.name}`).join(', ')} FROM ${rawTable(t)}`;
}

export interface BuildResult {
  models: Record<string, number>;
  quarantined: Record<string, number>;
  tests: DqResult[];
  seconds: Record<string, number>;
}

async function timed<T>(seconds: Record<string, number>, name: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    seconds[name] = (seconds[name] ?? 0) + (Date.now() - t) / 1000;
  }
}

export async function createModel(con: Session, m: Model): Promise<number> {
  await con.run(`CREATE OR REPLACE TABLE ${m.name} AS ${m.sql}`);
  const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${m.name}`);
  return Number(r?.n ?? 0);
}

export async function buildWarehouse(con: Session, opts: { codelistDir: string }): Promise<BuildResult> {
  const seconds: Record<string, number> = {};
  const models: Record<string, number> = {};
  const quarantined: Record<string, number> = {};

  await timed(seconds, 'codelists', async () => {
    await loadCodeListTables(con, opts.codelistDir);
    for (const m of CODELIST_MODELS) models[m.name] = await createModel(con, m);
  });

  await timed(seconds, 'quarantine', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP VIEW stg_${t.raw} AS ${stagingViewSql(t)}`);
      await con.run(`CREATE OR REPLACE TEMP VIEW live_${t.raw} AS ${liveRowsSql(t, (n) => `stg_${sourceTable(n).raw}`)}`);
    }
    await con.run(`CREATE OR REPLACE TABLE quarantine (source_table VARCHAR, source_key VARCHAR, source_date DATE, reason VARCHAR, source_row VARCHAR)`);
    for (const t of SOURCE_TABLES) {
      await con.run(
        `INSERT INTO quarantine
         SELECT '${t.name}', CAST(q.${t.key} AS VARCHAR), ${t.dateColumn ? `q.${t.dateColumn}` : 'NULL'}, q._reason, CAST(to_json(q) AS VARCHAR)
           FROM (SELECT r.*, ${reasonExpression(t)} AS _reason FROM live_${t.raw} r) q
          WHERE q._reason IS NOT NULL`,
      );
      // clean rows: live and not quarantined, materialised because the facts join them repeatedly
      await con.run(
        `CREATE OR REPLACE TEMP TABLE clean_${t.raw} AS
         SELECT * FROM live_${t.raw} r
          WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.source_table = '${t.name}' AND q.source_key = CAST(r.${t.key} AS VARCHAR))`,
      );
    }
    for (const r of await con.all<{ t: string; n: number }>(`SELECT source_table AS t, count(*) AS n FROM quarantine GROUP BY 1`)) quarantined[r.t] = r.n;
  });

  await timed(seconds, 'models', async () => {
    for (const m of MODELS) models[m.name] = await createModel(con, m);
  });

  const tests = await timed(seconds, 'tests', () => runModelTests(con, ALL_MODELS));
  return { models, quarantined, tests, seconds };
}
