/**
 * A report as PDF, A4 landscape: the first page carries title, filters, Datenstand and the report's
 * chart (ECharts rendered to SVG on the server, scaled into the page — never cut); the table follows
 * on its own pages with the header row repeated on each, rows never split across pages, and page
 * numbers "Seite x von y". Columns are fitted to the width by shrinking the type (down to 6 pt); a
 * table wider still is printed in column blocks, each with the row headings. Text uses an embedded
 * DejaVu Sans Condensed, so every name of the code lists prints (and can be searched and copied).
 *
 * An accessible document (BITV 2.0 / EN 301 549 clause 10, PDF/UA-1): tagged, with its language and
 * its title shown by the viewer; a structure tree in reading order — the title as heading, the
 * filters and Datenstand as paragraphs, the chart as a figure whose alternative text names its
 * series and their extremes, each column block as a table of rows (TR) with header cells (TH, the
 * column headings and each row's heading) and data cells (TD), the legend as paragraphs. Running
 * heads, footers, rules, shading and the header rows repeated on later pages are artifacts.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { join } from 'node:path';
import { projectRoot } from '../../platform/config';
import { describeChart } from '../chart-text';
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
type Struct = PDFKit.PDFStructureElement;
/** pdfkit 0.20 knows more than its types: PDF/UA, and the layout and table attributes of a structure element */
type StructOptions = PDFKit.Mixins.StructureElementOptions & { bbox?: [number, number, number, number]; placement?: 'Block' | 'Inline'; scope?: 'Row' | 'Column' };
const PDF_UA = 'PDF/UA' as unknown as PDFKit.Mixins.PDFSubsets;

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
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    autoFirstPage: false,
    pdfVersion: '1.7',
    tagged: true,
    subset: PDF_UA,
    lang: lang === 'de' ? 'de-DE' : 'en-GB',
    displayTitle: true,
    // the snapshot is named in the metadata, for tracing the figures back — not on the page
    info: { Title: table.title, Author: 'FIS', Creator: 'FIS', Subject: table.filterSummary, Keywords: `FIS snapshot ${table.snapshot}` },
  });
  doc.registerFont('body', FONTS.body);
  doc.registerFont('bold', FONTS.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });

  // the structure tree, in reading order
  const root = doc.struct('Document');
  doc.addStructure(root);
  /** Content: an element of `type` under `parent`, holding what `draw` puts on the page. */
  const tag = (parent: Struct, type: string, draw: () => void, options: StructOptions = {}) => {
    parent.add(doc.struct(type, options as PDFKit.Mixins.StructureElementOptions, draw));
  };
  /** Not content: running heads and footers, rules, shading, repeated header rows. */
  const artifact = (type: 'Pagination' | 'Layout', draw: () => void) => {
    doc.markContent('Artifact', { type });
    draw();
    doc.endMarkedContent();
  };

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
    artifact('Pagination', () => {
      runningHead();
      doc.font('body').fontSize(8).fillColor('#444');
      doc.text(`FIS · ${t(lang, 'fictitious')}`, MARGIN, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.7, lineBreak: false, height: 10 });
      doc.text(t(lang, 'page', { n: pageNo, total: pages }), MARGIN + CONTENT_W * 0.7, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.3, align: 'right', lineBreak: false, height: 10 });
      doc.fillColor('black');
    });
  };
  const newPage = () => {
    doc.addPage();
    decorate();
    return TOP;
  };

  // page 1: title, filters, Datenstand, chart
  decorate();
  let y = TOP;
  tag(root, 'H1', () => doc.font('bold').fontSize(16).text(table.title, MARGIN, y, { width: CONTENT_W }));
  y = doc.y + 4;
  tag(root, 'P', () => doc.font('body').fontSize(9).text(`${t(lang, 'filters')}: ${table.filterSummary}`, MARGIN, y, { width: CONTENT_W }));
  tag(root, 'P', () => doc.text(`${t(lang, 'dataAsOf')}: ${formatDate(table.dataAsOf, lang)}`, { width: CONTENT_W }));
  tag(root, 'P', () => doc.text(t(lang, 'createdBy', { user: e.createdBy, at: formatDate(e.createdAt, lang) }), { width: CONTENT_W }));
  y = doc.y + 10;
  if (table.chart.categories.length && table.chart.series.some((s) => s.data.some((v) => v !== null && v !== 0))) {
    const h = BOTTOM - y - 30;
    const w = CONTENT_W;
    const svg = chartSvg(table.chart, lang, Math.round(w), Math.round(h));
    const top = y;
    tag(root, 'Figure', () => SVGtoPDF(doc, svg, MARGIN, top, { width: w, height: h, assumePt: true, preserveAspectRatio: 'xMidYMid meet', fontCallback: (_f: string, bold: boolean) => (bold ? 'bold' : 'body') }), {
      alt: describeChart(table.chart, lang, table.title),
      bbox: [MARGIN, top, MARGIN + w, top + h],
      placement: 'Block',
    });
    const partial = table.chart.partial?.map((p) => ` · * ${table.chart.categories[p.index]?.label}: ${p.note}`).join('') ?? '';
    tag(root, 'Caption', () => doc.font('body').fontSize(8).fillColor('#444').text(`${t(lang, 'reportChart')}: ${table.chart.series.map((s) => s.name).join(', ')}${partial}`, MARGIN, top + h + 6, { width: CONTENT_W }));
    doc.fillColor('black');
  } else {
    tag(root, 'P', () => doc.font('body').fontSize(9).text(t(lang, 'noData'), MARGIN, y));
  }

  // the table, in column blocks, each from a new page; the first header row of a block is its
  // table's header, the ones repeated on later pages are artifacts
  const drawHeader = (block: number[], top: number, part: number, into?: Struct) => {
    const hh = headerHeight(block);
    const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
    artifact('Layout', () => doc.rect(MARGIN, top, width, hh).fill('#e8eef5'));
    const cells: Array<[string, number, number, 'left' | 'right']> = [];
    let x = MARGIN;
    table.rowHeaders.forEach((h, i) => {
      cells.push([h, x, L.dimW[i]!, 'left']);
      x += L.dimW[i]!;
    });
    for (const j of block) {
      cells.push([table.columns[j]!.label, x, L.colW[j]!, 'right']);
      x += L.colW[j]!;
    }
    const text = ([label, cx, cw, align]: (typeof cells)[number]) => doc.fillColor('black').font('bold').fontSize(L.size).text(label, cx + PAD, top + PAD, { width: cw - 2 * PAD, align });
    if (into) {
      const head = doc.struct('THead');
      into.add(head);
      const tr = doc.struct('TR');
      head.add(tr);
      for (const c of cells) tag(tr, 'TH', () => text(c), { scope: 'Column' });
      tr.end();
      head.end();
    } else artifact('Pagination', () => cells.forEach(text));
    artifact('Layout', () => doc.moveTo(MARGIN, top + hh).lineTo(MARGIN + width, top + hh).lineWidth(0.6).strokeColor('#555').stroke());
    if (L.blocks.length > 1) artifact('Pagination', () => doc.font('body').fontSize(7).fillColor('#444').text(t(lang, 'part', { n: part + 1, total: L.blocks.length }), MARGIN + width - 120, top - 10, { width: 120, align: 'right' }).fillColor('black'));
    return top + hh;
  };

  L.blocks.forEach((block, part) => {
    const tableEl = doc.struct('Table', { title: L.blocks.length > 1 ? `${table.title} – ${t(lang, 'part', { n: part + 1, total: L.blocks.length })}` : table.title });
    root.add(tableEl);
    y = drawHeader(block, newPage(), part, tableEl);
    const body = doc.struct('TBody');
    tableEl.add(body);
    const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
    table.rows.forEach((r, ri) => {
      const rh = rowHeights[ri]!;
      if (y + rh > BOTTOM) y = drawHeader(block, newPage(), part);
      const top = y;
      artifact('Layout', () => {
        if (r.kind !== 'row') doc.rect(MARGIN, top, width, rh).fill(r.kind === 'total' ? '#dde5ee' : '#f2f5f9');
        else if (ri % 2 === 1) doc.rect(MARGIN, top, width, rh).fill('#fafafa');
        if (r.kind === 'total') doc.moveTo(MARGIN, top).lineTo(MARGIN + width, top).lineWidth(0.6).strokeColor('#555').stroke();
      });
      const tr = doc.struct('TR');
      body.add(tr);
      const font = r.kind === 'row' ? 'body' : 'bold';
      let x = MARGIN;
      table.rowHeaders.forEach((_, i) => {
        const cx = x;
        // the row headings (a provider, its month) head the row
        tag(tr, 'TH', () => doc.fillColor('black').font(font).fontSize(L.size).text(r.labels[i] ?? '', cx + PAD, top + PAD, { width: L.dimW[i]! - 2 * PAD }), { scope: 'Row' });
        x += L.dimW[i]!;
      });
      for (const j of block) {
        const cx = x;
        tag(tr, 'TD', () => doc.fillColor('black').font(font).fontSize(L.size).text(cells[ri]![j]!, cx + PAD, top + PAD, { width: L.colW[j]! - 2 * PAD, align: 'right', lineBreak: false }));
        x += L.colW[j]!;
      }
      tr.end();
      y += rh;
    });
    body.end();
    tableEl.end();
  });

  // legend under the table (on a new page if the last one is full)
  if (y + legendH > BOTTOM) y = newPage();
  y += 8;
  for (const l of legend) {
    const top = y;
    tag(root, 'P', () => doc.fillColor('#333').text(l, MARGIN, top, { width: CONTENT_W }));
    y = doc.y + 2;
  }
  root.end();

  doc.end();
  await done;
  return Buffer.concat(chunks);
}
