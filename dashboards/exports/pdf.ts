/**
 * Reports and whole dashboards as PDF, A4 landscape. A report: the first page carries title,
 * filters, Datenstand and the report's chart (ECharts rendered to SVG on the server, scaled into
 * the page — never cut); the table follows on its own pages. A dashboard: the title block, then
 * every panel the reader may see, each from a new page — its title, filters, Datenstand, chart and
 * its complete table, and the legend of withheld cells. Tables repeat their header row on each
 * page, rows are never split across pages, and every page says "Seite x von y". Columns are fitted
 * to the width by shrinking the type (down to 6 pt); a table wider still is printed in column
 * blocks, each with the row headings. Text uses an embedded DejaVu Sans Condensed, so every name of
 * the code lists prints (and can be searched and copied).
 *
 * An accessible document (BITV 2.0 / EN 301 549 clause 10, PDF/UA-1): tagged, with its language and
 * its title shown by the viewer; a structure tree in reading order — the title as heading, the
 * filters and Datenstand as paragraphs, each panel of a dashboard a section with its heading, the
 * chart as a figure whose alternative text names its series and their extremes, each column block
 * as a table of rows (TR) with header cells (TH, the column headings and each row's heading) and
 * data cells (TD), the legend as paragraphs. Running heads, footers, rules, shading and the header
 * rows repeated on later pages are artifacts.
 *
 * The whole document is laid out before anything is drawn — a list of drawing steps, each on its
 * page — so the number of pages is known for every footer, and pages are written out as they are
 * finished, never held in memory.
 */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { join } from 'node:path';
import { projectRoot } from '../../platform/config';
import { describeChart } from '../chart-text';
import { formatDate, formatValue, t, type Lang, type ValueFormat } from '../i18n';
import { tm } from '../i18n-my';
import type { ReportRow, ReportTable } from '../reports/build';
import { disclosureLegend } from '../disclosure-legend';
import type { ChartSpec } from '../specs';
import { chartSvg } from './chart-svg';
import type { ExportDoc } from './doc';
import { processWide } from '../../platform/process-wide';

const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = 36;
const CONTENT_W = PAGE.width - 2 * MARGIN;
const TOP = MARGIN + 22; // below the running head
const BOTTOM = PAGE.height - MARGIN - 18; // above the footer
const PAD = 3;
/** the height of a panel's chart in a dashboard */
const PANEL_CHART_H = 230;
const FONT_DIR = join(projectRoot, 'node_modules', 'dejavu-fonts-ttf', 'ttf');
const FONTS = { body: join(FONT_DIR, 'DejaVuSansCondensed.ttf'), bold: join(FONT_DIR, 'DejaVuSansCondensed-Bold.ttf') };

type Doc = InstanceType<typeof PDFDocument>;
type Struct = PDFKit.PDFStructureElement;
/** pdfkit 0.20 knows more than its types: PDF/UA, and the layout and table attributes of a structure element */
type StructOptions = PDFKit.Mixins.StructureElementOptions & { bbox?: [number, number, number, number]; placement?: 'Block' | 'Inline'; scope?: 'Row' | 'Column' };
const PDF_UA = 'PDF/UA' as unknown as PDFKit.Mixins.PDFSubsets;

/** A table as the PDF prints it: row headings, value columns, rows (subtotals and totals in bold). */
export interface PdfTable {
  title: string;
  rowHeaders: string[];
  columns: Array<{ label: string; format: ValueFormat }>;
  rows: ReportRow[];
}

/** One part of a document: a dashboard's panel, or a report's chart and table. */
export interface PdfSection {
  /** the panel's title (a report has none: its title is the document's) */
  heading?: string;
  /** lines under the heading: the panel's filters, Datenstand, notes */
  notes: string[];
  chart?: ChartSpec;
  /** the chart's name in its alternative text */
  chartTitle: string;
  table: PdfTable;
  /** under the table: withheld cells and their count */
  legend: string[];
}

export interface PdfDocument {
  title: string;
  filterSummary: string;
  dataAsOf: string | null;
  snapshot: string;
  lang: Lang;
  createdBy: string;
  createdAt: string;
  /** a report: the chart fills page 1, the table follows on its own pages; a dashboard: a section per panel */
  layout: 'report' | 'dashboard';
  sections: PdfSection[];
}

interface Layout {
  size: number;
  /** width of each row-heading column and of each value column */
  dimW: number[];
  colW: number[];
  /** the value columns, in blocks that fit the width */
  blocks: number[][];
}

/** Widths scale with the size: measured once per text and font at 1 pt (long reports repeat their labels). */
const widths = processWide('pdf:widths', () => new Map<string, number>());
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

function layout(doc: Doc, table: PdfTable, cells: string[][]): Layout {
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

/** The legend of a table: what disclosure control did to its figures (perturbed, "·" withheld, how many). */
export function legendLines(lang: Lang, suppressBelow: number, table: Pick<ReportTable, 'suppressed' | 'disclosure'>): string[] {
  return disclosureLegend(lang, table.disclosure, table.suppressed, suppressBelow);
}

const hasData = (c: ChartSpec | undefined): boolean => !!c && c.categories.length > 0 && c.series.some((s) => s.data.some((v) => v !== null && v !== 0));

/** A report as PDF: one section — its chart on page 1, its table on the pages after. */
export function reportPdf(e: ExportDoc): Promise<Buffer> {
  const { table, lang } = e;
  return writePdf({
    title: table.title,
    filterSummary: table.filterSummary,
    dataAsOf: table.dataAsOf,
    snapshot: table.snapshot,
    lang,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    layout: 'report',
    sections: [{ notes: [], chart: table.chart, chartTitle: table.title, table, legend: [...legendLines(lang, e.suppressBelow, table), t(lang, 'fictitious')] }],
  });
}

/** One drawing step and the page (from 0) it is drawn on. */
interface Step {
  page: number;
  draw: () => void;
}

export async function writePdf(d: PdfDocument): Promise<Buffer> {
  const { lang } = d;
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
    info: { Title: d.title, Author: 'FIS', Creator: 'FIS', Subject: d.filterSummary, Keywords: `FIS snapshot ${d.snapshot}` },
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

  // measured on page 1 before anything is drawn
  doc.addPage();
  const steps: Step[] = [];
  let page = 0;
  let y = TOP;
  const at = (draw: () => void) => steps.push({ page, draw });
  const newPage = () => {
    page++;
    y = TOP;
  };
  const textHeight = (s: string, font: 'body' | 'bold', size: number, width = CONTENT_W) => {
    doc.font(font).fontSize(size);
    return doc.heightOfString(s, { width });
  };
  /** A paragraph at the cursor: `size` pt, `gap` below. */
  const paragraph = (parent: () => Struct, s: string, opts: { font?: 'body' | 'bold'; size?: number; color?: string; type?: string; gap?: number } = {}) => {
    const font = opts.font ?? 'body';
    const size = opts.size ?? 9;
    const h = textHeight(s, font, size);
    if (y + h > BOTTOM) newPage();
    const top = y;
    at(() => {
      tag(parent(), opts.type ?? 'P', () => doc.font(font).fontSize(size).fillColor(opts.color ?? 'black').text(s, MARGIN, top, { width: CONTENT_W }));
      doc.fillColor('black');
    });
    y += h + (opts.gap ?? 0);
  };

  // the title block
  paragraph(() => root, d.title, { font: 'bold', size: 16, type: 'H1', gap: 4 });
  paragraph(() => root, `${t(lang, 'filters')}: ${d.filterSummary}`);
  paragraph(() => root, `${t(lang, 'dataAsOf')}: ${formatDate(d.dataAsOf, lang)}`);
  paragraph(() => root, t(lang, 'createdBy', { user: d.createdBy, at: formatDate(d.createdAt, lang) }), { gap: 10 });

  d.sections.forEach((s, si) => {
    let parent = () => root;
    if (d.layout === 'dashboard') {
      // every panel from a new page (the first under the title block), as a section of its own
      if (si > 0) newPage();
      let sect: Struct | undefined;
      at(() => {
        sect = doc.struct('Sect');
        root.add(sect);
      });
      parent = () => sect!;
      if (s.heading) paragraph(parent, s.heading, { font: 'bold', size: 12, type: 'H2', gap: 3 });
      for (const n of s.notes) paragraph(parent, n, { size: 8.5, color: '#333' });
      y += 6;
    }
    drawChart(s, parent);
    drawTable(s, parent);
    // the legend under the table (on a new page if the last one is full)
    doc.font('body').fontSize(8);
    const legendH = s.legend.reduce((a, l) => a + doc.heightOfString(l, { width: CONTENT_W }) + 2, 8);
    if (y + legendH > BOTTOM) newPage();
    y += 8;
    for (const l of s.legend) {
      const top = y;
      at(() => tag(parent(), 'P', () => doc.font('body').fontSize(8).fillColor('#333').text(l, MARGIN, top, { width: CONTENT_W }).fillColor('black')));
      y += textHeight(l, 'body', 8) + 2;
    }
    if (d.layout === 'dashboard') at(() => parent().end());
  });

  function drawChart(s: PdfSection, parent: () => Struct) {
    if (!hasData(s.chart)) {
      // a KPI panel has its tiles in the table; a report or a chart without values says so
      if (d.layout === 'report' || s.chart?.categories.length || !s.table.rows.length) paragraph(parent, t(lang, 'noData'), { gap: 6 });
      return;
    }
    const chart = s.chart!;
    // horizontal bars get the height their categories need (up to a page): a label per bar, never dropped
    const wanted = chart.type === 'hbar' || chart.type === 'map' ? Math.max(PANEL_CHART_H, chart.categories.length * 13 + 70) : PANEL_CHART_H;
    if (d.layout === 'dashboard' && y + Math.min(wanted, BOTTOM - TOP - 30) + 24 > BOTTOM) newPage();
    const h = d.layout === 'report' ? BOTTOM - y - 30 : Math.min(wanted, BOTTOM - y - 30);
    const w = CONTENT_W;
    const top = y;
    const partial = chart.partial?.map((p) => ` · * ${chart.categories[p.index]?.label}: ${p.note}`).join('') ?? '';
    // the events on the time axis, numbered as their flags in the chart
    const events = chart.events?.length ? ` · ${tm(lang, 'eventsPdf')}: ${chart.events.map((e, i) => `(${i + 1}) ${formatDate(e.date, lang)} ${e.title}${e.text ? ` – ${e.text}` : ''}`).join('; ')}` : '';
    const caption = `${t(lang, 'reportChart')}: ${chart.series.map((x) => x.name).join(', ')}${partial}${events}`;
    at(() => {
      const svg = chartSvg(chart, lang, Math.round(w), Math.round(h));
      tag(parent(), 'Figure', () => SVGtoPDF(doc, svg, MARGIN, top, { width: w, height: h, assumePt: true, preserveAspectRatio: 'xMidYMid meet', fontCallback: (_f: string, bold: boolean) => (bold ? 'bold' : 'body') }), {
        alt: describeChart(chart, lang, s.chartTitle),
        bbox: [MARGIN, top, MARGIN + w, top + h],
        placement: 'Block',
      });
      tag(parent(), 'Caption', () => doc.font('body').fontSize(8).fillColor('#444').text(caption, MARGIN, top + h + 6, { width: CONTENT_W }));
      doc.fillColor('black');
    });
    y = top + h + 6 + textHeight(caption, 'body', 8) + 8;
  }

  // the table, in column blocks; the first header row of a block is its table's header, the ones
  // repeated on later pages are artifacts
  function drawTable(s: PdfSection, parent: () => Struct) {
    const table = s.table;
    if (!table.rows.length) return;
    const cells = table.rows.map((r) => r.values.map((v, j) => formatValue(v, table.columns[j]!.format, lang, { exact: true })));
    const L = layout(doc, table, cells);
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

    const header = (block: number[], part: number, first: boolean, into: () => Struct | undefined) => {
      const top = y;
      const hh = headerHeight(block);
      const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
      at(() => {
        artifact('Layout', () => doc.rect(MARGIN, top, width, hh).fill('#e8eef5'));
        const cols: Array<[string, number, number, 'left' | 'right']> = [];
        let x = MARGIN;
        table.rowHeaders.forEach((h, i) => {
          cols.push([h, x, L.dimW[i]!, 'left']);
          x += L.dimW[i]!;
        });
        for (const j of block) {
          cols.push([table.columns[j]!.label, x, L.colW[j]!, 'right']);
          x += L.colW[j]!;
        }
        const text = ([label, cx, cw, align]: (typeof cols)[number]) => doc.fillColor('black').font('bold').fontSize(L.size).text(label, cx + PAD, top + PAD, { width: cw - 2 * PAD, align });
        if (first) {
          const head = doc.struct('THead');
          into()!.add(head);
          const tr = doc.struct('TR');
          head.add(tr);
          for (const c of cols) tag(tr, 'TH', () => text(c), { scope: 'Column' });
          tr.end();
          head.end();
        } else artifact('Pagination', () => cols.forEach(text));
        artifact('Layout', () => doc.moveTo(MARGIN, top + hh).lineTo(MARGIN + width, top + hh).lineWidth(0.6).strokeColor('#555').stroke());
        if (L.blocks.length > 1) artifact('Pagination', () => doc.font('body').fontSize(7).fillColor('#444').text(t(lang, 'part', { n: part + 1, total: L.blocks.length }), MARGIN + width - 120, top - 10, { width: 120, align: 'right' }).fillColor('black'));
      });
      y += hh;
    };

    L.blocks.forEach((block, part) => {
      // a report's blocks each from a new page; a panel's table under its chart when its header and first row fit
      if (d.layout === 'report' || y + 12 + headerHeight(block) + rowHeights[0]! > BOTTOM) newPage();
      else if (part > 0 || y > TOP) y += 12;
      let tableEl: Struct | undefined;
      let body: Struct | undefined;
      const width = L.dimW.reduce((a, b) => a + b, 0) + block.reduce((a, j) => a + L.colW[j]!, 0);
      at(() => {
        tableEl = doc.struct('Table', { title: L.blocks.length > 1 ? `${table.title} – ${t(lang, 'part', { n: part + 1, total: L.blocks.length })}` : table.title });
        parent().add(tableEl);
      });
      header(block, part, true, () => tableEl);
      at(() => {
        body = doc.struct('TBody');
        tableEl!.add(body);
      });
      table.rows.forEach((r, ri) => {
        const rh = rowHeights[ri]!;
        if (y + rh > BOTTOM) {
          newPage();
          header(block, part, false, () => tableEl);
        }
        const top = y;
        at(() => {
          artifact('Layout', () => {
            if (r.kind !== 'row') doc.rect(MARGIN, top, width, rh).fill(r.kind === 'total' ? '#dde5ee' : '#f2f5f9');
            else if (ri % 2 === 1) doc.rect(MARGIN, top, width, rh).fill('#fafafa');
            if (r.kind === 'total') doc.moveTo(MARGIN, top).lineTo(MARGIN + width, top).lineWidth(0.6).strokeColor('#555').stroke();
          });
          const tr = doc.struct('TR');
          body!.add(tr);
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
        });
        y += rh;
      });
      at(() => {
        body!.end();
        tableEl!.end();
      });
    });
  }

  // drawn: page by page, each with its running head and "Seite x von y"
  const pages = page + 1;
  let current = 0;
  const decorate = () => {
    artifact('Pagination', () => {
      doc.font('bold').fontSize(8).fillColor('#1f3a5a').text(d.title, MARGIN, MARGIN, { width: CONTENT_W * 0.6, lineBreak: false, ellipsis: true });
      doc.font('body').fontSize(8).fillColor('#444').text(`${t(lang, 'dataAsOf')}: ${formatDate(d.dataAsOf, lang)}`, MARGIN + CONTENT_W * 0.6, MARGIN, { width: CONTENT_W * 0.4, align: 'right', lineBreak: false });
      doc.moveTo(MARGIN, MARGIN + 13).lineTo(MARGIN + CONTENT_W, MARGIN + 13).lineWidth(0.5).strokeColor('#999').stroke();
      doc.font('body').fontSize(8).fillColor('#444');
      doc.text(`FIS · ${t(lang, 'fictitious')}`, MARGIN, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.7, lineBreak: false, height: 10 });
      doc.text(t(lang, 'page', { n: current + 1, total: pages }), MARGIN + CONTENT_W * 0.7, PAGE.height - MARGIN - 10, { width: CONTENT_W * 0.3, align: 'right', lineBreak: false, height: 10 });
      doc.fillColor('black');
    });
  };
  decorate();
  for (const s of steps) {
    while (current < s.page) {
      doc.addPage();
      current++;
      decorate();
    }
    s.draw();
  }
  while (current < page) {
    // a page the layout opened for a table that moved on (never empty in practice)
    doc.addPage();
    current++;
    decorate();
  }
  root.end();

  doc.end();
  await done;
  return Buffer.concat(chunks);
}
