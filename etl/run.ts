/**
 * One ETL run: extract (both systems in parallel, incrementally by watermark unless full) → merge
 * into the raw mirror (one transaction) → transform into a new snapshot → data tests and
 * reconciliation → publish atomically → collect old snapshots. Every run is recorded; a failure at
 * any point leaves the previous snapshot serving and the reason in the run history.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, isUserError, oneLine } from '../platform/errors';
import { acquireLock } from '../platform/lock';
import { createLogger } from '../platform/logger';
import type { PgTarget } from '../platform/pg/open';
import { runInWorker } from '../platform/worker';
import { buildWarehouse, rawTable, STAGING_ALIAS } from '../warehouse/build';
import { lit, openDuck, type Duck, type Session } from '../warehouse/duckdb';
import { blocking, saveResults, type DqResult } from '../warehouse/quality';
import { buildingFile, gcSnapshots, newSnapshotId, publishSnapshot, stagingFile, warehouseDir, type SnapshotInfo } from '../warehouse/snapshots';
import { SOURCE_TABLES, type SourceSystem, type SourceTable } from '../warehouse/sources';
import type { ExtractResult, ExtractSpec } from './extract';
import { newRunId, saveRun, type RunRecord } from './history';
import { exportLake } from './lake';

const log = createLogger('etl');

export interface EtlOptions {
  dataDir: string;
  targets: Record<SourceSystem, PgTarget>;
  codelistDir: string;
  full?: boolean;
  trigger: RunRecord['trigger'];
  overlapMinutes: number;
  reconcile: 'full-runs' | 'always';
  snapshotsKeep: number;
  freshnessHours: number;
  lakeDir?: string;
}

export const etlLockFile = (dataDir: string) => join(warehouseDir(dataDir), 'etl.lock');

async function timed<T>(rec: RunRecord, stage: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    rec.stages[stage] = Math.round((Date.now() - t) / 10) / 100;
  }
}

const csvColumns = (t: SourceTable) => `{${t.columns.map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
const readCsv = (t: SourceTable, file: string) =>
  `read_csv(${lit(file)}, header = true, columns = ${csvColumns(t)}, allow_quoted_nulls = false, auto_detect = false, quote = '"', escape = '"', delim = ',')`;

async function readWatermarks(con: Session): Promise<Record<string, string>> {
  const exists = await con.all(`SELECT 1 FROM duckdb_tables() WHERE database_name = '${STAGING_ALIAS}' AND schema_name = 'raw' AND table_name = 'etl_state'`);
  if (exists.length === 0) return {};
  const rows = await con.all<{ t: string; w: string | null }>(`SELECT source_table AS t, strftime(watermark, '%Y-%m-%dT%H:%M:%S.%fZ') AS w FROM ${STAGING_ALIAS}.raw.etl_state`);
  return Object.fromEntries(rows.filter((r) => r.w).map((r) => [r.t, r.w!]));
}

/** Merges the extracted files into the raw mirror, in one transaction; returns rows per table. */
async function mergeIntoStaging(con: Session, extracts: ExtractResult[], full: boolean, runId: string, rec: RunRecord): Promise<void> {
  const files = new Map(extracts.flatMap((e) => e.tables.map((t) => [t.table, t.file] as const)));
  await con.run('BEGIN TRANSACTION');
  try {
    await con.run(`CREATE SCHEMA IF NOT EXISTS ${STAGING_ALIAS}.raw`);
    await con.run(`CREATE TABLE IF NOT EXISTS ${STAGING_ALIAS}.raw.etl_state (source_table VARCHAR PRIMARY KEY, watermark TIMESTAMPTZ, run_id VARCHAR, rows BIGINT)`);
    for (const t of SOURCE_TABLES) {
      const file = files.get(t.name)!;
      const target = rawTable(t);
      const present = (await con.all(`SELECT 1 FROM duckdb_tables() WHERE database_name = '${STAGING_ALIAS}' AND schema_name = 'raw' AND table_name = '${t.raw}'`)).length > 0;
      if (full || !present) {
        await con.run(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${readCsv(t, file)}`);
      } else {
        // idempotent merge by key: replace what was extracted again, add what is new
        await con.run(`DELETE FROM ${target} WHERE ${t.key} IN (SELECT ${t.key} FROM ${readCsv(t, file)})`);
        await con.run(`INSERT INTO ${target} SELECT * FROM ${readCsv(t, file)}`);
      }
      const [stats] = await con.all<{ extracted: number; wm: string | null }>(
        `SELECT count(*) AS extracted, strftime(max(updated_at), '%Y-%m-%dT%H:%M:%S.%fZ') AS wm FROM ${readCsv(t, file)}`,
      );
      const [staged] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${target}`);
      const before = rec.tables[t.name]?.watermarkBefore;
      const after = stats?.wm && (!before || stats.wm > before) ? stats.wm : before;
      rec.tables[t.name] = { extracted: Number(stats?.extracted ?? 0), staged: Number(staged?.n ?? 0), watermarkBefore: before, watermarkAfter: after, quarantined: 0 };
      await con.run(`INSERT OR REPLACE INTO ${STAGING_ALIAS}.raw.etl_state VALUES ($1, $2::TIMESTAMPTZ, $3, $4)`, [t.name, after ?? null, runId, Number(staged?.n ?? 0)]);
    }
    await con.run('COMMIT');
  } catch (e) {
    await con.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Source ↔ warehouse: live source rows per day = mart rows + quarantined rows (and raw = source). */
async function reconcile(con: Session, extracts: ExtractResult[]): Promise<DqResult[]> {
  const results: DqResult[] = [];
  const byTable = new Map(extracts.flatMap((e) => e.tables.map((t) => [t.table, t] as const)));
  for (const t of SOURCE_TABLES) {
    const e = byTable.get(t.name);
    const day = t.dateColumn ? `CAST(${t.dateColumn} AS VARCHAR)` : 'NULL';
    const mart = await con.all<{ d: string | null; n: number }>(
      `SELECT d, sum(n) AS n FROM (
         SELECT ${day} AS d, count(*) AS n FROM ${t.mart} GROUP BY 1
         UNION ALL SELECT CAST(source_date AS VARCHAR), count(*) FROM quarantine WHERE source_table = '${t.name}' GROUP BY 1) GROUP BY 1`,
    );
    const got = new Map(mart.map((r) => [r.d, Number(r.n)]));
    let expected: Map<string | null, number>;
    let against: string;
    if (e?.livePerDay) {
      expected = new Map(e.livePerDay);
      against = 'live source rows';
      const [raw] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${rawTable(t)}`);
      const diff = Math.abs(Number(raw?.n ?? 0) - (e.sourceRows ?? 0));
      results.push({ check: `reconcile ${t.name}: source rows = raw mirror rows`, model: t.mart, kind: 'reconciliation', severity: 'error', failing: diff, passed: diff === 0, sample: diff ? JSON.stringify({ source: e.sourceRows, raw: raw?.n }) : null });
    } else {
      const rows = await con.all<{ d: string | null; n: number }>(`SELECT ${day} AS d, count(*) AS n FROM live_${t.raw} GROUP BY 1`);
      expected = new Map(rows.map((r) => [r.d, Number(r.n)]));
      against = 'live rows of the raw mirror';
    }
    const mismatches: Array<{ day: string | null; expected: number; warehouse: number }> = [];
    for (const d of new Set([...expected.keys(), ...got.keys()])) {
      const a = expected.get(d) ?? 0;
      const b = got.get(d) ?? 0;
      if (a !== b) mismatches.push({ day: d, expected: a, warehouse: b });
    }
    results.push({
      check: `reconcile ${t.name}: ${against} per day = ${t.mart} + quarantine`,
      model: t.mart,
      kind: 'reconciliation',
      severity: 'error',
      failing: mismatches.length,
      passed: mismatches.length === 0,
      sample: mismatches.length ? JSON.stringify(mismatches.slice(0, 5)) : null,
    });
  }
  return results;
}

async function freshness(con: Session, hours: number): Promise<DqResult[]> {
  const out: DqResult[] = [];
  for (const system of ['asylum', 'integration'] as const) {
    const tables = SOURCE_TABLES.filter((t) => t.system === system);
    const [r] = await con.all<{ latest: string | null; age: number | null }>(
      `SELECT strftime(max(m), '%Y-%m-%dT%H:%M:%SZ') AS latest, CAST(epoch(now()) - epoch(max(m)) AS DOUBLE) / 3600 AS age
         FROM (${tables.map((t) => `SELECT max(updated_at) AS m FROM ${rawTable(t)}`).join(' UNION ALL ')})`,
    );
    const stale = r?.age === null || r?.age === undefined || r.age > hours;
    out.push({
      check: `freshness of the ${system} source: latest change within ${hours} h`,
      model: system,
      kind: 'freshness',
      severity: 'warn',
      failing: stale ? 1 : 0,
      passed: !stale,
      sample: JSON.stringify({ latestChange: r?.latest ?? null, ageHours: r?.age === null || r?.age === undefined ? null : Math.round(r.age) }),
    });
  }
  return out;
}

export async function runEtl(opts: EtlOptions): Promise<RunRecord> {
  const dir = warehouseDir(opts.dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = await acquireLock(etlLockFile(opts.dataDir), { purpose: `etl run${opts.full ? ' --full' : ''}`, what: 'the warehouse', waitMs: 0 });
  const runId = newRunId();
  const full = opts.full === true || !existsSync(stagingFile(opts.dataDir));
  const rec: RunRecord = {
    runId, mode: full ? 'full' : 'incremental', trigger: opts.trigger, pid: process.pid, startedAt: new Date().toISOString(),
    status: 'running', tables: {}, models: {}, stages: {}, dq: { errors: 0, warnings: 0, findings: [] },
  };
  saveRun(opts.dataDir, rec);
  const work = join(dir, 'work');
  const snapshotId = newSnapshotId();
  const building = buildingFile(opts.dataDir, snapshotId);
  let duck: Duck | undefined;
  const started = Date.now();
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    gcSnapshots(opts.dataDir, opts.snapshotsKeep);
    log.info(`run ${runId}: ${rec.mode} load`);
    duck = await openDuck(building);
    await duck.session(async (con) => {
      await con.run(`ATTACH ${lit(stagingFile(opts.dataDir))} AS ${STAGING_ALIAS}`);
      const watermarks = full ? {} : await readWatermarks(con);
      for (const t of SOURCE_TABLES) rec.tables[t.name] = { extracted: 0, staged: 0, watermarkBefore: watermarks[t.name], quarantined: 0 };
      const reconcileSource = full || opts.reconcile === 'always';

      const extracts = await timed(rec, 'extract', async () => {
        // both systems in parallel; when one fails, the other finishes and closes its source first
        const settled = await Promise.allSettled(
          (['asylum', 'integration'] as const).map((system) => {
            const spec: ExtractSpec = { system, target: opts.targets[system], dir: work, since: watermarks, overlapMinutes: opts.overlapMinutes, reconcile: reconcileSource };
            return runInWorker<ExtractResult>(new URL('./extract.ts', import.meta.url), 'extractSource', spec);
          }),
        );
        const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        return settled.map((r) => (r as PromiseFulfilledResult<ExtractResult>).value);
      });
      await timed(rec, 'merge', () => mergeIntoStaging(con, extracts, full, runId, rec));
      const [asOf] = await con.all<{ t: string | null }>(
        `SELECT strftime(max(m), '%Y-%m-%dT%H:%M:%SZ') AS t FROM (${SOURCE_TABLES.map((t) => `SELECT max(updated_at) AS m FROM ${rawTable(t)}`).join(' UNION ALL ')})`,
      );
      rec.dataAsOf = asOf?.t ?? null;

      const build = await timed(rec, 'transform', () => buildWarehouse(con, { codelistDir: opts.codelistDir }));
      rec.models = build.models;
      for (const [t, n] of Object.entries(build.quarantined)) rec.tables[t]!.quarantined = n;
      for (const t of SOURCE_TABLES) rec.tables[t.name]!.published = build.models[t.mart];
      const checks = await timed(rec, 'reconcile', async () => [...(await reconcile(con, extracts)), ...(await freshness(con, opts.freshnessHours))]);
      const findings = [...build.tests, ...checks];
      rec.stages.tests = build.seconds.tests ?? 0;
      rec.dq = { errors: blocking(findings).length, warnings: findings.filter((f) => !f.passed && f.severity === 'warn').length, findings: findings.filter((f) => !f.passed) };
      await saveResults(con, findings);
      await con.run(`CREATE OR REPLACE TABLE fis_snapshot AS SELECT $1 AS snapshot_id, $2 AS run_id, $3 AS mode, CAST($4 AS TIMESTAMPTZ) AS data_as_of, now() AS built_at`, [snapshotId, runId, rec.mode, rec.dataAsOf]);
      await con.run(`CREATE OR REPLACE TABLE etl_watermarks AS SELECT * FROM ${STAGING_ALIAS}.raw.etl_state`);
      const failed = blocking(findings);
      if (failed.length) {
        const first = failed[0]!;
        throw Object.assign(
          new UserError(`Publication blocked: ${failed.length} data test(s) failed, first: ${first.check} (${first.failing} failing).`, { exitCode: 3 }),
          { blocked: true },
        );
      }
      await con.run(`DETACH ${STAGING_ALIAS}`);
      await con.run('CHECKPOINT');
    });
    duck.close();
    duck = undefined;
    const published: SnapshotInfo = await timed(rec, 'publish', async () => publishSnapshot(opts.dataDir, { id: snapshotId, runId, mode: rec.mode, dataAsOf: rec.dataAsOf ?? null }));
    gcSnapshots(opts.dataDir, opts.snapshotsKeep);
    rec.snapshot = published.id;
    rec.status = 'succeeded';
    if (opts.lakeDir) await timed(rec, 'lake', () => exportLake(published, opts.lakeDir!));
    rec.stages.total = Math.round((Date.now() - started) / 10) / 100;
    log.info(`run ${runId} published snapshot ${published.id} in ${rec.stages.total} s`, { stages: rec.stages, quarantined: Object.values(rec.tables).reduce((s, t) => s + t.quarantined, 0), warnings: rec.dq.warnings });
    return rec;
  } catch (e) {
    rec.status = (e as { blocked?: boolean }).blocked ? 'blocked' : 'failed';
    rec.error = oneLine(e);
    if (!isUserError(e)) log.debug('stack', { stack: (e as Error).stack });
    throw isUserError(e) ? e : new UserError(`The ETL run failed: ${rec.error}`, { cause: e });
  } finally {
    duck?.close();
    rec.endedAt = new Date().toISOString();
    rec.stages.total ??= Math.round((Date.now() - started) / 10) / 100;
    saveRun(opts.dataDir, rec);
    if (rec.status !== 'succeeded') {
      rmSync(building, { force: true });
      rmSync(`${building}.wal`, { force: true });
    }
    rmSync(work, { recursive: true, force: true });
    lock.release();
  }
}
