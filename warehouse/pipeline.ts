/**
 * The state of the data pipeline as files beside the warehouse, written by the ETL and the
 * scheduler and read by `fis etl status` and the pipeline monitor (which must not depend on etl/):
 * - the run history: one JSON file per run under warehouse/runs, written when the run starts and
 *   again when it ends; a run still marked running whose process is gone was killed (crashed);
 * - the scheduler's state file (schedules, next runs, the run in progress);
 * - the status: the current snapshot, freshness per source, quarantined rows with sample keys.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuck } from './duckdb';
import type { DqResult } from './quality';
import { readCurrent, warehouseDir, type SnapshotInfo } from './snapshots';
import { SOURCE_TABLES } from './sources';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'blocked' | 'crashed';

export interface TableStats {
  extracted: number;
  /** Rows in the raw mirror after the merge. */
  staged: number;
  watermarkBefore?: string;
  watermarkAfter?: string;
  quarantined: number;
  /** Rows of the table's mart. */
  published?: number;
}

export interface RunRecord {
  runId: string;
  mode: 'full' | 'incremental';
  trigger: 'cli' | 'scheduler' | 'manual' | 'demo';
  pid: number;
  startedAt: string;
  endedAt?: string;
  status: RunStatus;
  error?: string;
  snapshot?: string;
  dataAsOf?: string | null;
  tables: Record<string, TableStats>;
  models: Record<string, number>;
  /** Seconds per stage. */
  stages: Record<string, number>;
  dq: { errors: number; warnings: number; findings: DqResult[] };
  /**
   * How the snapshot was built: from scratch (with the reason), or by patching the current one —
   * with the keys changed and the rows rebuilt per source table.
   */
  transform?: { kind: 'full'; reason: string } | { kind: 'incremental'; changed: Record<string, number>; rebuilt?: Record<string, number> };
}

export const runsDir = (dataDir: string) => join(warehouseDir(dataDir), 'runs');

export function newRunId(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z') + '-' + process.pid;
}

export function saveRun(dataDir: string, rec: RunRecord): void {
  mkdirSync(runsDir(dataDir), { recursive: true });
  const file = join(runsDir(dataDir), `${rec.runId}.json`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(rec, null, 2) + '\n');
  renameSync(tmp, file);
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The newest runs first. */
export function listRuns(dataDir: string, limit = 20): RunRecord[] {
  let files: string[];
  try {
    files = readdirSync(runsDir(dataDir)).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .sort()
    .reverse()
    .slice(0, limit)
    .flatMap((f) => {
      try {
        const r = JSON.parse(readFileSync(join(runsDir(dataDir), f), 'utf8')) as RunRecord;
        if (r.status === 'running' && !alive(r.pid)) return [{ ...r, status: 'crashed' as const, error: r.error ?? 'the process ended during the run' }];
        return [r];
      } catch {
        return [];
      }
    });
}

export interface SchedulerState {
  pid: number;
  startedAt: string;
  schedules: { incremental: string; full: string; timezone: string };
  next: { incremental: string | null; full: string | null };
  running: { mode: 'full' | 'incremental'; since: string; attempt: number } | null;
  last?: { mode: string; endedAt: string; status: 'succeeded' | 'failed' | 'blocked'; attempts: number };
}

export const schedulerStateFile = (dataDir: string) => join(warehouseDir(dataDir), 'scheduler.json');

/** The running scheduler's state, or null when none runs (a file left by one that is gone is ignored). */
export function readSchedulerState(dataDir: string): SchedulerState | null {
  if (!existsSync(schedulerStateFile(dataDir))) return null;
  try {
    const s = JSON.parse(readFileSync(schedulerStateFile(dataDir), 'utf8')) as SchedulerState;
    return alive(s.pid) ? s : null;
  } catch {
    return null;
  }
}

export interface SourceFreshness {
  system: 'asylum' | 'integration';
  /** the latest change seen in the source (its watermark), ISO */
  latestChange: string | null;
  ageHours: number | null;
  thresholdHours: number;
  fresh: boolean;
}

export interface QuarantineGroup {
  source_table: string;
  reason: string;
  rows: number;
  /** up to five source keys with their dates — keys only, never the row's contents */
  samples: Array<{ key: string; date: string | null }>;
}

export interface EtlStatus {
  snapshot: SnapshotInfo | null;
  scheduler: SchedulerState | null;
  runs: RunRecord[];
  freshness: SourceFreshness[];
  quarantine: QuarantineGroup[];
}

/** What `fis etl status` and the pipeline monitor show: snapshot, schedule, recent runs, freshness, quarantine. */
export async function etlStatus(dataDir: string, opts: { runs?: number; freshnessHours: number; now?: Date }): Promise<EtlStatus> {
  const snapshot = readCurrent(dataDir) ?? null;
  let quarantine: QuarantineGroup[] = [];
  let freshness: SourceFreshness[] = [];
  if (snapshot && existsSync(snapshot.file)) {
    const duck = await openDuck(snapshot.file, { readOnly: true });
    try {
      const groups = await duck.all<{ source_table: string; reason: string; rows: number; samples: Array<{ key: string; date: string | null }> }>(
        `SELECT source_table, reason, count(*) AS rows,
                list({'key': source_key, 'date': CAST(source_date AS VARCHAR)} ORDER BY source_key)[1:5] AS samples
           FROM quarantine GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      quarantine = groups.map((g) => ({ ...g, rows: Number(g.rows), samples: [...g.samples].map((x) => ({ key: String(x.key), date: x.date ?? null })) }));
      const now = (opts.now ?? new Date()).getTime();
      const marks = await duck.all<{ source_table: string; w: string | null }>(`SELECT source_table, strftime(watermark, '%Y-%m-%dT%H:%M:%SZ') AS w FROM etl_watermarks`);
      freshness = (['asylum', 'integration'] as const).map((system) => {
        const tables = new Set(SOURCE_TABLES.filter((t) => t.system === system).map((t) => t.name));
        const latest = marks.filter((m) => tables.has(m.source_table) && m.w).map((m) => m.w!).sort().at(-1) ?? null;
        const ageHours = latest ? Math.round(((now - Date.parse(latest)) / 36e5) * 10) / 10 : null;
        return { system, latestChange: latest, ageHours, thresholdHours: opts.freshnessHours, fresh: ageHours !== null && ageHours <= opts.freshnessHours };
      });
    } finally {
      duck.close();
    }
  }
  return { snapshot, scheduler: readSchedulerState(dataDir), runs: listRuns(dataDir, opts.runs ?? 10), freshness, quarantine };
}
