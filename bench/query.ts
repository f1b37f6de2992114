/**
 * The dashboard API (architecture §7: p95 ≤ 150 ms; DuckDB ≥ 20× PostgreSQL): every dashboard's panel
 * set for several filter states, computed as the web app computes it (panelData: the query path
 * with a real user's rights and disclosure control), warm. Each query answer is one statement;
 * the statements are recorded and then run on PostgreSQL 15 holding the same marts (same schema,
 * indexes on the date and scope columns, ANALYZEd), alternating with DuckDB in one run.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { DASHBOARD_DEFS } from '../dashboards/defs';
import { panelData, parseFilters } from '../dashboards/server/panels';
import { buildPrincipal } from '../roles/access';
import { answerCache } from '../warehouse/semantic/answer-cache';
import { DEMO_ROLES } from '../roles/demo';
import type { Duck } from '../warehouse/duckdb';
import { SnapshotReader, type SnapshotInfo } from '../warehouse/snapshots';
import { ensureWarehouse } from './data';
import { median, percentile, type BenchContext } from './harness';

interface Statement {
  sql: string;
  params: readonly unknown[];
  ms: number[];
}

/** A reader that records every query answer's statement and its time. */
class RecordingReader extends SnapshotReader {
  statements: Statement[] = [];
  recording = true;
  override use<T>(fn: (duck: Duck, info: SnapshotInfo) => Promise<T>): Promise<T> {
    return super.use((duck, info) => {
      const proxy: Duck = {
        file: duck.file,
        readOnly: duck.readOnly,
        run: (sql, params) => duck.run(sql, params),
        all: (sql, params) => duck.all(sql, params),
        stream: (sql, params) => duck.stream(sql, params),
        session: (f) => duck.session(f),
        close: () => undefined,
        table: async (sql, params = []) => {
          const t0 = performance.now();
          const r = await duck.table(sql, params);
          if (this.recording) this.statements.push({ sql, params, ms: [performance.now() - t0] });
          return r;
        },
      };
      return fn(proxy, info);
    });
  }
}

/** Filter states a manager clicks through: the default period, one state, one state in a past year. */
const FILTER_STATES: Array<Record<string, string>> = [{}, { state: '09' }, { state: '05', from: '2024-01-01', to: '2024-12-31' }];

// --- DuckDB SQL as PostgreSQL SQL: the few functions the compiler uses that PostgreSQL spells differently
const PG_FORMATS: Record<string, string> = { '%Y-%m': 'YYYY-MM', '%Y-%m-%d': 'YYYY-MM-DD', '%Y': 'YYYY' };
export function toPostgres(sql: string): string {
  return sql
    .replace(/strftime\(([^(),]+), '([^']+)'\)/g, (_, col: string, f: string) => `to_char(${col}, '${PG_FORMATS[f] ?? f}')`)
    .replace(/quantile_cont\(([^()]+), 0\.5\)/g, 'percentile_cont(0.5) WITHIN GROUP (ORDER BY $1)')
    .replace(/\b(year|quarter)\(/g, "date_part('$1', ")
    .replace(/AS DOUBLE\)/g, 'AS DOUBLE PRECISION)');
}

const PG_TYPES: Array<[RegExp, string]> = [
  [/^VARCHAR$/, 'text'], [/^(BIGINT|HUGEINT|UBIGINT)$/, 'bigint'], [/^(INTEGER|UINTEGER)$/, 'integer'], [/^(SMALLINT|TINYINT|USMALLINT|UTINYINT)$/, 'smallint'],
  [/^DOUBLE$/, 'double precision'], [/^FLOAT$/, 'real'], [/^DATE$/, 'date'], [/^BOOLEAN$/, 'boolean'], [/^TIMESTAMP WITH TIME ZONE$/, 'timestamptz'], [/^TIMESTAMP$/, 'timestamp'], [/^DECIMAL/, 'numeric'],
];

async function loadMarts(ctx: BenchContext, reader: SnapshotReader, tables: string[]): Promise<pg.Client> {
  const cluster = await ctx.pg();
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS fis_marts');
  await admin.query('CREATE DATABASE fis_marts');
  await admin.end();
  const client = new pg.Client({ connectionString: cluster.url.replace(/\/postgres$/, '/fis_marts') });
  await client.connect();
  // DuckDB's two-argument round on a double (only on the final, small result)
  await client.query(`CREATE FUNCTION round(double precision, integer) RETURNS double precision LANGUAGE sql IMMUTABLE AS 'SELECT round($1::numeric, $2)::double precision'`);
  let rows = 0;
  const t0 = performance.now();
  for (const table of tables) {
    const file = join(cluster.dir, `load-${table}.csv`);
    const cols = await reader.use(async (duck) => {
      const c = await duck.all<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`);
      await duck.run(`COPY (SELECT * FROM ${table}) TO '${file}' (FORMAT csv, HEADER false)`);
      return c;
    });
    const ddl = cols.map((c) => `"${c.column_name}" ${PG_TYPES.find(([re]) => re.test(c.column_type))?.[1] ?? 'text'}`).join(', ');
    await client.query(`CREATE TABLE ${table} (${ddl})`);
    await client.query(`COPY ${table} FROM '${file}' (FORMAT csv)`);
    rmSync(file, { force: true });
    // indexes a DBA would add for these queries: the date columns and the scope columns
    for (const c of cols.filter((c) => c.column_type === 'DATE' || ['state_code', 'office_code'].includes(c.column_name))) {
      await client.query(`CREATE INDEX ON ${table} ("${c.column_name}")`);
    }
    await client.query(`ANALYZE ${table}`);
    const [n] = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows;
    rows += Number(n!.n);
  }
  ctx.log(`loaded ${tables.length} marts (${rows.toLocaleString('en-US')} rows) into PostgreSQL in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return client;
}

export async function benchQueries(ctx: BenchContext): Promise<void> {
  const dir = await ensureWarehouse(ctx);
  const reader = new RecordingReader(dir);
  // every answer computed: what the warehouse does, not what the answer cache remembers (load measures that)
  answerCache.setMaxBytes(0);
  // the demo role "analyst": all domains, small counts suppressed (the heavier path)
  const principal = buildPrincipal({ user_id: '0', username: 'analyst', display_name: 'analyst', roles: ['analyst'], offices: [], states: [], must_change_password: false }, DEMO_ROLES.filter((r) => r.name === 'analyst'), 5);
  const dataAsOf = reader.info()!.dataAsOf;
  const reps = ctx.quick ? 2 : 3;

  // the mix: every panel of every dashboard for every filter state; first pass warms caches
  const mix = DASHBOARD_DEFS.flatMap((d) => FILTER_STATES.map((fs) => ({ d, f: parseFilters(fs, d, dataAsOf) })));
  const panelMs: number[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    reader.recording = rep === 1;
    for (const { d, f } of mix) {
      for (const p of d.panels) {
        const t0 = performance.now();
        await panelData(reader, p, f, principal, 'de');
        if (rep > 0) panelMs.push(performance.now() - t0);
      }
    }
  }
  const statements = reader.statements;
  reader.recording = false;
  // where the time goes: the slowest answers, by the table they read
  for (const s of [...statements].sort((a, b) => b.ms[0]! - a.ms[0]!).slice(0, 5)) {
    const from = [...new Set([...s.sql.matchAll(/\bFROM\s+"?((?:fact|agg|dim|mart)_\w+)/g)].map((m) => m[1]))].join(', ');
    ctx.log(`slow answer ${s.ms[0]!.toFixed(0)} ms from ${from}: ${s.sql.slice(0, 140)}…`);
  }
  const duckMs = statements.map((s) => s.ms[0]!);
  ctx.record({ section: 'query', name: `query answer (/api/query path, analyst), p50 over ${statements.length} answers`, value: Math.round(median(duckMs) * 10) / 10, unit: 'ms' });
  ctx.record({ section: 'query', name: 'query answer, p95', value: Math.round(percentile(duckMs, 95) * 10) / 10, unit: 'ms', target: '<= 150' });
  ctx.record({ section: 'query', name: 'query answer, max', value: Math.round(Math.max(...duckMs)), unit: 'ms' });
  ctx.record({ section: 'query', name: `dashboard panel (all its answers), p50 over ${panelMs.length}`, value: Math.round(median(panelMs) * 10) / 10, unit: 'ms' });
  ctx.record({ section: 'query', name: 'dashboard panel, p95', value: Math.round(percentile(panelMs, 95) * 10) / 10, unit: 'ms' });

  // PostgreSQL: the same statements on the same marts, alternating with DuckDB
  const unique = [...new Map(statements.map((s) => [s.sql + JSON.stringify(s.params), s])).values()];
  const step = Math.max(1, Math.floor(unique.length / (ctx.quick ? 30 : 80)));
  const sample = unique.filter((_, i) => i % step === 0);
  const tables = [...new Set(sample.flatMap((s) => [...s.sql.matchAll(/\b(?:FROM|JOIN)\s+"?((?:fact|agg|dim|mart)_\w+)/g)].map((m) => m[1]!)))].sort();
  const client = await loadMarts(ctx, reader, tables);
  const duckTimes: number[] = [];
  const pgTimes: number[] = [];
  const reads: Array<'facts' | 'rollups'> = [];
  let failed = 0;
  let firstError = '';
  try {
    for (const s of sample) {
      const pgSql = toPostgres(s.sql);
      try {
        await client.query(pgSql, s.params as unknown[]); // warm (plans, buffers)
      } catch (e) {
        failed++;
        firstError ||= (e as Error).message;
        continue;
      }
      const d: number[] = [];
      const p: number[] = [];
      for (let r = 0; r < reps; r++) {
        let t0 = performance.now();
        await reader.use((duck) => duck.table(s.sql, s.params));
        d.push(performance.now() - t0);
        t0 = performance.now();
        await client.query(pgSql, s.params as unknown[]);
        p.push(performance.now() - t0);
      }
      duckTimes.push(median(d));
      pgTimes.push(median(p));
      reads.push(/\bFROM\s+"?fact_/.test(s.sql) ? 'facts' : 'rollups');
    }
  } finally {
    await client.end();
    reader.close();
  }
  if (failed) ctx.log(`${failed} of ${sample.length} statements did not run on PostgreSQL (first: ${firstError.slice(0, 160)})`);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const ratios = duckTimes.map((d, i) => pgTimes[i]! / Math.max(d, 0.01));
  ctx.record({ section: 'query', name: `same ${duckTimes.length} answers: DuckDB p50`, value: Math.round(median(duckTimes) * 10) / 10, unit: 'ms', note: `p95 ${percentile(duckTimes, 95).toFixed(1)} ms` });
  ctx.record({ section: 'query', name: `same ${duckTimes.length} answers: PostgreSQL 15 p50`, value: Math.round(median(pgTimes) * 10) / 10, unit: 'ms', note: `p95 ${percentile(pgTimes, 95).toFixed(1)} ms` });
  ctx.record({ section: 'query', name: 'PostgreSQL ÷ DuckDB, total time of the mix', value: Math.round((sum(pgTimes) / sum(duckTimes)) * 10) / 10, unit: '×', target: '>= 20' });
  ctx.record({ section: 'query', name: 'PostgreSQL ÷ DuckDB, median per answer', value: Math.round(median(ratios) * 10) / 10, unit: '×' });
  // where the ratio comes from: answers from the facts against answers from the rollups
  for (const kind of ['facts', 'rollups'] as const) {
    const idx = reads.flatMap((r, i) => (r === kind ? [i] : []));
    if (!idx.length) continue;
    ctx.record({
      section: 'query',
      name: `PostgreSQL ÷ DuckDB, total time of the answers from the ${kind}`,
      value: Math.round((sum(idx.map((i) => pgTimes[i]!)) / sum(idx.map((i) => duckTimes[i]!))) * 10) / 10,
      unit: '×',
      note: `${idx.length} answers, DuckDB p50 ${median(idx.map((i) => duckTimes[i]!)).toFixed(1)} ms, PostgreSQL p50 ${median(idx.map((i) => pgTimes[i]!)).toFixed(1)} ms`,
    });
  }
}
