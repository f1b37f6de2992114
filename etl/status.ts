/** What `fis etl status` and the pipeline monitor show: snapshot, schedule, recent runs, findings, quarantine. */
import { existsSync, readFileSync } from 'node:fs';
import { openDuck } from '../warehouse/duckdb';
import { readCurrent, type SnapshotInfo } from '../warehouse/snapshots';
import { listRuns, type RunRecord } from './history';
import { schedulerStateFile, type SchedulerState } from './scheduler';

export interface EtlStatus {
  snapshot: SnapshotInfo | null;
  scheduler: SchedulerState | null;
  runs: RunRecord[];
  quarantine: Array<{ source_table: string; reason: string; rows: number; sample_key: string }>;
}

export async function etlStatus(dataDir: string, limit = 10): Promise<EtlStatus> {
  const snapshot = readCurrent(dataDir) ?? null;
  let scheduler: SchedulerState | null = null;
  if (existsSync(schedulerStateFile(dataDir))) {
    try {
      scheduler = JSON.parse(readFileSync(schedulerStateFile(dataDir), 'utf8')) as SchedulerState;
      try {
        process.kill(scheduler.pid, 0);
      } catch {
        scheduler = null; // a stale file of a scheduler that is gone
      }
    } catch {
      scheduler = null;
    }
  }
  let quarantine: EtlStatus['quarantine'] = [];
  if (snapshot && existsSync(snapshot.file)) {
    const duck = await openDuck(snapshot.file, { readOnly: true });
    try {
      quarantine = await duck.all(
        `SELECT source_table, reason, count(*) AS rows, min(source_key) AS sample_key FROM quarantine GROUP BY 1, 2 ORDER BY 1, 2`,
      );
    } finally {
      duck.close();
    }
  }
  return { snapshot, scheduler, runs: listRuns(dataDir, limit), quarantine };
}
