/** What every export renderer receives, and what every export hands back to its caller. */
import type { Lang } from '../i18n';
import type { ReportTable } from '../reports/build';

export const FILE_FORMATS = ['csv', 'csv-de', 'xlsx', 'pdf', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export interface ExportDoc {
  table: ReportTable;
  lang: Lang;
  /** counts below this are withheld for the user (for the legend) */
  suppressBelow: number;
  /** who asked, and when (ISO) — printed in XLSX and PDF */
  createdBy: string;
  createdAt: string;
}

/** An export ready to send: bytes in memory (reports) or a file written by DuckDB (answers). */
export interface ExportFile {
  filename: string;
  contentType: string;
  rows: number;
  /** in memory, or a temporary file to stream (and remove), with bytes to send before it (a BOM) */
  body: Buffer | { path: string; prefix?: string };
}

export const CONTENT_TYPES: Record<FileFormat | 'arrow', string> = {
  csv: 'text/csv; charset=utf-8',
  'csv-de': 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.stream',
};

export const EXTENSIONS: Record<FileFormat | 'arrow', string> = { csv: 'csv', 'csv-de': 'csv', xlsx: 'xlsx', pdf: 'pdf', parquet: 'parquet', arrow: 'arrows' };

/** fis-<name>-<data as of>.<ext>, ASCII only, for Content-Disposition and -o defaults. */
export function exportFilename(name: string, dataAsOf: string | null, format: FileFormat | 'arrow'): string {
  const safe = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'export';
  const day = (dataAsOf ?? '').slice(0, 10);
  return `fis-${safe}${format === 'csv-de' ? '-excel' : ''}${day ? `-${day}` : ''}.${EXTENSIONS[format]}`;
}

/** Rows of the body (without subtotals and total). */
export const bodyRows = (t: ReportTable) => t.rows.filter((r) => r.kind === 'row').length;
