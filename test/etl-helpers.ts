/** Helpers for the ETL and warehouse tests: run options, warehouse checksums, reconciliation against the sources. */
import { expect } from 'vitest';
import type { EtlOptions } from '../etl/run';
import type { PgTarget } from '../platform/pg/open';
import { openPg } from '../platform/pg/open';
import type { SourceSystem } from '../platform/sources';
import { openDuck } from '../warehouse/duckdb';
import { ALL_MODELS } from '../warehouse/models';
import { readCurrent } from '../warehouse/snapshots';
import { codelistDir } from './helpers';

export const etlOpts = (dataDir: string, targets: Record<SourceSystem, PgTarget>, full: boolean): EtlOptions => ({
  dataDir,
  targets,
  codelistDir,
  full,
  trigger: 'cli',
  overlapMinutes: 10,
  reconcile: 'full-runs',
  snapshotsKeep: 3,
  freshnessHours: 24 * 365 * 10,
});

/** Count and md5 of every model's rows (sorted), and of the raw mirror. */
export async function warehouseChecksums(dataDir: string): Promise<Record<string, string>> {
  const snap = readCurrent(dataDir)!;
  const duck = await openDuck(snap.file, { readOnly: true });
  const out: Record<string, string> = {};
  try {
    for (const m of [...ALL_MODELS.map((x) => x.name), 'quarantine']) {
      const [r] = await duck.all<{ n: number; h: string }>(`SELECT count(*) AS n, md5(coalesce(string_agg(CAST(t AS VARCHAR), E'\\n' ORDER BY CAST(t AS VARCHAR)), '')) AS h FROM ${m} t`);
      out[m] = `${r!.n}:${r!.h}`;
    }
  } finally {
    duck.close();
  }
  return out;
}

// Live rows per day, written here independently of the warehouse code: architecture §4's rule that
// deleted rows, and rows whose parent is deleted, never count.
const LIVE_PER_DAY: Record<string, { mart: string; martDate: string; sql: string }> = {
  'asyl.application': { mart: 'fact_application', martDate: 'received_on', sql: `SELECT received_on::text AS d, count(*) AS n FROM asyl.application WHERE deleted_at IS NULL GROUP BY 1` },
  'asyl.decision': {
    mart: 'fact_decision', martDate: 'decided_on',
    sql: `SELECT d.decided_on::text AS d, count(*) AS n FROM asyl.decision d JOIN asyl.application a USING (application_id) WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL GROUP BY 1`,
  },
  'asyl.hearing': {
    mart: 'fact_hearing', martDate: 'held_on',
    sql: `SELECT h.held_on::text AS d, count(*) AS n FROM asyl.hearing h JOIN asyl.application a USING (application_id) WHERE h.deleted_at IS NULL AND a.deleted_at IS NULL GROUP BY 1`,
  },
  'integ.course': { mart: 'fact_course', martDate: 'start_on', sql: `SELECT start_on::text AS d, count(*) AS n FROM integ.course WHERE deleted_at IS NULL GROUP BY 1` },
  'integ.participant': { mart: 'fact_participant', martDate: 'entitled_on', sql: `SELECT entitled_on::text AS d, count(*) AS n FROM integ.participant WHERE deleted_at IS NULL GROUP BY 1` },
  'integ.enrolment': {
    mart: 'fact_enrolment', martDate: 'enrolled_on',
    sql: `SELECT e.enrolled_on::text AS d, count(*) AS n FROM integ.enrolment e JOIN integ.participant p USING (participant_id) JOIN integ.course c USING (course_id)
           WHERE e.deleted_at IS NULL AND p.deleted_at IS NULL AND c.deleted_at IS NULL GROUP BY 1`,
  },
  'integ.exam': {
    mart: 'fact_exam', martDate: 'taken_on',
    sql: `SELECT x.taken_on::text AS d, count(*) AS n FROM integ.exam x JOIN integ.participant p USING (participant_id) LEFT JOIN integ.course c ON c.course_id = x.course_id
           WHERE x.deleted_at IS NULL AND p.deleted_at IS NULL AND c.deleted_at IS NULL GROUP BY 1`,
  },
  'integ.invoice': { mart: 'fact_invoice', martDate: 'period_month', sql: `SELECT period_month::text AS d, count(*) AS n FROM integ.invoice WHERE deleted_at IS NULL GROUP BY 1` },
  'berd.entitlement': { mart: 'fact_voc_entitlement', martDate: 'issued_on', sql: `SELECT issued_on::text AS d, count(*) AS n FROM berd.entitlement WHERE deleted_at IS NULL GROUP BY 1` },
  'berd.course': { mart: 'fact_voc_course', martDate: 'start_on', sql: `SELECT start_on::text AS d, count(*) AS n FROM berd.course WHERE deleted_at IS NULL GROUP BY 1` },
  'berd.enrolment': {
    mart: 'fact_voc_enrolment', martDate: 'enrolled_on',
    sql: `SELECT e.enrolled_on::text AS d, count(*) AS n FROM berd.enrolment e JOIN berd.entitlement t USING (entitlement_id) JOIN berd.course c USING (course_id)
           WHERE e.deleted_at IS NULL AND t.deleted_at IS NULL AND c.deleted_at IS NULL GROUP BY 1`,
  },
};

export async function reconcileWithSources(dataDir: string, targets: Record<SourceSystem, PgTarget>) {
  const snap = readCurrent(dataDir)!;
  const duck = await openDuck(snap.file, { readOnly: true });
  try {
    for (const [table, spec] of Object.entries(LIVE_PER_DAY)) {
      const system = table.startsWith('asyl') ? 'asylum' : 'integration';
      const db = await openPg(targets[system], { label: 'source', purpose: 'test', mustExist: true });
      const source = await db.query<{ d: string; n: string }>(spec.sql).finally(() => db.close());
      const mart = await duck.all<{ d: string; n: number }>(
        `SELECT d, sum(n) AS n FROM (SELECT CAST(${spec.martDate} AS VARCHAR) AS d, count(*) AS n FROM ${spec.mart} GROUP BY 1
                                      UNION ALL SELECT CAST(source_date AS VARCHAR), count(*) FROM quarantine WHERE source_table = '${table}' GROUP BY 1) GROUP BY 1`,
      );
      const expected = Object.fromEntries(source.map((r) => [r.d, Number(r.n)]));
      const actual = Object.fromEntries(mart.map((r) => [r.d, Number(r.n)]));
      expect(actual, `${table} per day`).toEqual(expected);
      expect(Object.values(expected).reduce((s, n) => s + n, 0)).toBeGreaterThan(0);
    }
  } finally {
    duck.close();
  }
}

