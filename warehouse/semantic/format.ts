import type { QueryResult } from './types';

/** A query answer as CSV: header of column names, codes as codes, suppressed cells empty. */
export function toCsv(r: QueryResult, opts: { delimiter?: string; decimalComma?: boolean } = {}): string {
  const sep = opts.delimiter ?? ',';
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'number') return opts.decimalComma ? String(v).replace('.', ',') : String(v);
    return v.includes(sep) || /["\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  };
  return [r.columns.join(sep), ...r.rows.map((row) => row.map(cell).join(sep))].join('\n') + '\n';
}
