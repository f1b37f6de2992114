/**
 * Lake export: a published snapshot as hive-partitioned Parquet (facts by year of their date,
 * dimensions as single files), the hand-off to a distributed engine (Trino, Spark, ClickHouse)
 * when one machine is outgrown. Written to <lake>/<snapshot id>/ with a manifest; `LATEST` names
 * the newest complete export.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../platform/logger';
import { lit, openDuck } from '../warehouse/duckdb';
import { ALL_MODELS } from '../warehouse/models';
import type { SnapshotInfo } from '../warehouse/snapshots';

const log = createLogger('lake');

/** The date column each fact is partitioned by. */
const PARTITION_DATE: Record<string, string> = {
  fact_application: 'received_on',
  fact_hearing: 'held_on',
  fact_decision: 'decided_on',
  fact_course: 'start_on',
  fact_participant: 'entitled_on',
  fact_enrolment: 'enrolled_on',
  fact_exam: 'taken_on',
  fact_invoice: 'period_month',
  fact_voc_entitlement: 'issued_on',
  fact_voc_course: 'start_on',
  fact_voc_enrolment: 'enrolled_on',
};

export interface LakeResult {
  dir: string;
  tables: Record<string, number>;
  seconds: number;
}

export async function exportLake(snapshot: SnapshotInfo, lakeDir: string): Promise<LakeResult> {
  const started = Date.now();
  const out = join(lakeDir, snapshot.id);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const duck = await openDuck(snapshot.file, { readOnly: true });
  const tables: Record<string, number> = {};
  try {
    for (const m of ALL_MODELS) {
      const [r] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM ${m.name}`);
      tables[m.name] = Number(r?.n ?? 0);
      const date = PARTITION_DATE[m.name];
      if (date) {
        await duck.run(
          `COPY (SELECT *, CAST(year(${date}) AS INTEGER) AS year FROM ${m.name}) TO ${lit(join(tmp, m.name))} (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)`,
        );
      } else {
        await duck.run(`COPY ${m.name} TO ${lit(join(tmp, `${m.name}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
      }
    }
  } finally {
    duck.close();
  }
  const manifest = { snapshot: snapshot.id, dataAsOf: snapshot.dataAsOf, exportedAt: new Date().toISOString(), partitioning: 'hive (year=YYYY) for facts', tables };
  writeFileSync(join(tmp, '_manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  writeFileSync(join(lakeDir, 'LATEST'), snapshot.id + '\n');
  const seconds = (Date.now() - started) / 1000;
  log.info(`exported snapshot ${snapshot.id} to ${out} in ${seconds.toFixed(1)} s`);
  return { dir: out, tables, seconds };
}
