/**
 * A report table as CSV (RFC 4180): one line per row, subtotal and total, a level column first,
 * then per row dimension its code and its label, then the values. Two variants:
 *  - `csv`: UTF-8, comma, decimal point, withheld cells empty — for programs;
 *  - `csv-de`: UTF-8 with BOM, semicolon, decimal comma, withheld cells "·" as on the screen —
 *    opens correctly in a German Excel by double click.
 * Text cells that a spreadsheet would read as a formula are defused with a leading apostrophe.
 */
import { t } from '../i18n';
import type { ExportDoc } from './doc';

export type CsvVariant = 'csv' | 'csv-de';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: string | number | null | undefined, variant: CsvVariant): string {
  const sep = variant === 'csv-de' ? ';' : ',';
  if (v === null || v === undefined) return variant === 'csv-de' ? '·' : '';
  if (typeof v === 'number') return variant === 'csv-de' ? String(v).replace('.', ',') : String(v);
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return s.includes(sep) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(doc: ExportDoc, variant: CsvVariant): string {
  const { table, lang } = doc;
  const sep = variant === 'csv-de' ? ';' : ',';
  const de = variant === 'csv-de';
  const level = { row: de ? t(lang, 'levelRow') : 'row', subtotal: de ? t(lang, 'levelSubtotal') : 'subtotal', total: de ? t(lang, 'levelTotal') : 'total' };
  const header = [
    de ? t(lang, 'level') : 'level',
    ...table.rowDims.flatMap((d, i) => [de ? `${table.rowHeaders[i]} (${t(lang, 'code')})` : d, de ? table.rowHeaders[i]! : `${d}_label`]),
    ...table.columns.map((c) => (de ? c.label : c.id)),
  ];
  const lines = [header.map((h) => csvCell(h, variant)).join(sep)];
  for (const r of table.rows) {
    const dims = table.rowDims.flatMap((_, i) => [r.codes[i] ?? '', r.labels[i] ?? '']);
    lines.push([level[r.kind], ...dims, ...r.values].map((v) => csvCell(v, variant)).join(sep));
  }
  return (de ? '\uFEFF' : '') + lines.join('\r\n') + '\r\n';
}
