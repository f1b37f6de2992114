/**
 * Runs the data tests declared next to the models (not null, unique, relationships, accepted
 * values, expressions) and records every result, with a sample of failing rows, in `dq_results`.
 * A failing error-level test blocks publication of the snapshot.
 */
import type { Session } from './duckdb';
import type { DataTest, Model, Severity } from './models/model';

export interface DqResult {
  check: string;
  model: string;
  kind: string;
  severity: Severity;
  failing: number;
  passed: boolean;
  sample: string | null;
}

function testSql(model: string, rel: string, t: DataTest): { kind: string; name: string; where: string; from?: string } {
  switch (t.kind) {
    case 'not_null':
      return { kind: t.kind, name: `${t.columns.join(', ')} not null`, where: t.columns.map((c) => `${c} IS NULL`).join(' OR ') };
    case 'unique':
      return {
        kind: t.kind,
        name: `${t.columns.join(', ')} unique`,
        from: `(SELECT ${t.columns.join(', ')}, count(*) AS duplicates FROM ${rel} GROUP BY ALL HAVING count(*) > 1)`,
        where: 'true',
      };
    case 'relationship':
      return {
        kind: t.kind,
        name: `${t.column} → ${t.to}.${t.toColumn}`,
        where: `${t.column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${t.to} x WHERE x.${t.toColumn} = ${model}.${t.column})${t.where ? ` AND ${t.where}` : ''}`,
      };
    case 'accepted_values':
      return {
        kind: t.kind,
        name: `${t.column} in code list ${t.codelist}`,
        where: `${t.column} IS NOT NULL AND ${t.column} NOT IN (SELECT code FROM dim_code WHERE dimension = '${t.codelist}')`,
      };
    case 'expression':
      return { kind: t.kind, name: t.description, where: `NOT coalesce((${t.expression}), false)` };
  }
}

/**
 * Runs the tests of `models`. `scope` may restrict a model's tests to some of its rows (a
 * subquery): the incremental transform tests the rows it rebuilt, which is all that changed.
 */
export async function runModelTests(con: Session, models: readonly Model[], scope?: (m: Model) => string | undefined): Promise<DqResult[]> {
  const results: DqResult[] = [];
  for (const m of models) {
    const rel = scope?.(m) ?? m.name;
    for (const t of m.tests) {
      const q = testSql(m.name, rel, t);
      const from = q.from ?? rel;
      const [row] = await con.all<{ n: number }>(`SELECT count(*) AS n FROM ${from} AS ${m.name} WHERE ${q.where}`);
      const failing = Number(row?.n ?? 0);
      let sample: string | null = null;
      if (failing > 0) {
        const rows = await con.all(`SELECT * FROM ${from} AS ${m.name} WHERE ${q.where} LIMIT 5`);
        sample = JSON.stringify(rows);
      }
      const severity = t.severity ?? 'error';
      results.push({ check: `${m.name}: ${q.name}`, model: m.name, kind: q.kind, severity, failing, passed: failing === 0, sample });
    }
  }
  return results;
}

export async function saveResults(con: Session, results: readonly DqResult[]): Promise<void> {
  await con.run(`CREATE OR REPLACE TABLE dq_results (check_name VARCHAR, model VARCHAR, kind VARCHAR, severity VARCHAR, failing BIGINT, passed BOOLEAN, sample VARCHAR)`);
  if (results.length === 0) return;
  // one statement for all: a statement per result took a quarter of a second
  const values = results.map((_, i) => `(${Array.from({ length: 7 }, (__, j) => `$${i * 7 + j + 1}`).join(', ')})`).join(', ');
  await con.run(`INSERT INTO dq_results VALUES ${values}`, results.flatMap((r) => [r.check, r.model, r.kind, r.severity, r.failing, r.passed, r.sample]));
}

export const blocking = (results: readonly DqResult[]) => results.filter((r) => !r.passed && r.severity === 'error');
