/**
 * What `fis etl status` and the pipeline monitor show: the current snapshot, the schedule, recent
 * runs (etl/history.ts), freshness per source and quarantined rows with sample keys. Read-only.
 */
import { existsSync } from 'node:fs';
import { openDuck } from '../warehouse/duckdb';
import { readCurrent, type SnapshotInfo } from '../warehouse/snapshots';
import { SOURCE_TABLES } from '../warehouse/sources';
import { listRuns, readSchedulerState, type RunRecord, type SchedulerState } from './history';

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
