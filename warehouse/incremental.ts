/**
 * The incremental transform: patches a copy of the current snapshot with the source rows that
 * changed since it was built, instead of rebuilding every mart. Its result is the same, row for row,
 * as a full transform of the same raw mirror (tested); the nightly full run rebuilds everything.
 *
 * The changed keys per source table (`chg_<table>`, from the raw mirror's change log) spread to the
 * rows whose mart rows can change with them (`aff_<table>`). Nothing of that is written by hand
 * here: it is derived from what each fact model declares it depends on (Model.parents, aggregates,
 * copies — see `dependantsSql`): every child of an affected parent (children copy their parent's
 * attributes, do not count without it, and are checked with their siblings through it); a parent
 * whose mart row aggregates a changed child (an application's first hearing and decision, a
 * course's participant counts, a participant's first enrolment) — including children that stop
 * counting because their other parent changed; and rows that copy a changed row (an invoice's
 * course, a participant's first course). For those rows the usual layers run on just the rows they
 * need (`sub_<table>`: the affected rows and the rows they join to, derived from the same
 * declarations): live rows → quarantine → clean rows → the mart rows, which replace the old ones.
 * Rows that only serve as context keep their quarantine status, which cannot have changed (it
 * depends on the row itself and its parents, and a changed parent makes its children affected).
 * Rollups change by the difference of the old and new rows' aggregates; data tests check the rows
 * written; reconciliation covers every day a changed row was or is on. The temporary relations
 * are named, with their meaning, in relations.ts.
 *
 * Not incremental (a full transform instead): changes of offices or providers (every mart row
 * carries their state), other code lists or model definitions (the build fingerprint), and large
 * change sets, for which rebuilding is as quick.
 */
import { createLogger } from '../platform/logger';
import { stagingViewSql, timed } from './build';
import type { Session } from './duckdb';
import { ALL_MODELS, MODELS } from './models';
import type { KeyRef, Model } from './models/model';
import { runModelTests, type DqResult } from './quality';
import { cleanRowsSql, quarantineSql, quarantinedKeysView } from './quarantine';
import { changeLog } from './raw-mirror';
import { rel, type LiveRows } from './relations';
import { FULL_REBUILD_TABLES, SOURCE_TABLES, liveRowsSql, sourceTable, type SourceTable } from './sources';

const log = createLogger('warehouse');

/** What the plan of an incremental transform is derived from: the source tables and the models. */
export interface Lineage {
  tables: readonly SourceTable[];
  models: readonly Model[];
}

const WAREHOUSE: Lineage = { tables: SOURCE_TABLES, models: MODELS };

/** Tables restricted to their affected and context rows; the others (offices, providers) are read whole. */
const restricted = (name: string) => !FULL_REBUILD_TABLES.includes(name);

const keys = (relation: string) => `(SELECT k FROM ${relation})`;

/** The declarations of a lineage, looked up by source table. */
function lookup(l: Lineage) {
  const table = (name: string): SourceTable => {
    const t = l.tables.find((x) => x.name === name);
    if (!t) throw new Error(`unknown source table ${name}`);
    return t;
  };
  const fact = (t: SourceTable) => l.models.find((m) => m.name === t.mart && m.layer === 'fact');
  /** A fact's references of one kind to tables an incremental transform patches (a change of the others rebuilds everything). */
  const refs = (t: SourceTable, kind: 'parents' | 'aggregates' | 'copies'): KeyRef[] => (fact(t)?.[kind] ?? []).filter((r) => restricted(r.table));
  /** The references by which rows of `t` join to a row of another table: parents, and copied rows by a column the source row has. */
  const joins = (t: SourceTable) => [...refs(t, 'parents'), ...refs(t, 'copies').filter((c) => t.columns.some((x) => x.name === c.column))];
  return { table, fact, refs, joins };
}

/** `tables` in an order where each comes after the tables named by `before` (a cycle is a declaration error). */
function ordered(tables: readonly SourceTable[], table: (name: string) => SourceTable, before: (t: SourceTable) => string[]): SourceTable[] {
  const out: SourceTable[] = [];
  const visit = (t: SourceTable, path: string[]) => {
    if (out.includes(t)) return;
    if (path.includes(t.name)) throw new Error(`the models' dependencies form a cycle: ${[...path, t.name].join(' → ')}`);
    for (const b of before(t)) visit(table(b), [...path, t.name]);
    out.push(t);
  };
  for (const t of tables) visit(t, []);
  return out;
}

/**
 * Besides its own changed keys, the keys of `t` to rebuild, derived from the declarations of its
 * fact; each statement selects keys of `t` — now (the staging rows) and as the snapshot has them
 * (its mart), wherever the column it looks at is.
 */
export function dependantsSql(t: SourceTable, l: Lineage = WAREHOUSE): string[] {
  const { table, fact: factOf, refs } = lookup(l);
  const fact = factOf(t);
  if (!fact) return [];
  const rowsWhere = (column: string, cond: string) => [
    ...(t.columns.some((c) => c.name === column) ? [`SELECT ${t.key} FROM ${rel.full(t)} WHERE ${column} IN ${cond}`] : []),
    ...(column in fact.columns ? [`SELECT ${t.key} FROM ${t.mart} WHERE ${column} IN ${cond}`] : []),
  ];
  const out: string[] = [];
  // parents: the children of an affected parent (they copy it, count only with it, and are checked
  // against it and, through it, against their siblings: a second live decision of an application)
  for (const p of refs(t, 'parents')) out.push(...rowsWhere(p.column, keys(rel.affected(table(p.table)))));
  // copies: the rows copying a changed row
  for (const c of refs(t, 'copies')) out.push(...rowsWhere(c.column, keys(rel.changed(table(c.table)))));
  // aggregates: the parents of changed children, now and as the snapshot had them — and of the
  // children that start or stop counting because another parent of theirs changed
  for (const a of refs(t, 'aggregates')) {
    const child = table(a.table);
    const changedChildren = keys(rel.changed(child));
    out.push(`SELECT ${a.column} FROM ${rel.full(child)} WHERE ${child.key} IN ${changedChildren}`, `SELECT ${a.column} FROM ${child.mart} WHERE ${child.key} IN ${changedChildren}`);
    for (const q of refs(child, 'parents').filter((x) => x.column !== a.column)) {
      out.push(`SELECT ${a.column} FROM ${rel.full(child)} WHERE ${q.column} IN ${keys(rel.changed(table(q.table)))}`);
    }
  }
  return out;
}

/**
 * The statements that make `aff_<table>` for every source table, parents first (a child's rule
 * reads its parents' affected keys; the other rules read only changed keys). Needs `full_` and
 * `chg_` of every table and the snapshot's marts.
 */
export function affectedSql(l: Lineage = WAREHOUSE): Array<{ table: SourceTable; sql: string }> {
  const { table, refs } = lookup(l);
  return ordered(l.tables, table, (t) => refs(t, 'parents').map((p) => p.table)).map((t) => ({
    table: t,
    sql: `CREATE OR REPLACE TEMP TABLE ${rel.affected(t)} AS SELECT DISTINCT k FROM (${[`SELECT k FROM ${rel.changed(t)}`, ...dependantsSql(t, l)].join(' UNION ALL ')}) AS u(k) WHERE k IS NOT NULL`,
  }));
}

/**
 * The statements that make the rows read from here on (`stg_<table>`): for a restricted table its
 * affected rows and the rows that affected rows of other tables join to (`sub_<table>`), the
 * joining tables first; the other tables whole.
 */
export function contextSql(l: Lineage = WAREHOUSE): string[] {
  const { table, joins } = lookup(l);
  const joinedBy = (t: SourceTable) => l.tables.flatMap((c) => joins(c).filter((j) => j.table === t.name).map((j) => ({ child: c, column: j.column })));
  return ordered(l.tables, table, (t) => joinedBy(t).map((j) => j.child.name)).flatMap((t) => {
    if (!restricted(t.name)) return [`CREATE OR REPLACE TEMP VIEW ${rel.stg(t)} AS SELECT * FROM ${rel.full(t)}`];
    const rows = [`SELECT k FROM ${rel.affected(t)}`, ...joinedBy(t).map(({ child, column }) => `SELECT ${column} FROM ${rel.sub(child)} WHERE ${child.key} IN ${keys(rel.affected(child))}`)];
    return [
      `CREATE OR REPLACE TEMP TABLE ${rel.sub(t)} AS SELECT * FROM ${rel.full(t)} WHERE ${t.key} IN (SELECT DISTINCT k FROM (${rows.join(' UNION ALL ')}) AS u(k))`,
      `CREATE OR REPLACE TEMP VIEW ${rel.stg(t)} AS SELECT * FROM ${rel.sub(t)}`,
    ];
  });
}

export interface IncrementalResult {
  models: Record<string, number>;
  quarantined: Record<string, number>;
  tests: DqResult[];
  seconds: Record<string, number>;
  /** Rows rebuilt per source table. */
  affected: Record<string, number>;
  /** What reconciliation reads on this connection: the live rows on the days the rebuilt rows were or are on. */
  live: LiveRows;
}

async function count(con: Session, sql: string): Promise<number> {
  const [r] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${sql}`);
  return Number(r?.n ?? 0);
}

const factOf = (t: SourceTable): Model | undefined => lookup(WAREHOUSE).fact(t);

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
  const affectedKeys = (t: SourceTable) => keys(rel.affected(t));

  await timed(seconds, 'changes', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP VIEW ${rel.full(t)} AS ${stagingViewSql(t)}`);
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.changed(t)} AS SELECT DISTINCT k FROM ${changeLog(t)} WHERE seq > ${sinceSeq}`);
    }
    for (const { table, sql } of affectedSql()) {
      await con.run(sql);
      affected[table.name] = await count(con, rel.affected(table));
    }
    for (const sql of contextSql()) await con.run(sql);
    // deleted parents, for reconciling the changed days (whose rows need not be among the above)
    for (const name of new Set(SOURCE_TABLES.flatMap((t) => t.parents.map((p) => p.table)))) {
      const p = sourceTable(name);
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.deleted(p)} AS SELECT ${p.key}, deleted_at FROM ${rel.full(p)} WHERE deleted_at IS NOT NULL`);
    }
    // the mart rows about to be replaced, and the days to reconcile: where the affected rows are
    // now, and where the snapshot had them
    for (const t of SOURCE_TABLES) {
      if (!factOf(t) || !restricted(t.name)) continue;
      // whole rows where a rollup needs them, else just the day (a scan reads every column it returns)
      const d = t.dateColumn!;
      const columns = MODELS.some((m) => m.rollup?.from === t.mart) ? '*' : `${t.key}, ${d}`;
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.oldRows(t.mart)} AS SELECT ${columns} FROM ${t.mart} WHERE ${t.key} IN ${affectedKeys(t)}`);
      await con.run(
        `CREATE OR REPLACE TEMP TABLE ${rel.days(t)} AS SELECT DISTINCT d FROM (
           SELECT ${d} FROM ${rel.sub(t)} WHERE ${t.key} IN ${affectedKeys(t)}
           UNION ALL SELECT ${d} FROM ${rel.oldRows(t.mart)}
           UNION ALL SELECT source_date FROM quarantine WHERE source_table = '${t.name}' AND source_key IN (SELECT CAST(k AS VARCHAR) FROM ${rel.affected(t)})) AS u(d)`,
      );
    }
    log.debug('incremental transform: rows to rebuild', affected);
  });

  const quarantined: Record<string, number> = {};
  await timed(seconds, 'quarantine', async () => {
    for (const t of SOURCE_TABLES) {
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.live(t)} AS ${liveRowsSql(t, (name) => rel.stg(sourceTable(name)))}`);
      await con.run(quarantinedKeysView(t));
    }
    // parents first: a child's rules read its parents' quarantine
    for (const t of SOURCE_TABLES) {
      if (restricted(t.name)) {
        const aff = `(SELECT CAST(k AS VARCHAR) FROM ${rel.affected(t)})`;
        await con.run(`DELETE FROM quarantine WHERE source_table = '${t.name}' AND source_key IN ${aff}`);
        await con.run(`INSERT INTO quarantine SELECT * FROM (${quarantineSql(t)}) WHERE reason IS NOT NULL AND source_key IN ${aff}`);
      }
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.clean(t)} AS ${cleanRowsSql(t)}`);
    }
    for (const r of await con.all<{ t: string; n: number }>(`SELECT source_table AS t, count(*) AS n FROM quarantine GROUP BY 1`)) quarantined[r.t] = r.n;
  });

  await timed(seconds, 'models', async () => {
    // facts: the affected rows replaced (old_<fact> holds what they were, new_<fact> what they are)
    for (const t of SOURCE_TABLES) {
      const fact = factOf(t);
      if (!fact || !restricted(t.name)) continue;
      await con.run(`CREATE OR REPLACE TEMP TABLE ${rel.newRows(fact.name)} AS SELECT * FROM (${fact.sql}) WHERE ${t.key} IN ${affectedKeys(t)}`);
      await con.run(`DELETE FROM ${fact.name} WHERE ${t.key} IN ${affectedKeys(t)}`);
      await con.run(`INSERT INTO ${fact.name} SELECT * FROM ${rel.newRows(fact.name)}`);
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
    runModelTests(con, ALL_MODELS, (m) => (m.rollup || (m.layer === 'fact' && SOURCE_TABLES.some((t) => t.mart === m.name && restricted(t.name))) ? rel.newRows(m.name) : undefined)),
  );
  const live: LiveRows = {
    rows: (t) => (t.dateColumn ? `(${liveRowsOnChangedDays(t)})` : rel.live(t)),
    onDays: (t, column) => (t.dateColumn ? onChangedDay(t, column) : undefined),
  };
  return { models, quarantined, tests, seconds, affected, live };
}

/**
 * Updates the groups of rollup `r` that rows of its source relation left or joined: with the old
 * and new versions of those rows in `old_<from>` and `new_<from>`, each affected group becomes its
 * old value plus the new rows' aggregate minus the old rows' aggregate; empty groups go. Leaves the
 * old and new versions of its own affected groups in `old_<r>` and `new_<r>`, for rollups of it.
 */
async function patchRollup(con: Session, r: Model): Promise<void> {
  const { from, select } = r.rollup!;
  const measures = r.rollup!.measures.map((m) => m.column);
  const columns = Object.keys(r.columns);
  const groups = columns.filter((c) => !measures.includes(c));
  const [grp, oldR, newR] = [rel.groups(r.name), rel.oldRows(r.name), rel.newRows(r.name)];
  const same = (a: string, b: string) => groups.map((g) => `${a}.${g} IS NOT DISTINCT FROM ${b}.${g}`).join(' AND ');
  await con.run(`CREATE OR REPLACE TEMP TABLE ${grp} AS SELECT DISTINCT ${groups.join(', ')} FROM (SELECT * FROM (${select(rel.oldRows(from))}) UNION ALL SELECT * FROM (${select(rel.newRows(from))}))`);
  await con.run(`CREATE OR REPLACE TEMP TABLE ${oldR} AS SELECT x.* FROM ${r.name} x JOIN ${grp} g ON ${same('x', 'g')}`);
  const sums = measures.map((m) => `CAST(sum(${m}) AS BIGINT) AS ${m}`);
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${newR} AS
       SELECT ${columns.map((c) => (measures.includes(c) ? sums[measures.indexOf(c)] : c)).join(', ')}
         FROM (SELECT ${columns.join(', ')} FROM ${oldR}
               UNION ALL SELECT ${columns.join(', ')} FROM (${select(rel.newRows(from))})
               UNION ALL SELECT ${columns.map((c) => (measures.includes(c) ? `-${c} AS ${c}` : c)).join(', ')} FROM (${select(rel.oldRows(from))}))
        GROUP BY ${groups.join(', ')} HAVING sum(${measures[0]}) <> 0`,
  );
  await con.run(`DELETE FROM ${r.name} x USING ${grp} g WHERE ${same('x', 'g')}`);
  await con.run(`INSERT INTO ${r.name} SELECT * FROM ${newR}`);
}

/** A condition: `column` holds one of the days in `days_<table>` (or is null, when a null day is one). */
function onChangedDay(t: SourceTable, column: string): string {
  return `coalesce(${column}, DATE '0001-01-01') IN (SELECT coalesce(d, DATE '0001-01-01') FROM ${rel.days(t)})`;
}

/** The live rows of `t` on the days an incremental transform touched, for reconciliation. */
function liveRowsOnChangedDays(t: SourceTable): string {
  const onDays = `(SELECT * FROM ${rel.full(t)} WHERE ${onChangedDay(t, t.dateColumn!)})`;
  return liveRowsSql(t, (name) => (name === t.name ? onDays : rel.deleted(sourceTable(name))));
}
