/**
 * A report as PDF, A4 landscape: the first page carries title, filters, Datenstand and the report's
 * chart (ECharts rendered to SVG on the server, scaled into the page — never cut); the table follows
 * on its own pages with the header row repeated on each, rows never split across pages, and page
 * numbers "Seite x von y". Columns are fitted to the width by shrinking the type (down to 6 pt); a
 * table wider still is printed in column blocks, each with the row headings. Text uses an embedded
 * DejaVu Sans Condensed, so every name of the code lists prints (and can be searched and copied).
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { join } from 'node:path';
import { projectRoot } from '../../platform/config';
import { formatDate, formatValue, t } from '../i18n';
import { chartSvg } from './chart-svg';
import type { ExportDoc } from './doc';

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 36;
const CONTENT_W = PAGE.width - 2 * MARGIN;
const TOP = MARGIN + 22; // below the running head
const BOTTOM = PAGE.height - MARGIN - 18; // above the footer
const PAD = 3;
const FONT_DIR = join(projectRoot, 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const FONTS = { body: join(FONT_DIR, 'DejaVuSansCondensed.ttf'), bold: join(FONT_DIR, 'DejaVuSansCondensed-Bold.ttf') };

type Doc = InstanceType<typeof PDFDocument>;

interface Layout {
  size: number;
  /** width of each row-heading column and of each value column */
  dimW: number[];
  colW: number[];
  /** the value columns, in blocks that fit the width */
  blocks: number[][];
}

/** Widths scale with the size: measured once per text and font at 1 pt (long reports repeat their labels). */
const widths = new Map<string, number>();
function measure(doc: Doc, text: string, font: 'body' | 'bold', size: number): number {
  const key = `${font}|${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    doc.font(font).fontSize(1);
    w = doc.widthOfString(text);
    if (widths.size > 50_000) widths.clear();
    widths.set(key, w);
  }
  return w * size;
}

/** The largest of many numbers (Math.max(...xs) overflows the stack for long reports). */
const maxOf = (init: number, xs: readonly number[]) => xs.reduce((a, b) => (b > a ? b : a), init);

/** The widest word of a heading: a column is never narrower, so headings wrap between words only. */
const longestWord = (doc: Doc, s: string, size: number) => maxOf(0, s.split(/\s+/).map((w) => measure(doc, w, 'bold', size)));

function layout(doc: Doc, e: ExportDoc, cells: string[][]): Layout {
  const { table } = e;
  for (const size of [8, 7.5, 7, 6.5, 6]) {
    const dimW = table.rowHeaders.map((h, i) =>
      Math.min(190, maxOf(longestWord(doc, h, size), table.rows.map((r) => measure(doc, r.labels[i] ?? '', r.kind === 'row' ? 'body' : 'bold', size))) + 2 * PAD),
    );
    const colW = table.columns.map((c, j) => maxOf(Math.max(longestWord(doc, c.label, size), Math.min(measure(doc, c.label, 'bold', size), 70)), cells.map((row) => measure(doc, row[j]!, 'bold', size))) + 2 * PAD);
    const fixed = dimW.reduce((a, b) => a + b, 0);
    const total = fixed + colW.reduce((a, b) => a + b, 0);
    if (total <= CONTENT_W || size === 6) {
      // spread the spare width over the value columns; split into blocks when even 6 pt is too wide
      const blocks: number[][] = [];
      let current: number[] = [];
      let used = fixed;
      colW.forEach((w, j) => {
        if (current.length && used + w > CONTENT_W) {
          blocks.push(current);
          current = [];
          used = fixed;
        }
        current.push(j);
        used += w;
      });
      blocks.push(current);
      if (blocks.length === 1) {
        const spare = CONTENT_W - total;
        const extra = Math.min(spare / Math.max(1, colW.length), 40);
        for (let j = 0; j < colW.length; j++) colW[j]! += extra;
      }
      return { size, dimW, colW, blocks };
    }
  }
  throw new Error('unreachable');
}

export async function reportPdf(e: ExportDoc): Promise<Buffer> {
  const { table, lang } = e;
  const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: MARGIN, autoFirstPage: false, info: { Title: table.title, Author: 'FIS', Creator: 'FIS', Subject: table.filterSummary } });
  doc.registerFont('body', FONTS.body);
  doc.registerFont('bold', FONTS.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  const runningHead = () => {
    doc.font('bold').fontSize(8).fillColor('#1f3a5a').text(table.title, MARGIN, MARGIN, { width: CONTENT_W * 0.6, lineBreak: false, ellipsis: true });
    doc.font('body').fontSize(8).fillColor('#444').text(`${t(lang, 'dataAsOf')}: ${formatDate(table.dataAsOf, lang)}`, MARGIN + CONTENT_W * 0.6, MARGIN, { width: CONTENT_W * 0.4, align: 'right', lineBreak: false });
    doc.moveTo(MARGIN, MARGIN + 13).lineTo(MARGIN + CONTENT_W, MARGIN + 13).lineWidth(0.5).strokeColor('#999').stroke();
    doc.fillColor('black');
  };
  // measured first (on page 1), so that the number of pages is known before any is drawn: pages
  // are written out as they are finished, never held in memory, and each gets its "Seite x von y"
  doc.addPage();
  const cells = table.rows.map((r) => r.values.map((v, j) => formatValue(v, table.columns[j]!.format, lang, { exact: true })));
  const L = layout(doc, e, cells);
  const lineH = L.size * 1.25;
  const headerHeight = (block: number[]) => {
    doc.font('bold').fontSize(L.size);
    const heights = [...table.rowHeaders.map((h, i) => doc.heightOfString(h, { width: L.dimW[i]! - 2 * PAD })), ...block.map((j) => doc.heightOfString(table.columns[j]!.label, { width: L.colW[j]! - 2 * PAD }))];
    return Math.max(...heights) + 2 * PAD;
  };
  const rowHeights = table.rows.map((r) => {
    doc.font(r.kind === 'row' ? 'body' : 'bold').fontSize(L.size);
    return Math.max(lineH, ...table.rowHeaders.map((_, i) => doc.heightOfString(r.labels[i] ?? '', { width: L.dimW[i]! - 2 * PAD }))) + 2 * PAD;
  });
  const legend = [t(lang, 'suppressedLegend', { n: e.suppressBelow }), ...(table.suppressed ? [t(lang, 'suppressedCount', { n: table.suppressed })] : []), t(lang, 'fictitious')];
  doc.font('body').fontSize(8);
  const legendH = legend.reduce((a, l) => a + doc.heightOfString(l, { width: CONTENT_W }) + 2, 8);
  let pages = 1;
  let end = TOP;
  for (const block of L.blocks) {
    pages++;
    end = TOP + headerHeight(block);
    for (const h of rowHeights) {
      if (end + h > BOTTOM) {
        pages++;
        end = TOP + headerHeight(block);
      }
      end += h;
    }
  }
  if (end + legendH > BOTTOM) pages++;
  let pageNo = 0;
  const decorate = () => {
    pageNo++;
    runningHead();
    doc.font('body').fontSize(8).fillColor('#444');
    doc.text(`FIS · ${t(lang, 'fictitious')}`, MARGIN, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.7, lineBreak: false, height: 10 });
    doc.text(t(lang, 'page', { n: pageNo, total: pages }), MARGIN + CONTENT_W * 0.7, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.3, align: 'right', lineBreak: false, height: 10 });
    doc.fillColor('black');
  };
  const newPage = () => {
    doc.addPage();
    decorate();
    return TOP;
  };

  // page 1: title, filters, Datenstand, chart
  decorate();
  let y = TOP;
  doc.font('bold').fontSize(16).text(table.title, MARGIN, y, { width: CONTENT_W });
  y = doc.y + 4;
  doc.font('body').fontSize(9).text(`${t(lang, 'filters')}: ${table.filterSummary}`, MARGIN, y, { width: CONTENT_W });
  doc.text(`${t(lang, 'dataAsOf')}: ${formatDate(table.dataAsOf, lang)} · ${t(lang, 'snapshot')} ${table.snapshot}`, { width: CONTENT_W });
  doc.text(t(lang, 'createdBy', { user: e.createdBy, at: formatDate(e.createdAt, lang) }), { width: CONTENT_W });
  y = doc.y + 10;
  if (table.chart.categories.length && table.chart.series.some((s) => s.data.some((v) => v !== null && v !== 0))) {
    const h = BOTTOM - y - 30;
    const w = CONTENT_W;
    const svg = chartSvg(table.chart, lang, Math.round(w), Math.round(h));
    SVGtoPDF(doc, svg, MARGIN, y, { width: w, height: h, assumePt: true, preserveAspectRatio: 'xMidYMid meet', fontCallback: (_f: string, bold: boolean) => (bold ? 'bold' : 'body') });
    doc.font('body').fontSize(8).fillColor('#444').text(`${t(lang, 'reportChart')}: ${table.chart.series.map((s) => s.name).join(', ')}`, MARGIN, y + h + 6, { width: CONTENT_W });
    doc.fillColor('black');
  } else {
    doc.font('body').fontSize(9).text(t(lang, 'noData'), MARGIN, y);
  }

  // the table, in column blocks, each from a new page
  const drawHeader = (block: number[], top: number, part: number) => {
    const hh = headerHeight(block);
    const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
    doc.rect(MARGIN, top, width, hh).fill('#e8eef5');
    doc.fillColor('black').font('bold').fontSize(L.size);
    let x = MARGIN;
    table.rowHeaders.forEach((h, i) => {
      doc.text(h, x + PAD, top + PAD, { width: L.dimW[i]! - 2 * PAD });
      x += L.dimW[i]!;
    });
    for (const j of block) {
      doc.text(table.columns[j]!.label, x + PAD, top + PAD, { width: L.colW[j]! - 2 * PAD, align: 'right' });
      x += L.colW[j]!;
    }
    doc.moveTo(MARGIN, top + hh).lineTo(MARGIN + width, top + hh).lineWidth(0.6).strokeColor('#555').stroke();
    if (L.blocks.length > 1) doc.font('body').fontSize(7).fillColor('#444').text(t(lang, 'part', { n: part + 1, total: L.blocks.length }), MARGIN + width - 120, top - 10, { width: 120, align: 'right' }).fillColor('black');
    return top + hh;
  };

  L.blocks.forEach((block, part) => {
    y = drawHeader(block, newPage(), part);
    const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
    table.rows.forEach((r, ri) => {
      const rh = rowHeights[ri]!;
      if (y + rh > BOTTOM) y = drawHeader(block, newPage(), part);
      if (r.kind !== 'row') doc.rect(MARGIN, y, width, rh).fill(r.kind === 'total' ? '#dde5ee' : '#f2f5f9');
      else if (ri % 2 === 1) doc.rect(MARGIN, y, width, rh).fill('#fafafa');
      if (r.kind === 'total') doc.moveTo(MARGIN, y).lineTo(MARGIN + width, y).lineWidth(0.6).strokeColor('#555').stroke();
      doc.fillColor('black').font(r.kind === 'row' ? 'body' : 'bold').fontSize(L.size);
      let x = MARGIN;
      table.rowHeaders.forEach((_, i) => {
        doc.text(r.labels[i] ?? '', x + PAD, y + PAD, { width: L.dimW[i]! - 2 * PAD });
        x += L.dimW[i]!;
      });
      for (const j of block) {
        doc.text(cells[ri]![j]!, x + PAD, y + PAD, { width: L.colW[j]! - 2 * PAD, align: 'right', lineBreak: false });
        x += L.colW[j]!;
      }
      y += rh;
    });
  });

  // legend under the table (on a new page if the last one is full)
  if (y + legendH > BOTTOM) y = newPage();
  y += 8;
  for (const l of legend) {
    doc.fillColor('#333').text(l, MARGIN, y, { width: CONTENT_W });
    y = doc.y + 2;
  }

  doc.end();
  await done;
  return Buffer.concat(chunks);
}
