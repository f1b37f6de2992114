/**
 * The incremental plan is derived from the models' declarations (Model.parents, aggregates,
 * copies), not written per table: a synthetic set of sources and facts — among them a new source
 * with a parent, `x.note`, for which no rule exists anywhere — is patched after changes that hit
 * each kind of dependency, and equals a full build row for row. Without the declaration the
 * aggregate would go stale, so it is the declaration that carries the dependency.
 */
import { describe, expect, it } from 'vitest';
import { openDuck, type Session } from './duckdb';
import { affectedSql, contextSql, dependantsSql, type Lineage } from './incremental';
import { MODELS } from './models';
import { defineModel, key, type Model } from './models/model';
import { rel } from './relations';
import { SOURCE_TABLES, liveRowsSql, type SourceColumn, type SourceTable } from './sources';

const col = (name: string, type: SourceColumn['type']): SourceColumn => ({ name, type, required: false, mirrored: true });
const deletedAt = col('deleted_at', 'TIMESTAMPTZ');
const table = (name: string, k: string, mart: string, columns: SourceColumn[], parents: SourceTable['parents'] = []): SourceTable => ({
  system: 'asylum', name, raw: name.replace('.', '_'), key: k, mart, columns: [...columns, deletedAt], softDelete: true, dateColumn: columns.find((c) => c.type === 'DATE')?.name, parents,
});

const TABLES = [
  table('x.case', 'case_id', 'fact_case', [col('case_id', 'BIGINT'), col('region', 'VARCHAR'), col('opened_on', 'DATE')]),
  table('x.officer', 'officer_id', 'fact_officer', [col('officer_id', 'BIGINT'), col('name', 'VARCHAR')]),
  table('x.step', 'step_id', 'fact_step', [col('step_id', 'BIGINT'), col('case_id', 'BIGINT'), col('officer_id', 'BIGINT'), col('kind', 'VARCHAR'), col('done_on', 'DATE')], [
    { column: 'case_id', table: 'x.case' },
    { column: 'officer_id', table: 'x.officer' },
  ]),
  // the new source: a note on a case — its fact declares the parent, nothing else is written for it
  table('x.note', 'note_id', 'fact_note', [col('note_id', 'BIGINT'), col('case_id', 'BIGINT'), col('written_on', 'DATE')], [{ column: 'case_id', table: 'x.case' }]),
];

const fact = (m: Omit<Model, 'layer' | 'tests' | 'description'>): Model => defineModel({ ...m, layer: 'fact', description: m.name, tests: [] });
const caseFact = {
  name: 'fact_case',
  columns: { case_id: '', region: '', opened_on: '', steps: '', first_kind: '' },
  sql: `SELECT c.case_id, c.region, c.opened_on, CAST(coalesce(s.steps, 0) AS INTEGER) AS steps, s.first_kind
          FROM clean_x_case c LEFT JOIN (SELECT case_id, count(*) AS steps, arg_min(kind, step_id) AS first_kind FROM clean_x_step GROUP BY 1) s ON s.case_id = c.case_id`,
};
const FACTS: Model[] = [
  fact({ ...caseFact, aggregates: [key('x.step', 'case_id')] }),
  fact({ name: 'fact_officer', columns: { officer_id: '', name: '' }, sql: `SELECT officer_id, name FROM clean_x_officer` }),
  fact({
    name: 'fact_step',
    parents: [key('x.case', 'case_id'), key('x.officer', 'officer_id')],
    columns: { step_id: '', case_id: '', officer_id: '', kind: '', done_on: '', region: '', officer: '' },
    sql: `SELECT s.step_id, s.case_id, s.officer_id, s.kind, s.done_on, c.region, o.name AS officer
            FROM clean_x_step s JOIN clean_x_case c ON c.case_id = s.case_id JOIN clean_x_officer o ON o.officer_id = s.officer_id`,
  }),
  fact({
    name: 'fact_note',
    parents: [key('x.case', 'case_id')],
    columns: { note_id: '', case_id: '', written_on: '', region: '' },
    sql: `SELECT n.note_id, n.case_id, n.written_on, c.region FROM clean_x_note n JOIN clean_x_case c ON c.case_id = n.case_id`,
  }),
];

const BEFORE = `
  CREATE TABLE src_x_case AS SELECT * FROM (VALUES (1, 'north', DATE '2025-01-01', NULL::TIMESTAMPTZ), (2, 'south', DATE '2025-01-02', NULL), (3, 'east', DATE '2025-01-03', NULL), (4, 'west', DATE '2025-01-04', NULL))
    t(case_id, region, opened_on, deleted_at);
  CREATE TABLE src_x_officer AS SELECT * FROM (VALUES (1, 'Ada', NULL::TIMESTAMPTZ), (2, 'Ben', NULL)) t(officer_id, name, deleted_at);
  CREATE TABLE src_x_step AS SELECT * FROM (VALUES
    (1, 1, 1, 'a', DATE '2025-02-01', NULL::TIMESTAMPTZ), (2, 1, 2, 'b', DATE '2025-02-02', NULL), (3, 1, 1, 'c', DATE '2025-02-03', NULL), (4, 2, 1, 'a', DATE '2025-02-04', NULL),
    (5, 3, 2, 'b', DATE '2025-02-05', NULL), (6, 3, 1, 'c', DATE '2025-02-06', NULL), (7, 4, 1, 'a', DATE '2025-02-07', NULL), (8, 4, 2, 'b', DATE '2025-02-08', NULL))
    t(step_id, case_id, officer_id, kind, done_on, deleted_at);
  CREATE TABLE src_x_note AS SELECT * FROM (VALUES (1, 1, DATE '2025-03-01', NULL::TIMESTAMPTZ), (2, 2, DATE '2025-03-02', NULL), (3, 4, DATE '2025-03-03', NULL)) t(note_id, case_id, written_on, deleted_at);`;

/** Changes hitting each kind of dependency, and the keys the change log would hold for them. */
const CHANGES = `
  UPDATE src_x_case SET region = 'north-west' WHERE case_id = 1;                -- steps and notes copy it
  UPDATE src_x_step SET case_id = 2 WHERE step_id = 3;                            -- both cases' counts change
  UPDATE src_x_officer SET deleted_at = TIMESTAMPTZ '2025-04-01 00:00:00+00' WHERE officer_id = 2;  -- their steps stop counting, and the counts of their cases
  INSERT INTO src_x_note VALUES (4, 3, DATE '2025-03-04', NULL);                  -- a new note
  UPDATE src_x_case SET deleted_at = TIMESTAMPTZ '2025-04-02 00:00:00+00' WHERE case_id = 4;        -- its steps and notes go`;
const CHANGED: Record<string, number[]> = { 'x.case': [1, 4], 'x.step': [3], 'x.officer': [2], 'x.note': [4] };

/** The layers of a transform over the relations `stg_<table>`: live rows (no quarantine here) → clean rows → facts. */
async function clean(con: Session, tables: readonly SourceTable[]) {
  for (const t of tables) {
    const tableOf = (n: string) => tables.find((x) => x.name === n)!;
    await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.live(t)} AS ${liveRowsSql(t, (n) => rel.stg(tableOf(n)), tableOf)}`);
    await con.run(`CREATE OR REPLACE TEMP VIEW ${rel.clean(t)} AS SELECT * FROM ${rel.live(t)}`);
  }
}

async function fullBuild(con: Session, l: Lineage) {
  for (const t of l.tables) await con.run(`CREATE OR REPLACE TEMP VIEW ${rel.stg(t)} AS SELECT * FROM src_${t.raw}`);
  await clean(con, l.tables);
  for (const m of l.models) await con.run(`CREATE OR REPLACE TABLE ${m.name} AS ${m.sql}`);
}

/** The steps of the incremental transform that come from the plan: affected keys, context rows, facts replaced. */
async function patch(con: Session, l: Lineage) {
  for (const t of l.tables) {
    await con.run(`CREATE OR REPLACE TEMP VIEW ${rel.full(t)} AS SELECT * FROM src_${t.raw}`);
    await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.changed(t)} AS SELECT * FROM (VALUES ${(CHANGED[t.name] ?? [-1]).map((k) => `(${k})`).join(', ')}) u(k)`);
  }
  for (const { sql } of affectedSql(l)) await con.run(sql);
  for (const sql of contextSql(l)) await con.run(sql);
  await clean(con, l.tables);
  for (const t of l.tables) {
    const m = l.models.find((x) => x.name === t.mart)!;
    await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.newRows(m.name)} AS SELECT * FROM (${m.sql}) WHERE ${t.key} IN (SELECT k FROM ${rel.affected(t)})`);
    await con.run(`DELETE FROM ${m.name} WHERE ${t.key} IN (SELECT k FROM ${rel.affected(t)})`);
    await con.run(`INSERT INTO ${m.name} SELECT * FROM ${rel.newRows(m.name)}`);
  }
}

async function facts(l: Lineage, incremental: boolean): Promise<Record<string, unknown[]>> {
  const duck = await openDuck(':memory:');
  try {
    return await duck.session(async (con) => {
      for (const s of BEFORE.split(';').filter((x) => x.trim())) await con.run(s);
      if (incremental) await fullBuild(con, l);
      for (const s of CHANGES.split('\n').map((x) => x.replace(/--.*$/, '').trim()).filter(Boolean)) await con.run(s);
      await (incremental ? patch(con, l) : fullBuild(con, l));
      const out: Record<string, unknown[]> = {};
      for (const t of l.tables) out[t.mart] = await con.all(`SELECT * FROM ${t.mart} ORDER BY ${t.key}`);
      return out;
    });
  } finally {
    duck.close();
  }
}

describe('the incremental plan, derived from the models', () => {
  it('patches a new source with a parent, an aggregate and a parent of its children exactly as a full build', async () => {
    const l: Lineage = { tables: TABLES, models: FACTS };
    const expected = await facts(l, false);
    expect(await facts(l, true)).toEqual(expected);
    // the changes did reach every fact
    expect(expected.fact_note!.map((r) => (r as { region: string }).region)).toEqual(['north-west', 'south', 'east']);
    expect(expected.fact_case!.map((r) => (r as { steps: number }).steps)).toEqual([1, 2, 1]);
  });

  it('is the declaration that carries a dependency: without the aggregate the counts go stale', async () => {
    const l: Lineage = { tables: TABLES, models: [fact(caseFact), ...FACTS.slice(1)] };
    expect((await facts(l, true)).fact_case).not.toEqual((await facts(l, false)).fact_case);
  });

  it('derives the rules of the warehouse from its models: one per declared parent, aggregate and copied row', () => {
    const rules = (name: string) => dependantsSql(SOURCE_TABLES.find((t) => t.name === name)!).map((s) => s.replace(/\s+/g, ' '));
    // a participant's first enrolment (an aggregate) and that course (copied): every way it can change
    expect(rules('integ.participant')).toEqual([
      'SELECT participant_id FROM fact_participant WHERE first_course_id IN (SELECT k FROM chg_integ_course)',
      'SELECT participant_id FROM full_integ_enrolment WHERE enrolment_id IN (SELECT k FROM chg_integ_enrolment)',
      'SELECT participant_id FROM fact_enrolment WHERE enrolment_id IN (SELECT k FROM chg_integ_enrolment)',
      'SELECT participant_id FROM full_integ_enrolment WHERE course_id IN (SELECT k FROM chg_integ_course)',
    ]);
    // course counts when a participant goes: derived from the enrolments' other parent
    expect(rules('integ.course')).toContain('SELECT course_id FROM full_integ_enrolment WHERE participant_id IN (SELECT k FROM chg_integ_participant)');
    // every liveness parent of a source table is a declared parent of its fact (offices and providers rebuild everything)
    for (const t of SOURCE_TABLES) {
      const declared = MODELS.find((m) => m.name === t.mart)?.parents ?? [];
      for (const p of t.parents) expect(declared, `${t.mart} declares its parent ${p.table}`).toContainEqual(key(p.table, p.column));
    }
  });
});
