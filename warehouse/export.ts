/**
 * Answers as files, for analysts: the one statement of the query path (rights ANDed in before
 * aggregation, disclosure control after) wrapped in DuckDB's own COPY, so CSV and Parquet are
 * written by the engine at engine speed with flat memory, however many rows. Arrow IPC is written
 * chunk by chunk as DuckDB produces the rows.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Field, Float64, RecordBatch, RecordBatchStreamWriter, Schema, Struct, Utf8, makeData, vectorFromArray } from 'apache-arrow';
import { lit, openDuck, type Duck } from './duckdb';
import type { PlannedQuery } from './semantic/query';

export const ANSWER_FORMATS = ['csv', 'csv-de', 'parquet', 'arrow'] as const;
export type AnswerFormat = (typeof ANSWER_FORMATS)[number];

/** The mark of a withheld (or undefined) cell in the German-Excel CSV, as on the screen. */
export const SUPPRESSED_MARK = '·';

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The answer's statement with readable column names, ordered by its dimensions. In the
 * German-Excel variant numbers carry a decimal comma and withheld cells the mark "·".
 */
function answerSelect(plan: PlannedQuery, variant: 'plain' | 'csv-de' | 'arrow'): string {
  const dims = plan.columns.length - plan.defs.length;
  const cols = plan.columns.map((name, i) => {
    const src = i < dims ? `d${i}` : `m${i - dims}`;
    if (variant === 'arrow') return `${i < dims ? `CAST(${src} AS VARCHAR)` : `CAST(${src} AS DOUBLE)`} AS ${ident(name)}`;
    if (variant === 'csv-de' && i >= dims) return `CASE WHEN ${src} IS NULL THEN ${lit(SUPPRESSED_MARK)} ELSE replace(CAST(${src} AS VARCHAR), '.', ',') END AS ${ident(name)}`;
    return `${src} AS ${ident(name)}`;
  });
  const order = dims ? ` ORDER BY ${Array.from({ length: dims }, (_, i) => i + 1).join(', ')}` : '';
  return `SELECT ${cols.join(', ')} FROM (${plan.sql}) answer${order}`;
}

/**
 * Writes the answer of `plan` to `file` and returns the number of rows. `meta` goes into the
 * Parquet footer (key–value metadata) — title, filters, data as of.
 */
export async function writeAnswer(duck: Duck, plan: PlannedQuery, format: AnswerFormat, file: string, meta: Record<string, string> = {}): Promise<number> {
  if (format === 'arrow') return writeArrow(duck, plan, file);
  const options =
    format === 'parquet'
      ? `FORMAT parquet, COMPRESSION zstd${Object.keys(meta).length ? `, KV_METADATA {${Object.entries(meta).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(', ')}}` : ''}`
      : format === 'csv-de'
        ? `FORMAT csv, HEADER, DELIMITER ';'`
        : `FORMAT csv, HEADER, DELIMITER ','`;
  const t = await duck.table(`COPY (${answerSelect(plan, format === 'csv-de' ? 'csv-de' : 'plain')}) TO ${lit(file)} (${options})`, plan.parameters);
  return Number(t.rows[0]?.[0] ?? 0);
}

async function writeArrow(duck: Duck, plan: PlannedQuery, file: string): Promise<number> {
  // one schema for every batch (the writer closes the stream when a batch's schema differs)
  const dims = plan.columns.length - plan.defs.length;
  const schema = new Schema(plan.columns.map((name, i) => new Field(name, i < dims ? new Utf8() : new Float64(), true)));
  const writer = new RecordBatchStreamWriter();
  const out = pipeline(writer.toNodeStream(), createWriteStream(file));
  let rows = 0;
  const batch = (columns: Array<Array<string | number | null>>, length: number) => {
    const children = schema.fields.map((f, i) => vectorFromArray(columns[i] ?? [], f.type as Utf8 | Float64).data[0]!);
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
  };
  try {
    writer.reset(undefined, schema);
    for await (const chunk of duck.stream(answerSelect(plan, 'arrow'), plan.parameters)) {
      writer.write(batch(plan.columns.map((_, i) => chunk.rows.map((r) => r[i] as string | number | null)), chunk.rows.length));
      rows += chunk.rows.length;
    }
    // an empty answer still carries its schema
    if (rows === 0) writer.write(batch([], 0));
  } finally {
    writer.finish();
    await out;
  }
  return rows;
}

export interface RowsColumn {
  name: string;
  type: 'VARCHAR' | 'DOUBLE' | 'BIGINT';
}

/**
 * Writes rows computed elsewhere (a report table) to a Parquet file, through an in-memory DuckDB:
 * typed columns, zstd, and `meta` in the footer.
 */
export async function writeRowsParquet(columns: RowsColumn[], rows: unknown[][], file: string, meta: Record<string, string> = {}): Promise<number> {
  const duck = await openDuck(':memory:');
  try {
    return await duck.session(async (con) => {
      const table = `rows_${process.pid}_${Math.random().toString(36).slice(2)}`;
      await con.run(`CREATE TEMP TABLE ${table} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ')})`);
      try {
        const per = Math.max(1, Math.floor(1000 / Math.max(1, columns.length)));
        for (let i = 0; i < rows.length; i += per) {
          const batch = rows.slice(i, i + per);
          const values = batch.map((_, r) => `(${columns.map((c, k) => `CAST($${r * columns.length + k + 1} AS ${c.type})`).join(', ')})`);
          await con.run(`INSERT INTO ${table} VALUES ${values.join(', ')}`, batch.flat().map((v) => (v === undefined ? null : v)));
        }
        const kv = Object.keys(meta).length ? `, KV_METADATA {${Object.entries(meta).map(([k, v]) => `${lit(k)}: ${lit(v)}`).join(', ')}}` : '';
        await con.run(`COPY ${table} TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd${kv})`);
      } finally {
        await con.run(`DROP TABLE IF EXISTS ${table}`);
      }
      return rows.length;
    });
  } finally {
    duck.close();
  }
}
