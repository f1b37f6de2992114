/**
 * Every export goes through here — web routes and the CLI alike: the rights check (view and
 * export right for the report or dashboard and the format), the one query path with the caller's
 * rights and disclosure control, the renderer, and one audit entry per export (also per refusal).
 *
 *  - reports:        csv, csv-de, xlsx, pdf, parquet — built in memory (a report has at most a few
 *                    thousand rows);
 *  - dashboard panels: the same formats, the panel's numbers as on the screen (./panel.ts, web only);
 *  - query answers:  csv, csv-de, parquet, arrow — written by DuckDB to a temporary file and
 *                    streamed from there, no row limit, flat memory.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../platform/errors';
import { withPriority } from '../../warehouse/statement-queue';
import type { Principal } from '../../roles/access';
import type { AppDb } from '../../roles/app-db';
import { audit } from '../../roles/store';
import { ANSWER_FORMATS, writeAnswer, type AnswerFormat } from '../../warehouse/export';
import { parseQuery, type RawQuery } from '../../warehouse/semantic/parse';
import { planQuery } from '../../warehouse/semantic/query';
import type { SnapshotSource } from '../../warehouse/snapshots';
import { REPORTS } from '../catalog';
import { chartWithEvents, eventContext } from '../events/context';
import { t, type Lang } from '../i18n';
import { buildReport, reportFilters, type ReportFilters, type ReportTable } from '../reports/build';
import { reportDef, type ReportDef } from '../reports/defs';
import { canExport, canExportAnswers } from '../rights';
import { reportCsv } from './csv';
import { CONTENT_TYPES, FILE_FORMATS, exportFilename, type ExportDoc, type ExportFile, type FileFormat } from './doc';
import { reportParquet } from './parquet';
import { reportPdf } from './pdf';
import { reportXlsx } from './xlsx';

export interface ExportContext {
  reader: SnapshotSource;
  db: AppDb;
  principal: Principal;
  lang: Lang;
  /** where the export was asked for: web, api, cli */
  via: string;
  /** a directory for files DuckDB writes (answers, Parquet) */
  tmpDir: string;
}

/** Temporary export files older than this are removed when the next export starts. */
const TMP_MAX_AGE_MS = 60 * 60 * 1000;

const formatList = (fs: readonly string[]) => fs.join(', ');

export function checkFileFormat(format: string | null | undefined): FileFormat {
  if (!format) throw new UserError(`Name a format: ${formatList(FILE_FORMATS)}.`);
  if (!(FILE_FORMATS as readonly string[]).includes(format)) throw new UserError(`Unknown export format "${format.slice(0, 20)}"; use ${formatList(FILE_FORMATS)}.`);
  return format as FileFormat;
}

export function checkAnswerFormat(format: string): AnswerFormat {
  if (!(ANSWER_FORMATS as readonly string[]).includes(format)) throw new UserError(`Unknown export format "${format.slice(0, 20)}"; use ${formatList(ANSWER_FORMATS)}.`);
  return format as AnswerFormat;
}

export async function refuse(ctx: ExportContext, target: string, format: string, message: string): Promise<never> {
  await audit(ctx.db, { actor: ctx.principal.user.username, action: 'export', target, outcome: 'denied', details: { format, via: ctx.via } });
  throw new UserError(message, { httpStatus: 403, exitCode: 4 });
}

function tempFile(ctx: ExportContext, ext: string): string {
  mkdirSync(ctx.tmpDir, { recursive: true });
  const now = Date.now();
  for (const name of readdirSync(ctx.tmpDir)) {
    const p = join(ctx.tmpDir, name);
    try {
      if (now - statSync(p).mtimeMs > TMP_MAX_AGE_MS) rmSync(p, { force: true });
    } catch {
      // removed meanwhile
    }
  }
  return join(ctx.tmpDir, `export-${process.pid}-${now}-${Math.random().toString(36).slice(2, 10)}.${ext}`);
}

/** Renders a table (a report or a panel) in one of the file formats. */
export async function render(ctx: ExportContext, table: ReportTable, name: string, format: FileFormat): Promise<ExportFile> {
  const doc: ExportDoc = {
    table,
    lang: ctx.lang,
    suppressBelow: ctx.principal.access.suppressBelow,
    createdBy: ctx.principal.user.display_name || ctx.principal.user.username,
    createdAt: new Date().toISOString(),
  };
  let body: Buffer;
  if (format === 'csv' || format === 'csv-de') body = Buffer.from(reportCsv(doc, format), 'utf8');
  else if (format === 'xlsx') body = await reportXlsx(doc);
  else if (format === 'pdf') body = await reportPdf(doc);
  else {
    const file = tempFile(ctx, 'parquet');
    try {
      await reportParquet(doc, file);
      body = readFileSync(file);
    } finally {
      rmSync(file, { force: true });
    }
  }
  return { filename: exportFilename(name, table.dataAsOf, format), contentType: CONTENT_TYPES[format], rows: table.rows.filter((r) => r.kind === 'row').length, body };
}

export async function recordExport(ctx: ExportContext, target: string, format: string, details: Record<string, unknown>): Promise<void> {
  await audit(ctx.db, { actor: ctx.principal.user.username, action: 'export', target, outcome: 'ok', details: { format, via: ctx.via, ...details } });
}

/** Filters as the API and CLI take them (filter=dim:v1|v2, from, to) for a report. */
export interface ExportParams {
  filter?: string | string[];
  from?: string;
  to?: string;
}

/** exportReport at the queue's export priority: interactive views go first. */
export const exportReport = (ctx: ExportContext, id: string, formatIn: string | null | undefined, params: ExportParams): Promise<ExportFile> => withPriority('export', () => exportReportNow(ctx, id, formatIn, params));

/** The definition of a report of the catalogue, or a 404 with the list. */
export function knownReport(id: string): ReportDef {
  const def = reportDef(id);
  if (!def || !REPORTS.some((r) => r.id === id)) throw new UserError(`There is no report "${id.slice(0, 60)}"; the reports are ${REPORTS.map((r) => r.id).join(', ')}.`, { httpStatus: 404, exitCode: 2 });
  return def;
}

async function exportReportNow(ctx: ExportContext, id: string, formatIn: string | null | undefined, params: ExportParams): Promise<ExportFile> {
  knownReport(id);
  const format = checkFileFormat(formatIn);
  if (!canExport(ctx.principal, id, format)) await refuse(ctx, `report:${id}`, format, t(ctx.lang, 'noExportRight'));
  const { file, filters: f } = await buildReportFile(ctx, id, format, params);
  await recordExport(ctx, `report:${id}`, format, { filters: f.values, from: f.from, to: f.to, rows: file.rows });
  return file;
}

/**
 * A report as a file with the rights of `ctx.principal` — the rights check and the audit entry are
 * the caller's (an export, a subscription's delivery). Every answer from one snapshot, whatever a
 * run publishes meanwhile.
 */
export async function buildReportFile(ctx: ExportContext, id: string, format: FileFormat, params: ExportParams): Promise<{ file: ExportFile; filters: ReportFilters; table: ReportTable }> {
  const def = knownReport(id);
  const q = parseQuery({ filter: params.filter, from: params.from, to: params.to });
  const snapshot = await ctx.reader.pin();
  const f = reportFilters(def, { from: q.from, to: q.to, values: q.filters }, snapshot.info().dataAsOf);
  const built = await buildReport(snapshot, def, f, ctx.principal.access, ctx.lang);
  const table = built.chart.time ? { ...built, chart: chartWithEvents(built.chart, await eventContext(snapshot, ctx.principal, ctx.db), f.values) } : built;
  return { file: await render(ctx, table, id, format), filters: f, table };
}

/**
 * A query answer as a file (no row limit): DuckDB writes it to a temporary file that the caller
 * streams and removes. The German-Excel CSV gets its byte-order mark as `prefix`.
 */
/** exportAnswer at the queue's export priority: interactive views go first. */
export const exportAnswer = (ctx: ExportContext, raw: RawQuery, formatIn: string): Promise<ExportFile> => withPriority('export', () => exportAnswerNow(ctx, raw, formatIn));

async function exportAnswerNow(ctx: ExportContext, raw: RawQuery, formatIn: string): Promise<ExportFile> {
  const format = checkAnswerFormat(formatIn);
  if (!canExportAnswers(ctx.principal, format)) await refuse(ctx, 'query', format, t(ctx.lang, 'noExportRight'));
  const q = parseQuery(raw);
  const file = tempFile(ctx, format === 'arrow' ? 'arrows' : format === 'parquet' ? 'parquet' : 'csv');
  try {
    const { rows, info } = await ctx.reader.use(async (duck, i) => {
      const plan = await planQuery(duck, i, q, ctx.principal.access);
      const title = `${q.metrics.join(', ')}${q.by.length ? ` by ${q.by.join(', ')}` : ''}`;
      const n = await writeAnswer(duck, plan, format, file, { title, filters: JSON.stringify(q.filters), from: q.from ?? '', to: q.to ?? '', data_as_of: i.dataAsOf ?? '', snapshot: i.id });
      return { rows: n, info: i };
    });
    await recordExport(ctx, 'query', format, { metrics: q.metrics, by: q.by, filters: q.filters, from: q.from, to: q.to, rows });
    return {
      filename: exportFilename(`${q.metrics.join('-')}${q.by.length ? `-by-${q.by.join('-')}` : ''}`, info.dataAsOf, format),
      contentType: CONTENT_TYPES[format],
      rows,
      body: { path: file, ...(format === 'csv-de' ? { prefix: '\uFEFF' } : {}) },
    };
  } catch (e) {
    rmSync(file, { force: true });
    throw e;
  }
}
