/**
 * The ETL when things go wrong: a source that is down, a missing column, rows that violate the
 * contract, a data test that fails, a transaction that commits late, a process killed mid-run —
 * and readers querying while snapshots are published.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../platform/config';
import { openPg } from '../platform/pg/open';
import { codelistDir, generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { openDuck } from '../warehouse/duckdb';
import { ALL_MODELS } from '../warehouse/models';
import { runModelTests } from '../warehouse/quality';
import { SnapshotReader, readCurrent } from '../warehouse/snapshots';
import { etlOpts, reconcileWithSources } from '../test/etl-helpers';
import { exportLake } from './lake';
import { runEtl } from './run';
import { listRuns } from './history';
import { etlStatus } from './status';

describe('ETL failure handling', () => {
  const t = tempDir();
  const targets = pgliteTargets(t.dir);
  const src = (system: 'asylum' | 'integration') => openPg(targets[system], { label: `${system} source`, purpose: 'test', mustExist: true });

  beforeAll(async () => {
    await generateTiny(targets, 21);
    await runEtl(etlOpts(t.dir, targets, true));
  });
  afterAll(() => t.cleanup());

  it('fails cleanly when a source is down, keeps the snapshot, and records the reason', async () => {
    const before = readCurrent(t.dir)!.id;
    await expect(
      runEtl(etlOpts(t.dir, { ...targets, integration: { kind: 'postgres', url: 'postgres://fis@127.0.0.1:1/integration' } }, false)),
    ).rejects.toThrow(/Cannot connect to the integration source at postgres:\/\/fis@127\.0\.0\.1:1\/integration: connection refused/);
    expect(readCurrent(t.dir)!.id).toBe(before);
    const [last] = listRuns(t.dir, 1);
    expect(last!.status).toBe('failed');
    expect(last!.error).toMatch(/Cannot connect to the integration source/);
    expect(readdirSync(join(t.dir, 'warehouse', 'snapshots')).filter((f) => f.endsWith('.building'))).toEqual([]);
  });

  it('fails cleanly when a source lacks a column of the contract', async () => {
    const copy = tempDir();
    cpSync(join(t.dir, 'sources'), join(copy.dir, 'sources'), { recursive: true });
    cpSync(join(t.dir, 'warehouse'), join(copy.dir, 'warehouse'), { recursive: true });
    const broken = pgliteTargets(copy.dir);
    const db = await openPg(broken.asylum, { label: 'asylum source', purpose: 'test' });
    await db.exec(`ALTER TABLE asyl.hearing RENAME COLUMN held_on TO heard_on`);
    await db.close();
    const before = readCurrent(copy.dir)!.id;
    await expect(runEtl(etlOpts(copy.dir, broken, false))).rejects.toThrow("The asylum source's table asyl.hearing lacks the column held_on.");
    expect(readCurrent(copy.dir)!.id).toBe(before);
    copy.cleanup();
  });

  it('quarantines rows that violate the contract, with reasons, and still reconciles', async () => {
    const a = await src('asylum');
    const [{ id, received }] = (await a.query<{ id: string; received: string }>(
      `SELECT max(application_id) + 1 AS id, max(received_on)::text AS received FROM asyl.application`,
    )) as [{ id: string; received: string }];
    const newId = Number(id);
    await a.exec(`ALTER TABLE asyl.application ALTER COLUMN sex DROP NOT NULL`);
    await a.query(
      `INSERT INTO asyl.application (application_id, case_no, person_pseudonym, kind, received_on, office_code, nationality_code, sex, birth_year, updated_at)
       VALUES ($1, 'X-1', 'PX1', 'initial', $2, 'MUC', 'ZZZ', 'm', 1990, now()),
              ($3, 'X-2', 'PX2', 'initial', $2, 'MUC', '475', NULL, 1990, now()),
              ($4, 'X-3', 'PX3', 'initial', $2, 'MUC', '475', 'f', 1990, now())`,
      [newId, received, newId + 1, newId + 2],
    );
    const [{ did }] = (await a.query<{ did: string }>(`SELECT max(decision_id) + 1 AS did FROM asyl.decision`)) as [{ did: string }];
    await a.query(
      `INSERT INTO asyl.decision (decision_id, application_id, decided_on, outcome, office_code, updated_at) VALUES ($1, $2, $3::date - 10, 'rejected', 'MUC', now()), ($4, $5, $3::date, 'rejected', 'MUC', now())`,
      [Number(did), newId + 2, received, Number(did) + 1, newId],
    );
    await a.close();

    const run = await runEtl(etlOpts(t.dir, targets, false));
    expect(run.status).toBe('succeeded');
    const s = await etlStatus(t.dir, { freshnessHours: 24 * 365 * 10 });
    expect(s.freshness.map((f) => [f.system, f.fresh])).toEqual([['asylum', true], ['integration', true]]);
    expect(s.quarantine.find((q) => q.reason === 'unknown nationality code')!.samples).toEqual([{ key: String(newId), date: expect.any(String) }]);
    const reasons = Object.fromEntries(s.quarantine.map((q) => [`${q.source_table}: ${q.reason}`, q.rows]));
    expect(reasons).toMatchObject({
      'asyl.application: unknown nationality code': 1,
      'asyl.application: missing sex': 1,
      'asyl.decision: decided before the application was received': 1,
      'asyl.decision: the application is quarantined': 1,
    });
    expect(run.tables['asyl.application']!.quarantined).toBe(2);
    // the application with the early decision itself counts; its decision does not
    const duck = await openDuck(readCurrent(t.dir)!.file, { readOnly: true });
    const [q] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM fact_application WHERE application_id IN (${newId}, ${newId + 1}, ${newId + 2})`);
    const [row] = await duck.all<{ source_row: string }>(`SELECT source_row FROM quarantine WHERE source_table = 'asyl.application' AND source_key = '${newId}'`);
    duck.close();
    expect(q!.n).toBe(1);
    expect(JSON.parse(row!.source_row)).toMatchObject({ nationality_code: 'ZZZ', application_id: newId });
    // data minimisation: the raw mirror never holds case numbers or pseudonyms
    expect(JSON.parse(row!.source_row)).not.toHaveProperty('case_no');
    // nothing was dropped silently: the full reconciliation against the source holds
    const full = await runEtl(etlOpts(t.dir, targets, true));
    expect(full.dq.errors).toBe(0);
    await reconcileWithSources(t.dir, targets);
  });

  it('picks up a row committed late with an updated_at inside the safety overlap', async () => {
    const run0 = await runEtl(etlOpts(t.dir, targets, false));
    const wm = run0.tables['asyl.application']!.watermarkAfter!;
    const a = await src('asylum');
    const [{ id }] = (await a.query<{ id: string }>(`SELECT max(application_id) + 1 AS id FROM asyl.application`)) as [{ id: string }];
    // a transaction that started before the last extraction and committed after it
    await a.query(
      `INSERT INTO asyl.application (application_id, case_no, person_pseudonym, kind, received_on, office_code, nationality_code, sex, updated_at)
       VALUES ($1, 'LATE-1', 'PLATE', 'initial', '2026-06-30', 'NUE', '423', 'm', $2::timestamptz - interval '3 minutes')`,
      [Number(id), wm],
    );
    await a.close();
    await runEtl(etlOpts(t.dir, targets, false));
    const duck = await openDuck(readCurrent(t.dir)!.file, { readOnly: true });
    const rows = await duck.all(`SELECT application_id FROM fact_application WHERE application_id = ${Number(id)}`);
    duck.close();
    expect(rows).toHaveLength(1);
  });

  it('blocks publication when an error-level data test fails, and says which', async () => {
    const lists = tempDir();
    cpSync(codelistDir, lists.dir, { recursive: true });
    // a code list without the group "formal": the outcome groups of formal decisions are unknown
    const file = join(lists.dir, 'fis-entscheidungsgruppe.gc.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/<Row>(?:(?!<\/Row>).)*<SimpleValue>formal<\/SimpleValue>.*?<\/Row>/s, ''));
    const before = readCurrent(t.dir)!.id;
    await expect(runEtl({ ...etlOpts(t.dir, targets, false), codelistDir: lists.dir })).rejects.toThrow(
      /Publication blocked: \d+ data test\(s\) failed, first: .*outcome_group in code list outcome_group/,
    );
    lists.cleanup();
    expect(readCurrent(t.dir)!.id).toBe(before);
    const [last] = listRuns(t.dir, 1);
    expect(last!.status).toBe('blocked');
    expect(last!.dq.findings.some((f) => f.check.includes('outcome_group in code list'))).toBe(true);
  });

  it('refuses a second run while one is in progress', async () => {
    const first = runEtl(etlOpts(t.dir, targets, false));
    await new Promise((r) => setTimeout(r, 200));
    await expect(runEtl(etlOpts(t.dir, targets, false))).rejects.toThrow(/The warehouse is in use by another FIS process|already open in this process/);
    await first;
  });

  it('survives being killed at random moments: the last snapshot serves, the next run reconciles', async () => {
    const trials = process.env.FIS_CRASH_TRIALS ? Number(process.env.FIS_CRASH_TRIALS) : 3;
    for (let i = 0; i < trials; i++) {
      const child = spawn(process.execPath, [join(projectRoot, 'bin/fis.mjs'), 'etl', 'run', ...(i % 2 ? ['--full'] : [])], {
        env: { ...process.env, FIS_DATA_DIR: t.dir, FIS_LOG_LEVEL: 'error', FIS_FRESHNESS_HOURS: '87600' },
        stdio: 'ignore',
      });
      // listened for at once: a run that ends before the kill must not leave the test waiting
      let done = false;
      const exited = new Promise((r) => child.once('exit', () => r((done = true))));
      // somewhere between the start of the run (its record written) and its publication — whatever the machine's load
      for (let w = 0; w < 1200 && !done && !listRuns(t.dir, 50).some((r) => r.pid === child.pid); w++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, Math.random() * 2000));
      child.kill('SIGKILL');
      await exited;

      const current = readCurrent(t.dir)!;
      const duck = await openDuck(current.file, { readOnly: true });
      const tests = await duck.session((con) => runModelTests(con, ALL_MODELS));
      const [n] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM fact_decision`);
      duck.close();
      expect(tests.filter((x) => !x.passed && x.severity === 'error')).toEqual([]);
      expect(n!.n).toBeGreaterThan(0);
    }
    const after = await runEtl(etlOpts(t.dir, targets, true));
    expect(after.status).toBe('succeeded');
    expect(after.dq.errors).toBe(0);
    await reconcileWithSources(t.dir, targets);
    expect(listRuns(t.dir, 50).some((r) => r.status === 'crashed')).toBe(true);
  });

  it('answers every reader query while new snapshots are published', async () => {
    const reader = new SnapshotReader(t.dir);
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const seen = new Set<string>();
    const loop = (async () => {
      while (!stop) {
        try {
          await reader.use(async (duck, info) => {
            seen.add(info.id);
            const [r] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM fact_application`);
            if (!(r!.n > 0)) throw new Error('empty answer');
          });
          ok++;
        } catch (e) {
          failures.push((e as Error).message);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    for (let i = 0; i < 3; i++) await runEtl(etlOpts(t.dir, targets, false));
    stop = true;
    await loop;
    reader.close();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });

  it('exports the current snapshot as hive-partitioned Parquet with the same rows', async () => {
    const lake = join(t.dir, 'lake');
    mkdirSync(lake, { recursive: true });
    const snap = readCurrent(t.dir)!;
    const r = await exportLake(snap, lake);
    expect(readFileSync(join(lake, 'LATEST'), 'utf8').trim()).toBe(snap.id);
    expect(existsSync(join(r.dir, 'fact_decision', 'year=2025'))).toBe(true);
    const duck = await openDuck(':memory:');
    const [x] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM read_parquet('${join(r.dir, 'fact_decision', '*', '*.parquet')}', hive_partitioning = true)`);
    const [y] = await duck.all<{ n: number }>(`SELECT count(*) AS n FROM read_parquet('${join(r.dir, 'dim_office.parquet')}')`);
    duck.close();
    expect(x!.n).toBe(r.tables.fact_decision);
    expect(y!.n).toBe(r.tables.dim_office);
    expect(JSON.parse(readFileSync(join(r.dir, '_manifest.json'), 'utf8')).snapshot).toBe(snap.id);
  });
});
