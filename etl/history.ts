/**
 * The ETL's records, as files beside the warehouse, written by the ETL (etl/run.ts) and the
 * scheduler (etl/scheduler.ts):
 * - the run history: one JSON file per run under warehouse/runs, written when the run starts and
 *   again when it ends; a run still marked running whose process is gone was killed (crashed);
 * - the scheduler's state file (schedules, next runs, the run in progress).
 * Read by `fis etl status` and the pipeline monitor (etl/status.ts). The monitor in dashboards/
 * reads them through this module and etl/status.ts — a stated exception of the layering rule
 * (eslint.config.js, architecture §1): both modules import nothing of the ETL's machinery.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DqResult } from '../warehouse/quality';
import { warehouseDir } from '../warehouse/snapshots';

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
