/**
 * One ETL run: extract (both systems in parallel, incrementally by watermark unless full) → merge
 * into the raw mirror (one transaction, logging the keys merged: warehouse/raw-mirror.ts) → plan
 * and transform into a new snapshot (a full build, or the current snapshot copied and patched with
 * the changes: warehouse/incremental.ts) → data tests and reconciliation → publish atomically →
 * collect old snapshots. Every run is recorded (etl/history.ts); a failure at any point leaves the
 * previous snapshot serving and the reason in the run history.
 *
 * `runEtl` is the list of the stages; each stage is a function that takes what it needs and
 * returns its part of the run record beside what later stages need. Only `RunLog` writes the record.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getConfig } from '../platform/config';
import { UserError, isUserError, oneLine } from '../platform/errors';
import { acquireLock } from '../platform/lock';
import { createLogger } from '../platform/logger';
import type { PgTarget } from '../platform/pg/open';
import { runInWorker } from '../platform/worker';
import { buildFingerprint, buildWarehouse, type BuildResult } from '../warehouse/build';
import { buildIncremental } from '../warehouse/incremental';
import { lit, openDuck, type Session } from '../warehouse/duckdb';
import { blocking, saveResults, type DqResult } from '../warehouse/quality';
import { recordKeySecret, secretFingerprint, useRecordKeys } from '../warehouse/record-keys';
import { STAGING_ALIAS, WATERMARKS, changedKeyCounts, mergeIntoMirror, rawTable, readWatermarks, reloadedSince } from '../warehouse/raw-mirror';
import type { LiveRows } from '../warehouse/relations';
import { buildingFile, gcSnapshots, newSnapshotId, publishSnapshot, readCurrent, stagingFile, warehouseDir, type SnapshotInfo } from '../warehouse/snapshots';
import { FULL_REBUILD_TABLES, SOURCE_TABLES, mirroredColumns, type SourceSystem, type SourceTable } from '../warehouse/sources';
import { BlockedError } from './blocked';
import type { ExtractResult, ExtractSpec } from './extract';
import { newRunId, saveRun, type RunRecord, type TableStats } from './history';
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

/** What a stage adds to the run record: fields, seconds per stage, and per source table some of its figures. */
type RecordPart = Partial<Omit<RunRecord, 'tables' | 'stages'>> & { tables?: Record<string, Partial<TableStats>>; stages?: Record<string, number> };

/** A table's figures in the order the run history has always written them. */
const tableStats = (s: Partial<TableStats>): TableStats => ({
  extracted: s.extracted ?? 0, staged: s.staged ?? 0, watermarkBefore: s.watermarkBefore, watermarkAfter: s.watermarkAfter, quarantined: s.quarantined ?? 0, published: s.published,
});

/** What a stage returns: its part of the record, beside what later stages need. */
type Staged = { record?: RecordPart };

const seconds = (since: number) => Math.round((Date.now() - since) / 10) / 100;

/** The run record: saved when the run starts and when it ends; stages add their parts. */
class RunLog {
  readonly rec: RunRecord;
  readonly started = Date.now();

  constructor(private readonly dataDir: string, mode: RunRecord['mode'], trigger: RunRecord['trigger']) {
    this.rec = {
      runId: newRunId(), mode, trigger, pid: process.pid, startedAt: new Date().toISOString(),
      status: 'running', tables: {}, models: {}, stages: {}, dq: { errors: 0, warnings: 0, findings: [] },
    };
    saveRun(dataDir, this.rec);
  }

  add({ tables, stages, ...fields }: RecordPart): void {
    Object.assign(this.rec, fields);
    Object.assign(this.rec.stages, stages);
    for (const [name, t] of Object.entries(tables ?? {})) this.rec.tables[name] = tableStats({ ...this.rec.tables[name], ...t });
  }

  /** Runs a stage: its part goes into the record, its seconds under `name` (also when it fails). */
  async stage<T extends object>(name: string, fn: () => Promise<T & Staged>): Promise<T> {
    const t = Date.now();
    try {
      const out = await fn();
      if (out.record) this.add(out.record);
      return out;
    } finally {
      this.rec.stages[name] = seconds(t);
    }
  }

  mark(what: string): void {
    log.debug(`${what} at ${Date.now() - this.started} ms`);
  }

  end(): RunRecord {
    this.rec.endedAt = new Date().toISOString();
    this.rec.stages.total ??= seconds(this.started);
    saveRun(this.dataDir, this.rec);
    return this.rec;
  }
}

/** The files of one run: its work directory (the extracts) and the snapshot it builds. */
function runFiles(dataDir: string) {
  const snapshotId = newSnapshotId();
  return { work: join(warehouseDir(dataDir), 'work'), snapshotId, building: buildingFile(dataDir, snapshotId) };
}
type RunFiles = ReturnType<typeof runFiles>;

/** Opens a DuckDB file, runs `fn` on one session and closes it again. */
async function withSession<T>(file: string, fn: (con: Session) => Promise<T>): Promise<T> {
  const duck = await openDuck(file);
  try {
    return await duck.session(fn);
  } finally {
    duck.close();
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

/** Stage: an empty work directory, old snapshots collected, and what the new snapshot could build on. */
async function prepare(opts: EtlOptions, files: RunFiles, full: boolean): Promise<{ fingerprint: string; base?: BaseSnapshot }> {
  rmSync(files.work, { recursive: true, force: true });
  mkdirSync(files.work, { recursive: true });
  gcSnapshots(opts.dataDir, opts.snapshotsKeep);
  return { fingerprint: buildFingerprint(opts.codelistDir, secretFingerprint(recordKeySecret(opts.dataDir, getConfig().disclosure.recordKeySecret))), base: full ? undefined : await readBase(opts.dataDir) };
}

/** Stage: both systems extracted in parallel (a worker each); when one fails, the other finishes and closes its source first. */
async function extract(opts: EtlOptions, dir: string, watermarks: Record<string, string>, full: boolean): Promise<{ extracts: ExtractResult[] }> {
  const reconcile = full || opts.reconcile === 'always';
  const settled = await Promise.allSettled(
    (['asylum', 'integration'] as const).map((system) => {
      const spec: ExtractSpec = { system, target: opts.targets[system], dir, since: watermarks, overlapMinutes: opts.overlapMinutes, reconcile };
      return runInWorker<ExtractResult>(new URL('./extract.ts', import.meta.url), 'extractSource', spec);
    }),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { extracts: settled.map((r) => (r as PromiseFulfilledResult<ExtractResult>).value) };
}

const csvColumns = (t: SourceTable) => `{${mirroredColumns(t).map((c) => `'${c.name}': '${c.type}'`).join(', ')}}`;
const readCsv = (t: SourceTable, file: string) =>
  `read_csv(${lit(file)}, header = true, columns = ${csvColumns(t)}, allow_quoted_nulls = false, auto_detect = false, quote = '"', escape = '"', delim = ',')`;

/** Stage: the extracted files merged into the raw mirror; the tables' figures and the data's date. */
async function merge(con: Session, extracts: ExtractResult[], watermarks: Record<string, string>, opts: { full: boolean; runId: string; pruneUpTo?: number }) {
  const byTable = new Map(extracts.flatMap((e) => e.tables.map((t) => [t.table, t] as const)));
  const merged = await mergeIntoMirror(
    con,
    SOURCE_TABLES.map((t) => {
      const e = byTable.get(t.name)!;
      return { table: t, relation: readCsv(t, e.file), rows: e.rows, maxUpdatedAt: e.maxUpdatedAt, watermarkBefore: watermarks[t.name] };
    }),
    opts,
  );
  const [asOf] = await con.all<{ t: string | null }>(`SELECT strftime(max(watermark), '%Y-%m-%dT%H:%M:%SZ') AS t FROM ${WATERMARKS}`);
  const tables = Object.fromEntries(SOURCE_TABLES.map((t) => [t.name, { extracted: byTable.get(t.name)!.rows, ...merged.tables[t.name], quarantined: 0 }]));
  return { mergeSeq: merged.seq, record: { tables, dataAsOf: asOf?.t ?? null } satisfies RecordPart };
}

type TransformPlan = { kind: 'full'; reason: string } | { kind: 'incremental'; base: BaseSnapshot; changed: Record<string, number> };

/** Above this share of changed rows a full transform is as quick as patching. */
const INCREMENTAL_MAX_SHARE = 0.05;

/** Stage: whether the changes merged since the current snapshot can be patched into a copy of it. */
async function planTransform(con: Session, full: boolean, base: BaseSnapshot | undefined, fingerprint: string): Promise<{ plan: TransformPlan; record: RecordPart }> {
  const plan = await choosePlan(con, full, base, fingerprint);
  log.info(plan.kind === 'full' ? `full transform: ${plan.reason}` : `incremental transform of ${Object.values(plan.changed).reduce((a, b) => a + b, 0)} changed rows on snapshot ${plan.base.info.id}`);
  return { plan, record: { transform: plan.kind === 'full' ? { kind: 'full', reason: plan.reason } : { kind: 'incremental', changed: plan.changed } } };
}

async function choosePlan(con: Session, full: boolean, base: BaseSnapshot | undefined, fingerprint: string): Promise<TransformPlan> {
  if (full) return { kind: 'full', reason: 'full run' };
  if (!base) return { kind: 'full', reason: 'no snapshot to build on' };
  if (base.fingerprint !== fingerprint) return { kind: 'full', reason: 'code lists or models changed since the current snapshot' };
  if (await reloadedSince(con, base.mergeSeq)) return { kind: 'full', reason: 'the raw mirror was reloaded since the current snapshot' };
  const changed = await changedKeyCounts(con, base.mergeSeq);
  const whole = FULL_REBUILD_TABLES.filter((t) => (changed[t] ?? 0) > 0);
  if (whole.length) return { kind: 'full', reason: `${whole.join(' and ')} changed` };
  const [staged] = await con.all<{ n: number }>(`SELECT sum(rows) AS n FROM ${WATERMARKS}`);
  const total = Object.values(changed).reduce((a, b) => a + b, 0);
  if (total > INCREMENTAL_MAX_SHARE * Number(staged?.n ?? 0)) return { kind: 'full', reason: `${total} changed rows, more than ${INCREMENTAL_MAX_SHARE * 100} % of all` };
  return { kind: 'incremental', base, changed };
}

/** Stage: the file to build in — the copy of the current snapshot for a patch (made meanwhile), none for a fresh build. */
async function settleCopy(plan: TransformPlan, copying: Promise<boolean>, building: string): Promise<Staged> {
  const done = await copying;
  if (plan.kind === 'incremental' && !done) await copyFile(plan.base.info.file, building);
  if (plan.kind === 'full' && done) rmSync(building, { force: true });
  return {};
}

/** Stage: the new snapshot's content, built fresh or patched; models, quarantined and published rows. */
async function transform(con: Session, plan: TransformPlan, codelistDir: string, dataDir: string): Promise<{ build: BuildResult; record: RecordPart }> {
  await useRecordKeys(con, recordKeySecret(dataDir, getConfig().disclosure.recordKeySecret));
  const patched = plan.kind === 'incremental' ? await buildIncremental(con, plan.base.mergeSeq) : undefined;
  const build = patched ?? (await buildWarehouse(con, { codelistDir }));
  const tables = Object.fromEntries(SOURCE_TABLES.map((t) => [t.name, { ...(t.name in build.quarantined ? { quarantined: build.quarantined[t.name] } : {}), published: build.models[t.mart] }]));
  const transform = plan.kind === 'incremental' && patched ? { transform: { kind: 'incremental' as const, changed: plan.changed, rebuilt: patched.affected } } : {};
  return { build, record: { models: build.models, tables, ...transform } };
}

/**
 * Reconciliation. Against the source (full runs, or always when configured): all rows of each
 * source table = rows of the raw mirror. Every run: live mirror rows per day (architecture §4's rule) =
 * mart rows + quarantined rows per day — nothing lost, nothing invented; after an incremental
 * transform on the days it touched (`live`), the rest did not change.
 */
async function reconcile(con: Session, extracts: ExtractResult[], live: LiveRows): Promise<DqResult[]> {
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
    const martDays = t.dateColumn ? live.onDays(t, t.dateColumn) : undefined;
    const quarantineDays = live.onDays(t, 'source_date');
    const mismatches = await con.all<{ day: string | null; live: number; warehouse: number }>(
      `WITH live AS (SELECT ${day} AS d, count(*) AS n FROM ${live.rows(t)} GROUP BY 1),
            wh AS (SELECT d, sum(n) AS n FROM (SELECT ${day} AS d, count(*) AS n FROM ${t.mart}${martDays ? ` WHERE ${martDays}` : ''} GROUP BY 1
                   UNION ALL SELECT CAST(source_date AS VARCHAR), count(*) FROM quarantine WHERE source_table = '${t.name}'${quarantineDays ? ` AND ${quarantineDays}` : ''} GROUP BY 1) GROUP BY 1)
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
         FROM ${WATERMARKS} WHERE source_table IN (${names})`,
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

/** Stage: reconciliation and freshness; with the model tests, the findings of the run. */
async function check(con: Session, build: BuildResult, extracts: ExtractResult[], freshnessHours: number): Promise<{ findings: DqResult[] }> {
  return { findings: [...build.tests, ...(await reconcile(con, extracts, build.live)), ...(await freshness(con, freshnessHours))] };
}

/** The findings as the run history keeps them: counts, and the ones that failed. */
const dqSummary = (findings: DqResult[]): RunRecord['dq'] => ({
  errors: blocking(findings).length, warnings: findings.filter((f) => !f.passed && f.severity === 'warn').length, findings: findings.filter((f) => !f.passed),
});

/**
 * Stage: the snapshot made complete — its findings, what it was built from, the watermarks — and,
 * unless an error-level finding blocks it, checkpointed for publication.
 */
async function seal(con: Session, findings: DqResult[], snapshot: Omit<SnapshotInfo, 'file' | 'publishedAt'> & { mergeSeq: number; fingerprint: string; transform: TransformPlan['kind'] }): Promise<void> {
  await saveResults(con, findings);
  await con.run(
    `CREATE OR REPLACE TABLE fis_snapshot AS SELECT $1 AS snapshot_id, $2 AS run_id, $3 AS mode, CAST($4 AS TIMESTAMPTZ) AS data_as_of, now() AS built_at,
            CAST($5 AS BIGINT) AS merge_seq, $6 AS build_fingerprint, $7 AS transform`,
    [snapshot.id, snapshot.runId, snapshot.mode, snapshot.dataAsOf, snapshot.mergeSeq, snapshot.fingerprint, snapshot.transform],
  );
  await con.run(`CREATE OR REPLACE TABLE etl_watermarks AS SELECT * FROM ${WATERMARKS}`);
  const failed = blocking(findings);
  if (failed.length) throw new BlockedError(failed);
  await con.run(`DETACH ${STAGING_ALIAS}`);
  await con.run('CHECKPOINT');
}

/** Stage: the sealed snapshot published (the CURRENT pointer swapped by rename). */
async function publish(dataDir: string, snapshot: Omit<SnapshotInfo, 'file' | 'publishedAt'>): Promise<{ published: SnapshotInfo }> {
  return { published: publishSnapshot(dataDir, snapshot) };
}

export async function runEtl(opts: EtlOptions): Promise<RunRecord> {
  mkdirSync(warehouseDir(opts.dataDir), { recursive: true });
  const lock = await acquireLock(etlLockFile(opts.dataDir), { purpose: `etl run${opts.full ? ' --full' : ''}`, what: 'the warehouse', waitMs: 0 });
  const full = opts.full === true || !existsSync(stagingFile(opts.dataDir));
  const run = new RunLog(opts.dataDir, full ? 'full' : 'incremental', opts.trigger);
  const { rec } = run;
  const files = runFiles(opts.dataDir);
  const snapshot = () => ({ id: files.snapshotId, runId: rec.runId, mode: rec.mode, dataAsOf: rec.dataAsOf ?? null });
  let copying: Promise<boolean> = Promise.resolve(false);
  try {
    log.info(`run ${rec.runId}: ${rec.mode} load`);
    const { fingerprint, base } = await prepare(opts, files, full);
    run.mark('current snapshot read');
    // the copy an incremental transform patches, made while the sources are read (discarded if unused)
    if (base) copying = copyFile(base.info.file, files.building).then(() => true, () => false);

    // the raw mirror (opened as the main database: its catalog is `staging`)
    const { extracts, mergeSeq, plan } = await withSession(stagingFile(opts.dataDir), async (con) => {
      const watermarks = full ? {} : await readWatermarks(con);
      run.add({ tables: Object.fromEntries(SOURCE_TABLES.map((t) => [t.name, { watermarkBefore: watermarks[t.name] }])) });
      const { extracts } = await run.stage('extract', () => extract(opts, files.work, watermarks, full));
      run.mark('extracted');
      const { mergeSeq } = await run.stage('merge', () => merge(con, extracts, watermarks, { full, runId: rec.runId, pruneUpTo: base?.mergeSeq }));
      run.mark('merged');
      const { plan, record } = await planTransform(con, full, base, fingerprint);
      run.add(record);
      return { extracts, mergeSeq, plan };
    });
    run.mark('transform planned');

    // the new snapshot: transformed, tested, sealed
    await run.stage('copy', () => settleCopy(plan, copying, files.building));
    await withSession(files.building, async (con) => {
      await con.run(`ATTACH ${lit(stagingFile(opts.dataDir))} AS ${STAGING_ALIAS}`);
      const { build } = await run.stage('transform', () => transform(con, plan, opts.codelistDir, opts.dataDir));
      run.mark('transformed');
      const { findings } = await run.stage('reconcile', () => check(con, build, extracts, opts.freshnessHours));
      run.add({ stages: { tests: build.seconds.tests ?? 0 }, dq: dqSummary(findings) });
      await seal(con, findings, { ...snapshot(), mergeSeq, fingerprint, transform: plan.kind });
      run.mark('checkpointed');
    });
    run.mark('closed');

    const { published } = await run.stage('publish', () => publish(opts.dataDir, snapshot()));
    gcSnapshots(opts.dataDir, opts.snapshotsKeep);
    run.add({ snapshot: published.id, status: 'succeeded' });
    if (opts.lakeDir) {
      await run.stage('lake', async () => {
        await exportLake(published, opts.lakeDir!);
        return {};
      });
    }
    run.add({ stages: { total: seconds(run.started) } });
    log.info(`run ${rec.runId} published snapshot ${published.id} in ${rec.stages.total} s`, { stages: rec.stages, quarantined: Object.values(rec.tables).reduce((s, t) => s + t.quarantined, 0), warnings: rec.dq.warnings });
    return rec;
  } catch (e) {
    run.add({ status: e instanceof BlockedError ? 'blocked' : 'failed', error: oneLine(e) });
    if (!isUserError(e)) log.debug('stack', { stack: (e as Error).stack });
    throw isUserError(e) ? e : new UserError(`The ETL run failed: ${rec.error}`, { cause: e });
  } finally {
    run.end();
    if (rec.status !== 'succeeded') {
      await copying; // a copy still being written would come back after the removal
      rmSync(files.building, { force: true });
      rmSync(`${files.building}.wal`, { force: true });
    }
    rmSync(files.work, { recursive: true, force: true });
    lock.release();
  }
}
