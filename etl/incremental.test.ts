/**
 * The incremental transform against changes chosen to hit every dependency it tracks: rows moved
 * to another parent, parents deleted and restored, attributes that children and aggregates copy,
 * rows that start or stop being quarantined — and a run blocked after merging, whose changes the
 * next run must still bring in. After each round the patched snapshot equals a fresh full load.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFixtures } from '../fixtures/simulate';
import { openPg } from '../platform/pg/open';
import { etlOpts, warehouseChecksums } from '../test/etl-helpers';
import { codelistDir, generateTiny, pgliteTargets, tempDir } from '../test/helpers';
import { runEtl } from './run';

const ASYLUM_ROUND_1 = `
  -- an application with a hearing and a decision is deleted
  UPDATE asyl.application SET deleted_at = now() WHERE application_id = (
    SELECT min(a.application_id) FROM asyl.application a JOIN asyl.decision d USING (application_id) JOIN asyl.hearing h USING (application_id)
     WHERE a.deleted_at IS NULL AND d.deleted_at IS NULL AND h.deleted_at IS NULL);
  -- a decided application gets another nationality (decisions and hearings copy it)
  UPDATE asyl.application SET nationality_code = CASE WHEN nationality_code = '423' THEN '475' ELSE '423' END
   WHERE application_id = (SELECT max(application_id) FROM asyl.decision WHERE deleted_at IS NULL);
  -- a hearing moves to an application without one (the first hearing of both changes)
  UPDATE asyl.hearing SET application_id = (
    SELECT min(application_id) FROM asyl.application WHERE deleted_at IS NULL AND application_id NOT IN (SELECT application_id FROM asyl.hearing))
   WHERE hearing_id = (SELECT max(hearing_id) FROM asyl.hearing WHERE deleted_at IS NULL);
  -- a second live decision (the source forbids it; a broken one might not): both decisions of the
  -- application are rechecked, one is quarantined
  DROP INDEX asyl.decision_one_live_per_application;
  INSERT INTO asyl.decision (decision_id, application_id, decided_on, outcome, office_code)
    SELECT (SELECT max(decision_id) + 1 FROM asyl.decision), application_id, decided_on, 'rejected', office_code
      FROM asyl.decision WHERE decision_id = (SELECT min(decision_id) FROM asyl.decision WHERE deleted_at IS NULL);
  -- an outcome is corrected, and a deleted application comes back
  UPDATE asyl.decision SET outcome = CASE WHEN outcome = 'refugee_s3' THEN 'subsidiary_s4' ELSE 'refugee_s3' END
   WHERE decision_id = (SELECT max(decision_id) - 5 FROM asyl.decision);
  UPDATE asyl.application SET deleted_at = NULL WHERE application_id = (SELECT max(application_id) FROM asyl.application WHERE deleted_at IS NOT NULL);
`;

const INTEGRATION_ROUND_1 = `
  -- an enrolment moves to another course (both courses' counts change, and maybe the first course of its participant)
  UPDATE integ.enrolment SET course_id = (SELECT max(course_id) FROM integ.course WHERE deleted_at IS NULL)
   WHERE enrolment_id = (SELECT min(enrolment_id) FROM integ.enrolment WHERE deleted_at IS NULL);
  -- a course changes its type: its enrolments, exams, invoices and first-course participants copy it
  UPDATE integ.course SET course_type = CASE WHEN course_type = 'general' THEN 'intensive' ELSE 'general' END WHERE course_id = (
    SELECT min(e.course_id) FROM integ.enrolment e JOIN integ.exam x ON x.course_id = e.course_id
      JOIN integ.invoice i ON i.course_id = e.course_id AND i.program = 'integration' WHERE e.deleted_at IS NULL);
  -- a course with enrolments is deleted: they stop counting
  UPDATE integ.course SET deleted_at = now() WHERE course_id = (SELECT max(course_id) - 3 FROM integ.enrolment WHERE deleted_at IS NULL);
  -- a participant with an exam is deleted
  UPDATE integ.participant SET deleted_at = now() WHERE participant_id = (SELECT max(participant_id) FROM integ.exam WHERE deleted_at IS NULL);
  -- a participant gets an unknown nationality: quarantined, and with it their enrolments and exams
  UPDATE integ.participant SET nationality_code = 'ZZZ' WHERE participant_id = (SELECT min(participant_id) FROM integ.exam WHERE deleted_at IS NULL);
  -- a vocational course changes module, a vocational enrolment moves, an invoice is corrected
  UPDATE berd.course SET module = CASE WHEN module = 'basic_b2' THEN 'basic_c1' ELSE 'basic_b2' END
   WHERE course_id = (SELECT min(course_id) FROM berd.enrolment WHERE deleted_at IS NULL);
  UPDATE berd.enrolment SET course_id = (SELECT max(course_id) FROM berd.course WHERE deleted_at IS NULL)
   WHERE enrolment_id = (SELECT max(enrolment_id) FROM berd.enrolment WHERE deleted_at IS NULL);
  UPDATE integ.invoice SET amount_eur = amount_eur + 100, status = 'rejected' WHERE invoice_id = (SELECT min(invoice_id) FROM integ.invoice WHERE deleted_at IS NULL);
`;

const ROUND_2 = {
  asylum: `
    -- the second decision is withdrawn, the moved hearing deleted
    UPDATE asyl.decision SET deleted_at = now() WHERE decision_id = (SELECT max(decision_id) FROM asyl.decision);
    UPDATE asyl.hearing SET deleted_at = now() WHERE hearing_id = (SELECT max(hearing_id) FROM asyl.hearing);`,
  integration: `
    -- the nationality is corrected and the deleted course restored
    UPDATE integ.participant SET nationality_code = '475' WHERE nationality_code = 'ZZZ';
    UPDATE integ.course SET deleted_at = NULL WHERE deleted_at IS NOT NULL AND course_id = (SELECT max(course_id) FROM integ.course WHERE deleted_at IS NOT NULL);`,
};

describe('incremental transform', () => {
  const t = tempDir();
  const targets = pgliteTargets(t.dir);
  const data = join(t.dir, 'w');

  const change = async (system: 'asylum' | 'integration', sql: string) => {
    const db = await openPg(targets[system], { label: `${system} source`, purpose: 'test', mustExist: true });
    try {
      await db.exec(sql);
    } finally {
      await db.close();
    }
  };
  /** An incremental run that patched the snapshot, compared with a fresh full load of the same sources. */
  const expectPatchedEqualsFull = async (name: string) => {
    const inc = await runEtl(etlOpts(data, targets, false));
    expect(inc.status).toBe('succeeded');
    expect(inc.transform, JSON.stringify(inc.transform)).toMatchObject({ kind: 'incremental' });
    expect(inc.dq.errors).toBe(0);
    const fresh = join(t.dir, `full-${name}`);
    expect((await runEtl(etlOpts(fresh, targets, true))).status).toBe('succeeded');
    expect(await warehouseChecksums(data)).toEqual(await warehouseChecksums(fresh));
    return inc;
  };

  beforeAll(async () => {
    await generateTiny(targets, 5);
    await runEtl(etlOpts(data, targets, true));
  });
  afterAll(() => t.cleanup());

  // first: the simulator stamps changes on its own clock, before the real time of the edits below
  it('brings in the changes merged by a run that was blocked, and a simulated day after it', async () => {
    const lists = tempDir();
    cpSync(codelistDir, lists.dir, { recursive: true });
    const file = join(lists.dir, 'fis-entscheidungsgruppe.gc.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/<Row>(?:(?!<\/Row>).)*<SimpleValue>formal<\/SimpleValue>.*?<\/Row>/s, ''));
    await simulateFixtures({ days: 1, seed: 3, targets, codelistDir });
    await expect(runEtl({ ...etlOpts(data, targets, false), codelistDir: lists.dir })).rejects.toThrow(/Publication blocked/);
    lists.cleanup();
    await simulateFixtures({ days: 1, seed: 4, targets, codelistDir });
    await expectPatchedEqualsFull('after-blocked');
  });

  it('patches moved, deleted, restored and newly quarantined rows exactly as a full load builds them', async () => {
    await change('asylum', ASYLUM_ROUND_1);
    await change('integration', INTEGRATION_ROUND_1);
    const inc = await expectPatchedEqualsFull('round1');
    const rebuilt = inc.transform?.kind === 'incremental' ? inc.transform.rebuilt! : {};
    // the course type change reaches the participants whose first course it is, and the invoices
    expect(rebuilt['integ.participant']).toBeGreaterThan(2);
    expect(rebuilt['integ.invoice']).toBeGreaterThan(1);
    expect(inc.tables['integ.participant']!.quarantined).toBeGreaterThan(0);

    await change('asylum', ROUND_2.asylum);
    await change('integration', ROUND_2.integration);
    await expectPatchedEqualsFull('round2');
  });

  it('builds from scratch when an office changes, and says why', async () => {
    await change('asylum', `UPDATE asyl.office SET name = name || ' (neu)' WHERE office_code = (SELECT min(office_code) FROM asyl.office)`);
    const run = await runEtl(etlOpts(data, targets, false));
    expect(run.mode).toBe('incremental');
    expect(run.transform).toEqual({ kind: 'full', reason: 'asyl.office changed' });
    // and the next run patches again
    await change('asylum', `UPDATE asyl.application SET sex = 'u' WHERE application_id = (SELECT max(application_id) FROM asyl.application)`);
    await expectPatchedEqualsFull('after-office');
  });
});
