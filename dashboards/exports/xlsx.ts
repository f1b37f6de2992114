/**
 * A report table as an Excel workbook (a whole dashboard: a sheet per panel): title, filters, Datenstand and creator above the table; a
 * frozen, filterable header row repeated on every printed page; number formats per column (counts
 * with thousands separators, rates with one decimal, euros); subtotals and the total in bold;
 * withheld cells as "·" with the legend below. Printed A4 landscape, fitted to the page width.
 */
import ExcelJS from 'exceljs';
import { disclosureLegend } from '../disclosure-legend';
import { UserError } from '../../platform/errors';
import { formatDate, t, type ValueFormat } from '../i18n';
import type { ExportDoc } from './doc';

/** Rows an Excel sheet can hold. */
export const XLSX_MAX_ROWS = 1_048_576;

const NUMBER_FORMATS: Record<ValueFormat, string> = {
  count: '#,##0',
  percent: '0.0',
  months: '0.0',
  eur: '#,##0.00 "€"',
};

export function checkXlsxRows(rows: number, extra = 10): void {
  if (rows + extra > XLSX_MAX_ROWS) {
    throw new UserError(
      `This export has ${rows.toLocaleString('en-US')} rows, more than an Excel sheet holds (${XLSX_MAX_ROWS.toLocaleString('en-US')}); export it as CSV or Parquet, or narrow the filters.`,
      { httpStatus: 413, exitCode: 2 },
    );
  }
}

export const reportXlsx = (doc: ExportDoc): Promise<Buffer> => workbookXlsx(doc.table.title, [{ name: doc.table.title, doc }]);

/** A sheet's name as Excel allows it: at most 31 characters, none of * ? : \ / [ ], unique in the workbook. */
function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[*?:\\/[\]]/g, ' ').trim().slice(0, 31) || 'FIS';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length - 3)} (${n})`;
  taken.add(name.toLowerCase());
  return name;
}

/** Tables as one workbook, a sheet each, in the order given. */
export async function workbookXlsx(title: string, sheets: Array<{ name: string; doc: ExportDoc }>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'FIS';
  wb.created = new Date(sheets[0]?.doc.createdAt ?? Date.now());
  wb.title = title;
  const taken = new Set<string>();
  for (const s of sheets) addSheet(wb, sheetName(s.name, taken), s.doc);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addSheet(wb: ExcelJS.Workbook, name: string, doc: ExportDoc): void {
  const { table, lang } = doc;
  checkXlsxRows(table.rows.length);
  const dims = table.rowHeaders.length;
  const ws = wb.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 } },
    headerFooter: { oddFooter: `&L${table.title}&R${t(lang, 'page', { n: '&P', total: '&N' })}` },
  });

  ws.addRow([table.title]).font = { bold: true, size: 14 };
  ws.addRow([`${t(lang, 'filters')}: ${table.filterSummary}`]);
  ws.addRow([`${t(lang, 'dataAsOf')}: ${formatDate(table.dataAsOf, lang)} (${t(lang, 'snapshot')} ${table.snapshot})`]);
  ws.addRow([t(lang, 'createdBy', { user: doc.createdBy, at: formatDate(doc.createdAt, lang) })]);
  ws.addRow([]);
  const headerRow = ws.addRow([...table.rowHeaders, ...table.columns.map((c) => c.label)]);
  headerRow.font = { bold: true };
  headerRow.alignment = { wrapText: true, vertical: 'bottom' };
  headerRow.eachCell((cell, col) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
    cell.border = { bottom: { style: 'thin' } };
    if (col > dims) cell.alignment = { wrapText: true, vertical: 'bottom', horizontal: 'right' };
  });
  const headerAt = headerRow.number;

  for (const r of table.rows) {
    const row = ws.addRow([...table.rowHeaders.map((_, i) => r.labels[i] ?? ''), ...r.values.map((v) => (v === null ? '·' : v))]);
    table.columns.forEach((c, i) => {
      const cell = row.getCell(dims + 1 + i);
      if (r.values[i] === null) cell.alignment = { horizontal: 'right' };
      else cell.numFmt = NUMBER_FORMATS[c.format];
    });
    if (r.kind !== 'row') {
      row.font = { bold: true };
      row.eachCell((cell) => {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: r.kind === 'total' ? 'FFDDE5EE' : 'FFF2F5F9' } };
        if (r.kind === 'total') cell.border = { top: { style: 'thin' } };
      });
    }
  }
  ws.addRow([]);
  for (const line of disclosureLegend(lang, table.disclosure, table.suppressed, doc.suppressBelow)) ws.addRow([line]).font = { italic: true };
  ws.addRow([t(lang, 'fictitious')]).font = { italic: true };

  ws.views = [{ state: 'frozen', xSplit: dims, ySplit: headerAt, activeCell: `A${headerAt + 1}` }];
  ws.autoFilter = { from: { row: headerAt, column: 1 }, to: { row: headerAt, column: dims + table.columns.length } };
  ws.pageSetup.printTitlesRow = `${headerAt}:${headerAt}`;
  table.rowHeaders.forEach((h, i) => {
    const longest = table.rows.reduce((a, r) => Math.max(a, (r.labels[i] ?? '').length), h.length);
    ws.getColumn(i + 1).width = Math.min(48, Math.max(12, longest + 2));
  });
  table.columns.forEach((c, i) => {
    ws.getColumn(dims + 1 + i).width = Math.min(22, Math.max(11, Math.ceil(c.label.length / 2) + 2));
  });
}
