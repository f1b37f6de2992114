/**
 * Reconciliation on tiny: the answers of `fis query` equal the same figures computed here with
 * plain SQL on the operational sources (not on the warehouse). And the rollup path answers exactly
 * like the fact path.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { projectRoot } from '../../platform/config';
import type { PgClient } from '../../platform/pg/client';
import { openPg } from '../../platform/pg/open';
import { etlOpts } from '../../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../../test/helpers';
import { SnapshotReader } from '../snapshots';
import { planQuery, runQuery } from './query';
import { FULL_ACCESS, type MetricQuery } from './types';

const t = tempDir();
const targets = pgliteTargets(t.dir);
let asylum: PgClient;
let integ: PgClient;

function fisQuery(args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin/fis.mjs'), 'query', ...args, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, FIS_DATA_DIR: t.dir, FIS_LOG_LEVEL: 'warn' },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { columns: string[]; rows: Array<Array<string | number | null>> };
}

const near = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)));
/** rows of the answer as "dims → value" for one metric column (the dimensions come first) */
const byKey = (r: { columns: string[]; rows: Array<Array<string | number | null>> }, metric: string, dims = 1) => {
  const i = r.columns.indexOf(metric);
  return Object.fromEntries(r.rows.map((row) => [row.slice(0, dims).join('|'), row[i] as number | null]));
};
const sqlKey = (rows: Array<Record<string, unknown>>, dims: string[], value: string) =>
  Object.fromEntries(rows.map((r) => [dims.map((d) => String(r[d])).join('|'), r[value] === null ? null : Number(r[value])]));

function expectSame(actual: Record<string, number | null>, expected: Record<string, number | null>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const k of Object.keys(expected)) expect(near(actual[k]!, expected[k]!), `${k}: ${actual[k]} vs ${expected[k]}`).toBe(true);
  expect(Object.keys(expected).length).toBeGreaterThan(0);
}

const LIVE_DECISIONS = `SELECT d.*, a.received_on FROM asyl.decision d JOIN asyl.application a USING (application_id) WHERE d.deleted_at IS NULL AND a.deleted_at IS NULL`;

describe('fis query reconciles with the operational sources', () => {
  beforeAll(async () => {
    await generateTiny(targets, 31);
    await runEtl(etlOpts(t.dir, targets, true));
    asylum = await openPg(targets.asylum, { label: 'asylum source', purpose: 'test', mustExist: true });
    integ = await openPg(targets.integration, { label: 'integration source', purpose: 'test', mustExist: true });
  });
  afterAll(async () => {
    await asylum?.close();
    await integ?.close();
    t.cleanup();
  });

  it('applications by month × kind', async () => {
    const r = fisQuery(['--metric', 'applications', '--by', 'month,kind']);
    const src = await asylum.query(`SELECT to_char(received_on, 'YYYY-MM') AS month, kind, count(*) AS n FROM asyl.application WHERE deleted_at IS NULL GROUP BY 1, 2`);
    expectSame(byKey(r, 'applications', 2), sqlKey(src, ['month', 'kind'], 'n'));
  });

  it('decisions by year × outcome', async () => {
    const r = fisQuery(['--metric', 'decisions', '--by', 'year,outcome']);
    const src = await asylum.query(`SELECT extract(year FROM decided_on)::int AS year, outcome, count(*) AS n FROM (${LIVE_DECISIONS}) d GROUP BY 1, 2`);
    expectSame(byKey(r, 'decisions', 2), sqlKey(src, ['year', 'outcome'], 'n'));
  });

  it('protection rates (overall and adjusted) by year', async () => {
    const r = fisQuery(['--metric', 'protection_rate,protection_rate_adjusted', '--by', 'year']);
    const src = await asylum.query(
      `SELECT extract(year FROM decided_on)::int AS year,
              100.0 * count(*) FILTER (WHERE outcome IN ('asylum_art16a', 'refugee_s3', 'subsidiary_s4', 'deportation_ban_s60')) / count(*) AS rate,
              100.0 * count(*) FILTER (WHERE outcome IN ('asylum_art16a', 'refugee_s3', 'subsidiary_s4', 'deportation_ban_s60'))
                    / nullif(count(*) FILTER (WHERE outcome NOT LIKE 'formal%'), 0) AS adjusted
         FROM (${LIVE_DECISIONS}) d GROUP BY 1`,
    );
    const round = (o: Record<string, number | null>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : Math.round(v * 1000) / 1000]));
    expectSame(round(byKey(r, 'protection_rate')), round(sqlKey(src, ['year'], 'rate')));
    expectSame(round(byKey(r, 'protection_rate_adjusted')), round(sqlKey(src, ['year'], 'adjusted')));
  });

  it('pending at a date, and by month', async () => {
    for (const day of ['2025-06-30', '2026-03-31']) {
      const r = fisQuery(['--metric', 'pending', '--to', day]);
      const [src] = await asylum.query<{ n: string }>(
        `SELECT count(*) AS n FROM asyl.application a WHERE a.deleted_at IS NULL AND a.received_on <= $1
            AND NOT EXISTS (SELECT 1 FROM asyl.decision d WHERE d.application_id = a.application_id AND d.deleted_at IS NULL AND d.decided_on <= $1)`,
        [day],
      );
      expect(r.rows[0]![0]).toBe(Number(src!.n));
    }
    const monthly = fisQuery(['--metric', 'pending', '--by', 'month', '--from', '2025-01-01', '--to', '2025-06-30']);
    const src = await asylum.query(
      `SELECT to_char(m, 'YYYY-MM') AS month,
              (SELECT count(*) FROM asyl.application a WHERE a.deleted_at IS NULL AND a.received_on <= (m + interval '1 month - 1 day')::date
                  AND NOT EXISTS (SELECT 1 FROM asyl.decision d WHERE d.application_id = a.application_id AND d.deleted_at IS NULL
                                     AND d.decided_on <= (m + interval '1 month - 1 day')::date)) AS n
         FROM generate_series('2025-01-01'::date, '2025-06-01'::date, interval '1 month') AS g(m)`,
    );
    expectSame(byKey(monthly, 'pending'), sqlKey(src, ['month'], 'n'));
  });

  it('median processing months by year', async () => {
    const r = fisQuery(['--metric', 'processing_months_median,processing_months_avg', '--by', 'year']);
    const src = await asylum.query(
      `SELECT extract(year FROM decided_on)::int AS year,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_on - received_on) / 30.4375 AS median,
              avg(decided_on - received_on) / 30.4375 AS mean
         FROM (${LIVE_DECISIONS}) d GROUP BY 1`,
    );
    // FIS publishes 4 decimals: equal to the source's exact value within half a unit of the last one
    const close = (actual: Record<string, number | null>, expected: Record<string, number | null>) => {
      expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
      for (const k of Object.keys(expected)) expect(Math.abs(actual[k]! - expected[k]!), `${k}: ${actual[k]} vs ${expected[k]}`).toBeLessThanOrEqual(0.00005 + 1e-9);
    };
    close(byKey(r, 'processing_months_median'), sqlKey(src, ['year'], 'median'));
    close(byKey(r, 'processing_months_avg'), sqlKey(src, ['year'], 'mean'));
  });

  it('courses started by year × type', async () => {
    const r = fisQuery(['--metric', 'courses_started', '--by', 'year,course_type']);
    const src = await integ.query(
      `SELECT extract(year FROM start_on)::int AS year, course_type, count(*) AS n FROM integ.course WHERE deleted_at IS NULL AND status <> 'cancelled' GROUP BY 1, 2`,
    );
    expectSame(byKey(r, 'courses_started', 2), sqlKey(src, ['year', 'course_type'], 'n'));
  });

  it('new participants by year', async () => {
    const r = fisQuery(['--metric', 'participants_new', '--by', 'year']);
    const src = await integ.query(
      `SELECT extract(year FROM first)::int AS year, count(*) AS n FROM (
         SELECT p.participant_id, min(e.enrolled_on) AS first
           FROM integ.participant p JOIN integ.enrolment e USING (participant_id) JOIN integ.course c USING (course_id)
          WHERE p.deleted_at IS NULL AND e.deleted_at IS NULL AND c.deleted_at IS NULL GROUP BY 1) x GROUP BY 1`,
    );
    expectSame(byKey(r, 'participants_new'), sqlKey(src, ['year'], 'n'));
  });

  it('DTZ B1 rate by year', async () => {
    const r = fisQuery(['--metric', 'dtz_b1_rate', '--by', 'year']);
    const src = await integ.query(
      `SELECT extract(year FROM x.taken_on)::int AS year, 100.0 * count(*) FILTER (WHERE result = 'B1') / count(*) AS rate
         FROM integ.exam x JOIN integ.participant p USING (participant_id) LEFT JOIN integ.course c ON c.course_id = x.course_id
        WHERE x.deleted_at IS NULL AND p.deleted_at IS NULL AND c.deleted_at IS NULL AND x.exam_type = 'dtz' GROUP BY 1`,
    );
    const round = (o: Record<string, number | null>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? null : Math.round(v * 1000) / 1000]));
    expectSame(round(byKey(r, 'dtz_b1_rate')), round(sqlKey(src, ['year'], 'rate')));
  });

  it('invoiced EUR by year', async () => {
    const r = fisQuery(['--metric', 'invoiced_eur', '--by', 'year']);
    const src = await integ.query(
      `SELECT extract(year FROM period_month)::int AS year, sum(amount_eur) AS eur FROM integ.invoice WHERE deleted_at IS NULL AND status <> 'rejected' GROUP BY 1`,
    );
    expectSame(byKey(r, 'invoiced_eur'), sqlKey(src, ['year'], 'eur'));
  });

  it('answers the same from rollups as from the facts', async () => {
    const reader = new SnapshotReader(t.dir);
    const questions: MetricQuery[] = [
      { metrics: ['applications'], by: ['month', 'kind'], filters: {}, from: '2025-01-01', to: '2025-12-31' },
      { metrics: ['decisions', 'protection_rate', 'processing_months_avg'], by: ['quarter', 'state'], filters: { sex: ['f'] } },
      { metrics: ['decisions_positive', 'decisions_formal'], by: ['year', 'outcome_group'], filters: { office: ['MUC', 'NUE'] }, from: '2025-02-01', to: '2026-01-31' },
    ];
    for (const q of questions) {
      const a = await runQuery(reader, q, FULL_ACCESS, { useRollups: true });
      const b = await runQuery(reader, q, FULL_ACCESS, { useRollups: false });
      expect(a.rows).toEqual(b.rows);
      expect(a.rows.length).toBeGreaterThan(0);
    }
    // a period that ends mid-month at the data's end (the dashboards' default) is answered from the
    // small per-state rollups, the same figures as from the facts; before the data's end it is not
    const end = await reader.use((duck) => duck.all<{ d: string }>(`SELECT CAST(max(received_on) AS VARCHAR) AS d FROM fact_application`));
    const last = end[0]!.d;
    const from = `${String(Number(last.slice(0, 4)) - 1)}${last.slice(4, 8)}01`;
    const plan = (q: MetricQuery) => reader.use((duck, info) => planQuery(duck, info, q, FULL_ACCESS));
    const defaultView: MetricQuery = { metrics: ['applications', 'decisions', 'protection_rate'], by: ['month', 'state'], filters: { kind: ['initial'] }, from, to: last };
    const sources = (sql: string) => [...sql.matchAll(/FROM (\w+)/g)].map((m) => m[1]).filter((x) => x!.startsWith('agg_') || x!.startsWith('fact_'));
    expect(sources((await plan(defaultView)).sql).sort()).toEqual(['agg_applications_state_month', 'agg_decisions_state_month']);
    expect((await runQuery(reader, defaultView, FULL_ACCESS)).rows).toEqual((await runQuery(reader, defaultView, FULL_ACCESS, { useRollups: false })).rows);
    const byOffice: MetricQuery = { ...defaultView, by: ['office'] };
    expect(sources((await plan(byOffice)).sql)).toContain('agg_applications_month');
    expect((await runQuery(reader, byOffice, FULL_ACCESS)).rows).toEqual((await runQuery(reader, byOffice, FULL_ACCESS, { useRollups: false })).rows);
    const earlier = new Date(Date.parse(`${last}T00:00:00Z`) - 864e5).toISOString().slice(0, 10);
    if (!last.endsWith('-01')) expect(sources((await plan({ metrics: ['applications'], by: ['month', 'state'], filters: {}, from, to: earlier })).sql)).toEqual(['fact_application']);
    reader.close();
  });
});
