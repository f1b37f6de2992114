/**
 * The incremental transform: patches a copy of the current snapshot with the source rows that
 * changed since it was built, instead of rebuilding every mart. Its result is the same, row for row,
 * as a full transform of the same raw mirror (tested); the nightly full run rebuilds everything.
 *
 * The changed keys per source table (`chg_<table>`, from the raw mirror's change log) spread to the
 * rows whose mart rows can change with them (`aff_<table>`, rules below): a parent whose mart row
 * aggregates a changed child (an application's first hearing and decision, a course's participant
 * counts, a participant's first enrolment and its course — including children that stop counting
 * because their other parent changed), and every child of an affected parent
 * (children copy their parent's attributes and do not count without it). For those rows the usual
 * layers run on just the rows they need (`sub_<table>`: the affected rows and the parents they
 * join to): live rows → quarantine → clean rows → the mart rows, which replace the old ones. Rows
 * that only serve as context keep their quarantine status, which cannot have changed (it depends
 * on the row itself and its parents, and a changed parent makes its children affected). Rollups
 * change by the difference of the old and new rows' aggregates; data tests check the rows written;
 * reconciliation covers every day a changed row was or is on.
 *
 * Not incremental (a full transform instead): changes of offices or providers (every mart row
 * carries their state), other code lists or model definitions (the build fingerprint), and large
 * change sets, for which rebuilding is as quick.
 */
import { createLogger } from '../platform/logger';
import { STAGING_ALIAS, stagingViewSql, timed } from './build';
import type { Session } from './duckdb';
import { ALL_MODELS, MODELS } from './models';
import type { Model } from './models/model';
import { runModelTests, type DqResult } from './quality';
import { cleanRowsSql, quarantineSql, quarantinedKeysView } from './quarantine';
import { SOURCE_TABLES, liveRowsSql, sourceTable, type SourceTable } from './sources';

const log = createLogger('warehouse');

/** Source tables whose changes every mart row depends on: a change means a full transform. */
export const FULL_REBUILD_TABLES = ['asyl.office', 'integ.provider'];

/** The change log of the raw mirror: one row per key merged, by merge sequence number. */
export const changeLog = (t: SourceTable) => `${STAGING_ALIAS}.raw.chg_${t.raw}`;

const keys = (raw: string) => `(SELECT k FROM aff_${raw})`;
const changed = (raw: string) => `(SELECT k FROM chg_${raw})`;

/** Parents of rows of `child` that changed, now (staging) and as the snapshot had them (mart). */
function parentsOfChanged(child: string, column: string): string[] {
  const c = sourceTable(child);
  return [
    `SELECT ${column} FROM full_${c.raw} WHERE ${c.key} IN ${changed(c.raw)}`,
    `SELECT ${column} FROM ${c.mart} WHERE ${c.key} IN ${changed(c.raw)}`,
  ];
}

/** Children of `child` whose parent (by `column`) is affected, now and in the snapshot. */
function childrenOfAffected(child: string, column: string, parent: string): string[] {
  const c = sourceTable(child);
  const p = sourceTable(parent);
  return [
    `SELECT ${c.key} FROM full_${c.raw} WHERE ${column} IN ${keys(p.raw)}`,
    `SELECT ${c.key} FROM ${c.mart} WHERE ${column} IN ${keys(p.raw)}`,
  ];
}

/**
 * Besides its own changed keys, the rows of a table to rebuild. Parents come before children
 * (SOURCE_TABLES order); a parent's rule reads only the changes of its children.
 */
const AFFECTED: Record<string, string[]> = {
  // fact_application carries the first hearing and the live decision
  'asyl.application': [...parentsOfChanged('asyl.hearing', 'application_id'), ...parentsOfChanged('asyl.decision', 'application_id')],
  'asyl.hearing': childrenOfAffected('asyl.hearing', 'application_id', 'asyl.application'),
  // a second live decision of an application is quarantined: all decisions of it together
  'asyl.decision': childrenOfAffected('asyl.decision', 'application_id', 'asyl.application'),
  // fact_course counts its enrolments — which stop counting when their participant goes
  'integ.course': [...parentsOfChanged('integ.enrolment', 'course_id'), `SELECT course_id FROM full_integ_enrolment WHERE participant_id IN ${changed('integ_participant')}`],
  // fact_participant carries the first enrolment and that course's type and provider
  'integ.participant': [
    ...parentsOfChanged('integ.enrolment', 'participant_id'),
    `SELECT participant_id FROM full_integ_enrolment WHERE course_id IN ${changed('integ_course')}`,
    `SELECT participant_id FROM fact_participant WHERE first_course_id IN ${changed('integ_course')}`,
  ],
  'integ.enrolment': [...childrenOfAffected('integ.enrolment', 'participant_id', 'integ.participant'), ...childrenOfAffected('integ.enrolment', 'course_id', 'integ.course')],
  'integ.exam': [...childrenOfAffected('integ.exam', 'participant_id', 'integ.participant'), ...childrenOfAffected('integ.exam', 'course_id', 'integ.course')],
  // invoices take state, course type and module from the course of either programme
  'integ.invoice': [
    `SELECT invoice_id FROM full_integ_invoice WHERE course_id IN ${changed('integ_course')} OR course_id IN ${changed('berd_course')}`,
    `SELECT invoice_id FROM fact_invoice WHERE course_id IN ${changed('integ_course')} OR course_id IN ${changed('berd_course')}`,
  ],
  'berd.course': [...parentsOfChanged('berd.enrolment', 'course_id'), `SELECT course_id FROM full_berd_enrolment WHERE entitlement_id IN ${changed('berd_entitlement')}`],
  'berd.enrolment': [...childrenOfAffected('berd.enrolment', 'entitlement_id', 'berd.entitlement'), ...childrenOfAffected('berd.enrolment', 'course_id', 'berd.course')],
};

/** Tables restricted to their affected and context rows; the others (offices, providers) are read whole. */
const restricted = (t: SourceTable) => !FULL_REBUILD_TABLES.includes(t.name);

export interface IncrementalResult {
  models: Record<string, number>;
  quarantined: Record<string, number>;
  tests: DqResult[];
  seconds: Record<string, number>;
  /** Rows rebuilt per source table. */
  affected: Record<string, number>;
}

async function count(con: Session, sql: string): Promise<number> {
  const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${sql}`);
  return Number(r?.n ?? 0);
}

/** Keys merged into the raw mirror after merge `sinceSeq`, per source table. */
export async function changedKeyCounts(con: Session, sinceSeq: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of SOURCE_TABLES) out[t.name] = await count(con, `(SELECT DISTINCT k FROM ${changeLog(t)} WHERE seq > ${sinceSeq})`);
  return out;
}

const factOf = (t: SourceTable): Model | undefined => MODELS.find((m) => m.name === t.mart && m.layer === 'fact');

/**
 * Patches the snapshot open in `con` (a copy of the current one, the raw mirror attached as
 * `staging`) with the changes merged after `sinceSeq`.
 */
export async function buildIncremental(session: Session, sinceSeq: number): Promise<IncrementalResult> {
  // every statement timed: the slow ones are the profile of the incremental transform (debug log)
  const con: Session = {
    all: session.all,
    async run(sql, params) {
      const t = Date.now();
      await session.run(sql, params);
      if (Date.now() - t > 50) log.debug(`${Date.now() - t} ms: ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
    },
  };
  const seconds: Record<string, number> = {};
  const affected: Record<string, number> = {};
  await con.run('SET preserve_insertion_order = false');

  await timed(seconds, 'changes', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP VIEW full_${t.raw} AS ${stagingViewSql(t)}`);
      await con.run(`CREATE OR REPLACE TEMP TABLE chg_${t.raw} AS SELECT DISTINCT k FROM ${changeLog(t)} WHERE seq > ${sinceSeq}`);
    }
    for (const t of SOURCE_TABLES) {
      const rules = [`SELECT k FROM chg_${t.raw}`, ...(AFFECTED[t.name] ?? [])];
      await con.run(`CREATE OR REPLACE TEMP TABLE aff_${t.raw} AS SELECT DISTINCT k FROM (${rules.join(' UNION ALL ')}) AS u(k) WHERE k IS NOT NULL`);
      affected[t.name] = await count(con, `aff_${t.raw}`);
    }
    // the rows read from here on (`sub_<table>`, and `stg_<table>` over it): the affected rows and
    // the parents (and invoiced courses) the affected rows join to — the other tables first
    const parentTables = new Set(SOURCE_TABLES.flatMap((t) => t.parents.map((p) => p.table)));
    for (const t of [...SOURCE_TABLES.filter((x) => !parentTables.has(x.name)), ...SOURCE_TABLES.filter((x) => parentTables.has(x.name))]) {
      if (!restricted(t)) {
        await con.run(`CREATE OR REPLACE TEMP VIEW stg_${t.raw} AS SELECT * FROM full_${t.raw}`);
        continue;
      }
      const joinedBy = SOURCE_TABLES.flatMap((c) => c.parents.filter((p) => p.table === t.name).map((p) => `SELECT ${p.column} FROM sub_${c.raw} WHERE ${c.key} IN ${keys(c.raw)}`));
      if (t.name === 'integ.course' || t.name === 'berd.course') joinedBy.push(`SELECT course_id FROM sub_integ_invoice`);
      await con.run(
        `CREATE OR REPLACE TEMP TABLE sub_${t.raw} AS SELECT * FROM full_${t.raw} WHERE ${t.key} IN (SELECT DISTINCT k FROM (${[`SELECT k FROM aff_${t.raw}`, ...joinedBy].join(' UNION ALL ')}) AS u(k))`,
      );
      await con.run(`CREATE OR REPLACE TEMP VIEW stg_${t.raw} AS SELECT * FROM sub_${t.raw}`);
    }
    // deleted parents, for reconciling the changed days (whose rows need not be among the above)
    for (const name of parentTables) {
      const p = sourceTable(name);
      await con.run(`CREATE OR REPLACE TEMP TABLE del_${p.raw} AS SELECT ${p.key}, deleted_at FROM full_${p.raw} WHERE deleted_at IS NOT NULL`);
    }
    // the mart rows about to be replaced, and the days to reconcile: where the affected rows are
    // now, and where the snapshot had them
    for (const t of SOURCE_TABLES) {
      if (!factOf(t) || !restricted(t)) continue;
      // whole rows where a rollup needs them, else just the day (a scan reads every column it returns)
      const d = t.dateColumn!;
      const columns = MODELS.some((m) => m.rollup?.from === t.mart) ? '*' : `${t.key}, ${d}`;
      await con.run(`CREATE OR REPLACE TEMP TABLE old_${t.mart} AS SELECT ${columns} FROM ${t.mart} WHERE ${t.key} IN ${keys(t.raw)}`);
      await con.run(
        `CREATE OR REPLACE TEMP TABLE days_${t.raw} AS SELECT DISTINCT d FROM (
           SELECT ${d} FROM sub_${t.raw} WHERE ${t.key} IN ${keys(t.raw)}
           UNION ALL SELECT ${d} FROM old_${t.mart}
           UNION ALL SELECT source_date FROM quarantine WHERE source_table = '${t.name}' AND source_key IN (SELECT CAST(k AS VARCHAR) FROM aff_${t.raw})) AS u(d)`,
      );
    }
    log.debug('incremental transform: rows to rebuild', affected);
  });

  const quarantined: Record<string, number> = {};
  await timed(seconds, 'quarantine', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP TABLE live_${t.raw} AS ${liveRowsSql(t, (name) => `stg_${sourceTable(name).raw}`)}`);
      await con.run(quarantinedKeysView(t));
    }
    // parents first: a child's rules read its parents' quarantine
    for (const t of SOURCE_TABLES) {
      if (restricted(t)) {
        const aff = `(SELECT CAST(k AS VARCHAR) FROM aff_${t.raw})`;
        await con.run(`DELETE FROM quarantine WHERE source_table = '${t.name}' AND source_key IN ${aff}`);
        await con.run(`INSERT INTO quarantine SELECT * FROM (${quarantineSql(t)}) WHERE reason IS NOT NULL AND source_key IN ${aff}`);
      }
      await con.run(`CREATE OR REPLACE TEMP TABLE clean_${t.raw} AS ${cleanRowsSql(t)}`);
    }
    for (const r of await con.all<{ t: string; n: number }>(`SELECT source_table AS t, count(*) AS n FROM quarantine GROUP BY 1`)) quarantined[r.t] = r.n;
  });

  await timed(seconds, 'models', async () => {
    // facts: the affected rows replaced (old_<fact> holds what they were, new_<fact> what they are)
    for (const t of SOURCE_TABLES) {
      const fact = factOf(t);
      if (!fact || !restricted(t)) continue;
      await con.run(`CREATE OR REPLACE TEMP TABLE new_${fact.name} AS SELECT * FROM (${fact.sql}) WHERE ${t.key} IN ${keys(t.raw)}`);
      await con.run(`DELETE FROM ${fact.name} WHERE ${t.key} IN ${keys(t.raw)}`);
      await con.run(`INSERT INTO ${fact.name} SELECT * FROM new_${fact.name}`);
    }
    // rollups: the groups of the replaced rows, by the difference of their aggregates
    for (const r of MODELS.filter((m) => m.rollup)) await patchRollup(con, r);
    const dimDate = MODELS.find((m) => m.name === 'dim_date')!;
    await con.run(`CREATE OR REPLACE TABLE dim_date AS ${dimDate.sql}`);
  });

  const models: Record<string, number> = {};
  for (const m of ALL_MODELS) models[m.name] = await count(con, m.name);

  // the rows written; everything else is as tested when the snapshot was built
  const tests = await timed(seconds, 'tests', () =>
    runModelTests(con, ALL_MODELS, (m) => (m.rollup || (m.layer === 'fact' && SOURCE_TABLES.some((t) => t.mart === m.name && restricted(t))) ? `new_${m.name}` : undefined)),
  );
  return { models, quarantined, tests, seconds, affected };
}

/**
 * Updates the groups of rollup `r` that rows of its source relation left or joined: with the old
 * and new versions of those rows in `old_<from>` and `new_<from>`, each affected group becomes its
 * old value plus the new rows' aggregate minus the old rows' aggregate; empty groups go. Leaves the
 * old and new versions of its own affected groups in `old_<r>` and `new_<r>`, for rollups of it.
 */
async function patchRollup(con: Session, r: Model): Promise<void> {
  const { from, measures, select } = r.rollup!;
  const columns = Object.keys(r.columns);
  const groups = columns.filter((c) => !measures.includes(c));
  const same = (a: string, b: string) => groups.map((g) => `${a}.${g} IS NOT DISTINCT FROM ${b}.${g}`).join(' AND ');
  await con.run(`CREATE OR REPLACE TEMP TABLE grp_${r.name} AS SELECT DISTINCT ${groups.join(', ')} FROM (SELECT * FROM (${select(`old_${from}`)}) UNION ALL SELECT * FROM (${select(`new_${from}`)}))`);
  await con.run(`CREATE OR REPLACE TEMP TABLE old_${r.name} AS SELECT x.* FROM ${r.name} x JOIN grp_${r.name} g ON ${same('x', 'g')}`);
  const sums = measures.map((m) => `CAST(sum(${m}) AS BIGINT) AS ${m}`);
  await con.run(
    `CREATE OR REPLACE TEMP TABLE new_${r.name} AS
       SELECT ${columns.map((c) => (measures.includes(c) ? sums[measures.indexOf(c)] : c)).join(', ')}
         FROM (SELECT ${columns.join(', ')} FROM old_${r.name}
               UNION ALL SELECT ${columns.join(', ')} FROM (${select(`new_${from}`)})
               UNION ALL SELECT ${columns.map((c) => (measures.includes(c) ? `-${c} AS ${c}` : c)).join(', ')} FROM (${select(`old_${from}`)}))
        GROUP BY ${groups.join(', ')} HAVING sum(${measures[0]}) <> 0`,
  );
  await con.run(`DELETE FROM ${r.name} x USING grp_${r.name} g WHERE ${same('x', 'g')}`);
  await con.run(`INSERT INTO ${r.name} SELECT * FROM new_${r.name}`);
}

/** A condition: `column` holds one of the days in `days_<table>` (or is null, when a null day is one). */
export function onChangedDay(t: SourceTable, column: string): string {
  return `coalesce(${column}, DATE '0001-01-01') IN (SELECT coalesce(d, DATE '0001-01-01') FROM days_${t.raw})`;
}

/**
 * The live rows of `t` on the days an incremental transform touched, for reconciliation; the
 * relation name of the days is `days_<table>`.
 */
export function liveRowsOnChangedDays(t: SourceTable): string {
  const onDays = `(SELECT * FROM full_${t.raw} WHERE ${onChangedDay(t, t.dateColumn!)})`;
  return liveRowsSql(t, (name) => (name === t.name ? onDays : `del_${sourceTable(name).raw}`));
}
