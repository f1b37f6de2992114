/**
 * One ETL run: extract (both systems in parallel, incrementally by watermark unless full) → merge
 * into the raw mirror (one transaction, logging the keys merged) → transform into a new snapshot
 * (a full build, or the current snapshot copied and patched with the changes: see
 * warehouse/incremental.ts) → data tests and reconciliation → publish atomically → collect old
 * snapshots. Every run is recorded; a failure at any point leaves the previous snapshot serving
 * and the reason in the run history.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, isUserError, oneLine } from '../platform/errors';
import { acquireLock } from '../platform/lock';
import { createLogger } from '../platform/logger';
import type { PgTarget } from '../platform/pg/open';
import { runInWorker } from '../platform/worker';
import { buildFingerprint, buildWarehouse, rawTable, STAGING_ALIAS, type BuildResult } from '../warehouse/build';
import { FULL_REBUILD_TABLES, buildIncremental, changeLog, changedKeyCounts, liveRowsOnChangedDays, onChangedDay } from '../warehouse/incremental';
import { lit, openDuck, type Duck, type Session } from '../warehouse/duckdb';
import { blocking, saveResults, type DqResult } from '../warehouse/quality';
import { buildingFile, gcSnapshots, newSnapshotId, publishSnapshot, readCurrent, stagingFile, warehouseDir, type SnapshotInfo } from '../warehouse/snapshots';
import { SOURCE_TABLES, keyType, mirroredColumns, type SourceSystem, type SourceTable } from '../warehouse/sources';
import type { ExtractResult, ExtractSpec } from './extract';
import { newRunId, saveRun, type RunRecord } from '../warehouse/pipeline';
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

const csvColumns = (t: SourceTable) => `{${mirroredColumns(t).map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
const readCsv = (t: SourceTable, file: string) =>
  `read_csv(${lit(file)}, header = true, columns = ${csvColumns(t)}, allow_quoted_nulls = false, auto_detect = false, quote = '"', escape = '"', delim = ',')`;

async function readWatermarks(con: Session): Promise<Record<string, string>> {
  const exists = await con.all(`SELECT 1 FROM duckdb_tables() WHERE database_name = '${STAGING_ALIAS}' AND schema_name = 'raw' AND table_name = 'etl_state'`);
  if (exists.length === 0) return {};
  const rows = await con.all<{ t: string; w: string | null }>(`SELECT source_table AS t, strftime(watermark, '%Y-%m-%dT%H:%M:%S.%fZ') AS w FROM ${STAGING_ALIAS}.raw.etl_state`);
  return Object.fromEntries(rows.filter((r) => r.w).map((r) => [r.t, r.w!]));
}

/** The merge log of the raw mirror: one row per merge, with the keys each merged in `chg_<table>`. */
const MERGES = `${STAGING_ALIAS}.raw.etl_merges`;

/**
 * Merges the extracted files into the raw mirror, in one transaction, with the new watermarks, and
 * logs the keys it merged (the incremental transform's input) under a new merge sequence number.
 * Log entries the current snapshot already includes (`pruneUpTo`) are dropped. Returns the number.
 */
async function mergeIntoStaging(con: Session, extracts: ExtractResult[], full: boolean, runId: string, rec: RunRecord, pruneUpTo: number | undefined): Promise<number> {
  const byTable = new Map(extracts.flatMap((e) => e.tables.map((t) => [t.table, t] as const)));
  await con.run('BEGIN TRANSACTION');
  try {
    await con.run(`CREATE SCHEMA IF NOT EXISTS ${STAGING_ALIAS}.raw`);
    await con.run(`CREATE TABLE IF NOT EXISTS ${STAGING_ALIAS}.raw.etl_state (source_table VARCHAR PRIMARY KEY, watermark TIMESTAMPTZ, run_id VARCHAR, rows BIGINT)`);
    await con.run(`CREATE TABLE IF NOT EXISTS ${MERGES} (seq BIGINT PRIMARY KEY, run_id VARCHAR, full_reload BOOLEAN, merged_at TIMESTAMPTZ)`);
    const [last] = await con.all<{ seq: number | null }>(`SELECT max(seq) AS seq FROM ${MERGES}`);
    const seq = Number(last?.seq ?? 0) + 1;
    let reloaded = full;
    for (const t of SOURCE_TABLES) {
      const e = byTable.get(t.name)!;
      const target = rawTable(t);
      const log = changeLog(t);
      const present = (await con.all(`SELECT 1 FROM duckdb_tables() WHERE database_name = '${STAGING_ALIAS}' AND schema_name = 'raw' AND table_name = '${t.raw}'`)).length > 0;
      await con.run(`CREATE TABLE IF NOT EXISTS ${log} (seq BIGINT, k ${keyType(t)})`);
      if (full || !present) {
        await con.run(`CREATE OR REPLACE TABLE ${target} AS SELECT * FROM ${readCsv(t, e.file)}`);
        await con.run(`DELETE FROM ${log}`);
        reloaded = true;
      } else if (e.rows > 0) {
        // idempotent merge by key: replace what was extracted again, add what is new
        const delta = `${STAGING_ALIAS}.raw._delta`;
        await con.run(`CREATE OR REPLACE TABLE ${delta} AS SELECT * FROM ${readCsv(t, e.file)}`);
        // logged: the keys merged; for offices and providers, whose change rebuilds everything, only
        // rows new or different — not those extracted again unchanged in the safety overlap
        await con.run(
          FULL_REBUILD_TABLES.includes(t.name)
            ? `INSERT INTO ${log} SELECT ${seq}, n.${t.key} FROM ${delta} n LEFT JOIN ${target} o ON o.${t.key} = n.${t.key} WHERE o.${t.key} IS NULL OR n IS DISTINCT FROM o`
            : `INSERT INTO ${log} SELECT ${seq}, ${t.key} FROM ${delta}`,
        );
        await con.run(`DELETE FROM ${target} WHERE ${t.key} IN (SELECT ${t.key} FROM ${delta})`);
        await con.run(`INSERT INTO ${target} SELECT * FROM ${delta}`);
        await con.run(`DROP TABLE ${delta}`);
      }
      if (pruneUpTo !== undefined) await con.run(`DELETE FROM ${log} WHERE seq <= ${pruneUpTo}`);
      const [staged] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${target}`);
      const before = rec.tables[t.name]?.watermarkBefore;
      const after = e.maxUpdatedAt && (!before || e.maxUpdatedAt > before) ? e.maxUpdatedAt : before;
      rec.tables[t.name] = { extracted: e.rows, staged: Number(staged?.n ?? 0), watermarkBefore: before, watermarkAfter: after, quarantined: 0 };
      await con.run(`INSERT OR REPLACE INTO ${STAGING_ALIAS}.raw.etl_state VALUES ($1, $2::TIMESTAMPTZ, $3, $4)`, [t.name, after ?? null, runId, Number(staged?.n ?? 0)]);
    }
    await con.run(`INSERT INTO ${MERGES} VALUES ($1, $2, $3, now())`, [seq, runId, reloaded]);
    await con.run('COMMIT');
    return seq;
  } catch (e) {
    await con.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** What the current snapshot was built from: the last merge it includes and the build fingerprint. */
interface BaseSnapshot {
  info: SnapshotInfo;
  mergeSeq: number;
  fingerprint: string;
}

async function readBase(dataDir: string): Promise<BaseSnapshot | undefined> {
  const info = readCurrent(dataDir);
  if (!info || !existsSync(info.file)) return undefined;
  const duck = await openDuck(info.file, { readOnly: true });
  try {
    const [r] = await duck.all<{ s: number | null; f: string | null }>(`SELECT merge_seq AS s, build_fingerprint AS f FROM fis_snapshot`);
    return r?.s === null || r?.s === undefined || !r.f ? undefined : { info, mergeSeq: Number(r.s), fingerprint: r.f };
  } catch {
    return undefined; // built by an earlier version of FIS
  } finally {
    duck.close();
  }
}

type TransformPlan = { kind: 'full'; reason: string } | { kind: 'incremental'; base: BaseSnapshot; changed: Record<string, number> };

/** Whether the changes merged since the current snapshot can be patched into a copy of it. */
async function planTransform(con: Session, full: boolean, base: BaseSnapshot | undefined, fingerprint: string): Promise<TransformPlan> {
  if (full) return { kind: 'full', reason: 'full run' };
  if (!base) return { kind: 'full', reason: 'no snapshot to build on' };
  if (base.fingerprint !== fingerprint) return { kind: 'full', reason: 'code lists or models changed since the current snapshot' };
  const [reload] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${MERGES} WHERE seq > ${base.mergeSeq} AND full_reload`);
  if (Number(reload?.n) > 0) return { kind: 'full', reason: 'the raw mirror was reloaded since the current snapshot' };
  const changed = await changedKeyCounts(con, base.mergeSeq);
  const whole = FULL_REBUILD_TABLES.filter((t) => (changed[t] ?? 0) > 0);
  if (whole.length) return { kind: 'full', reason: `${whole.join(' and ')} changed` };
  const [staged] = await con.all<{ n: number }>(`SELECT sum(rows) AS n FROM ${STAGING_ALIAS}.raw.etl_state`);
  const total = Object.values(changed).reduce((a, b) => a + b, 0);
  if (total > INCREMENTAL_MAX_SHARE * Number(staged?.n ?? 0)) return { kind: 'full', reason: `${total} changed rows, more than ${INCREMENTAL_MAX_SHARE * 100} % of all` };
  return { kind: 'incremental', base, changed };
}

/** Above this share of changed rows a full transform is as quick as patching. */
const INCREMENTAL_MAX_SHARE = 0.05;

/**
 * Reconciliation. Against the source (full runs, or always when configured): all rows of each
 * source table = rows of the raw mirror. Every run: live mirror rows per day (architecture §4's rule) =
 * mart rows + quarantined rows per day — nothing lost, nothing invented.
 */
async function reconcile(con: Session, extracts: ExtractResult[], changedDaysOnly: boolean): Promise<DqResult[]> {
  const results: DqResult[] = [];
  const byTable = new Map(extracts.flatMap((e) => e.tables.map((t) => [t.table, t] as const)));
  const result = (check: string, model: string, mismatches: unknown[]): DqResult => ({
    check, model, kind: 'reconciliation', severity: 'error', failing: mismatches.length, passed: mismatches.length === 0,
    sample: mismatches.length ? JSON.stringify(mismatches.slice(0, 5)) : null,
  });
  for (const t of SOURCE_TABLES) {
    const e = byTable.get(t.name);
    if (e?.sourceRows !== undefined) {
      const [m] = await con.all<{ rows: number }>(`SELECT count(*) AS rows FROM ${rawTable(t)}`);
      const off = Number(m!.rows) !== e.sourceRows ? [{ source: e.sourceRows, rawMirror: Number(m!.rows) }] : [];
      results.push(result(`reconcile ${t.name}: source rows = raw mirror rows`, t.mart, off));
    }
    const day = t.dateColumn ? `CAST(${t.dateColumn} AS VARCHAR)` : 'NULL';
    // an incremental transform reconciles the days its rows were or are on; the rest did not change
    const onDays = changedDaysOnly && t.dateColumn;
    const liveRows = onDays ? `(${liveRowsOnChangedDays(t)})` : `live_${t.raw}`;
    const mismatches = await con.all<{ day: string | null; live: number; warehouse: number }>(
      `WITH live AS (SELECT ${day} AS d, count(*) AS n FROM ${liveRows} GROUP BY 1),
            wh AS (SELECT d, sum(n) AS n FROM (SELECT ${day} AS d, count(*) AS n FROM ${t.mart}${onDays ? ` WHERE ${onChangedDay(t, t.dateColumn!)}` : ''} GROUP BY 1
                   UNION ALL SELECT CAST(source_date AS VARCHAR), count(*) FROM quarantine WHERE source_table = '${t.name}'${onDays ? ` AND ${onChangedDay(t, 'source_date')}` : ''} GROUP BY 1) GROUP BY 1)
       SELECT coalesce(live.d, wh.d) AS day, coalesce(live.n, 0) AS live, coalesce(wh.n, 0) AS warehouse
         FROM live FULL JOIN wh ON live.d IS NOT DISTINCT FROM wh.d
        WHERE coalesce(live.n, 0) <> coalesce(wh.n, 0) ORDER BY 1 LIMIT 20`,
    );
    results.push(result(`reconcile ${t.name}: live rows per day = ${t.mart} + quarantine`, t.mart, mismatches));
  }
  return results;
}

/** Freshness per source: the latest change seen (the watermarks) is not older than the threshold. */
async function freshness(con: Session, hours: number): Promise<DqResult[]> {
  const out: DqResult[] = [];
  for (const system of ['asylum', 'integration'] as const) {
    const names = SOURCE_TABLES.filter((t) => t.system === system).map((t) => `'${t.name}'`).join(', ');
    const [r] = await con.all<{ latest: string | null; age: number | null }>(
      `SELECT strftime(max(watermark), '%Y-%m-%dT%H:%M:%SZ') AS latest, CAST(epoch(now()) - epoch(max(watermark)) AS DOUBLE) / 3600 AS age
         FROM ${STAGING_ALIAS}.raw.etl_state WHERE source_table IN (${names})`,
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
  let copying: Promise<boolean> = Promise.resolve(false);
  const started = Date.now();
  const mark = (what: string) => log.debug(`${what} at ${Date.now() - started} ms`);
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    gcSnapshots(opts.dataDir, opts.snapshotsKeep);
    log.info(`run ${runId}: ${rec.mode} load`);
    const fingerprint = buildFingerprint(opts.codelistDir);
    const base = full ? undefined : await readBase(opts.dataDir);
    mark('current snapshot read');

    // the copy an incremental transform patches, made while the sources are read (discarded if unused)
    if (base) copying = copyFile(base.info.file, building).then(() => true, () => false);
    // extract and merge into the raw mirror (opened as the main database: its catalog is `staging`)
    duck = await openDuck(stagingFile(opts.dataDir));
    const { extracts, mergeSeq, plan } = await duck.session(async (con) => {
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
      mark('extracted');
      const mergeSeq = await timed(rec, 'merge', () => mergeIntoStaging(con, extracts, full, runId, rec, base?.mergeSeq));
      mark('merged');
      const [asOf] = await con.all<{ t: string | null }>(`SELECT strftime(max(watermark), '%Y-%m-%dT%H:%M:%SZ') AS t FROM ${STAGING_ALIAS}.raw.etl_state`);
      rec.dataAsOf = asOf?.t ?? null;
      return { extracts, mergeSeq, plan: await planTransform(con, full, base, fingerprint) };
    });
    duck.close();
    duck = undefined;
    mark('transform planned');
    rec.transform = plan.kind === 'full' ? { kind: 'full', reason: plan.reason } : { kind: 'incremental', changed: plan.changed };
    log.info(plan.kind === 'full' ? `full transform: ${plan.reason}` : `incremental transform of ${Object.values(plan.changed).reduce((a, b) => a + b, 0)} changed rows on snapshot ${plan.base.info.id}`);

    // transform into a new snapshot: a fresh build, or a copy of the current one patched
    await timed(rec, 'copy', async () => {
      const done = await copying;
      if (plan.kind === 'incremental' && !done) await copyFile(plan.base.info.file, building);
      if (plan.kind === 'full' && done) rmSync(building, { force: true });
    });
    duck = await openDuck(building);
    await duck.session(async (con) => {
      await con.run(`ATTACH ${lit(stagingFile(opts.dataDir))} AS ${STAGING_ALIAS}`);
      let build: BuildResult;
      if (plan.kind === 'incremental') {
        const patched = await timed(rec, 'transform', () => buildIncremental(con, plan.base.mergeSeq));
        rec.transform = { kind: 'incremental', changed: plan.changed, rebuilt: patched.affected };
        build = patched;
      } else build = await timed(rec, 'transform', () => buildWarehouse(con, { codelistDir: opts.codelistDir }));
      rec.models = build.models;
      for (const [t, n] of Object.entries(build.quarantined)) rec.tables[t]!.quarantined = n;
      for (const t of SOURCE_TABLES) rec.tables[t.name]!.published = build.models[t.mart];
      mark('transformed');
      const checks = await timed(rec, 'reconcile', async () => [...(await reconcile(con, extracts, plan.kind === 'incremental')), ...(await freshness(con, opts.freshnessHours))]);
      const findings = [...build.tests, ...checks];
      rec.stages.tests = build.seconds.tests ?? 0;
      rec.dq = { errors: blocking(findings).length, warnings: findings.filter((f) => !f.passed && f.severity === 'warn').length, findings: findings.filter((f) => !f.passed) };
      await saveResults(con, findings);
      mark('results saved');
      await con.run(
        `CREATE OR REPLACE TABLE fis_snapshot AS SELECT $1 AS snapshot_id, $2 AS run_id, $3 AS mode, CAST($4 AS TIMESTAMPTZ) AS data_as_of, now() AS built_at,
                CAST($5 AS BIGINT) AS merge_seq, $6 AS build_fingerprint, $7 AS transform`,
        [snapshotId, runId, rec.mode, rec.dataAsOf, mergeSeq, fingerprint, plan.kind],
      );
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
      mark('checkpointed');
    });
    duck.close();
    duck = undefined;
    mark('closed');
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
      await copying; // a copy still being written would come back after the removal
      rmSync(building, { force: true });
      rmSync(`${building}.wal`, { force: true });
    }
    rmSync(work, { recursive: true, force: true });
    lock.release();
  }
}
