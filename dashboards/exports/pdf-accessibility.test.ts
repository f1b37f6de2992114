/**
 * The PDF exports are accessible documents (BITV 2.0 / EN 301 549 clause 10, PDF/UA-1): every
 * report's PDF is tagged (pdfinfo says so and prints its structure tree), has its language and
 * shows its title, and its structure tree — read back here by a small reader of the objects
 * pdfkit writes — holds the title as heading, the chart as a figure whose alternative text names
 * its series and extremes, and the table as rows of header cells (TH, with their scope) and data
 * cells (TD); no text or drawing on any page is outside the tree or an artifact.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { buildPrincipal } from '../../roles/access';
import { DEMO_ROLES } from '../../roles/demo';
import { etlOpts } from '../../test/etl-helpers';
import { generateTiny, pgliteTargets, tempDir } from '../../test/helpers';
import { SnapshotReader } from '../../warehouse/snapshots';
import { buildReport } from '../reports/build';
import { REPORT_DEFS } from '../reports/defs';
import { buildDashboardFile } from './dashboard';
import { reportPdf } from './pdf';

const PDFINFO = '/usr/bin/pdfinfo';
const skip = existsSync(PDFINFO) ? '' : 'pdfinfo not found; install it with apt-get install poppler-utils';
if (skip && process.env.CI === 'true') throw new Error(`CI=true but ${skip}`);

const t = tempDir();
let reader: SnapshotReader;
const analyst = buildPrincipal({ user_id: '1', username: 'analyst', display_name: 'Analyse', roles: ['analyst'], offices: [], states: [], must_change_password: false }, DEMO_ROLES.filter((r) => r.name === 'analyst'), 5);

beforeAll(async () => {
  if (skip) return;
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 61);
  await runEtl(etlOpts(t.dir, targets, true));
  reader = new SnapshotReader(t.dir);
});
afterAll(() => {
  reader?.close();
  t.cleanup();
});

// ---- a small reader of the objects pdfkit writes (plain dictionaries, no object streams) ----------

interface StructNode {
  type: string;
  alt?: string;
  attributes: string;
  children: StructNode[];
}

/** A PDF literal string from a dictionary's text at `key`, escapes resolved, UTF-16 decoded. */
function literal(dict: string, key: string): string | undefined {
  const start = dict.indexOf(`/${key} (`);
  if (start < 0) return undefined;
  let depth = 0;
  let out = '';
  for (let i = start + key.length + 3; i < dict.length; i++) {
    const ch = dict[i]!;
    if (ch === '\\') {
      const next = dict[++i]!;
      if (/[0-7]/.test(next)) {
        const oct = /^[0-7]{1,3}/.exec(dict.slice(i))![0];
        out += String.fromCharCode(parseInt(oct, 8));
        i += oct.length - 1;
      } else out += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')' && depth-- === 0) break;
    out += ch;
  }
  return out.startsWith('\xfe\xff') ? Buffer.from(out.slice(2), 'latin1').swap16().toString('utf16le') : out;
}

function readPdf(buf: Buffer) {
  const text = buf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(?:^|\n)(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) objects.set(Number(m[1]), m[2]!);
  const refs = (s: string) => [...s.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const catalog = [...objects.values()].find((o) => o.includes('/Type /Catalog'))!;
  const ref = (dict: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1]);
  const node = (n: number): StructNode => {
    const o = objects.get(n)!;
    const kids = /\/K (\[[\s\S]*?\]|\d+ 0 R)/.exec(o)?.[1] ?? '';
    return {
      type: /\/S \/(\w+)/.exec(o)![1]!,
      alt: literal(o, 'Alt'),
      attributes: /\/A (<<[\s\S]*?>>|\d+ 0 R)/.exec(o)?.[1]?.replace(/^(\d+) 0 R$/, (_m, r) => objects.get(Number(r)) ?? '') ?? '',
      // struct elements are references; marked-content ids and MCR dictionaries are content
      children: refs(kids.replace(/<<[\s\S]*?>>/g, '')).filter((r) => /\/S \//.test(objects.get(r) ?? '')).map(node),
    };
  };
  const root = objects.get(ref(catalog, 'StructTreeRoot'));
  // page contents: the decompressed content streams
  const contents = [...objects.values()]
    .filter((o) => /\/Type \/Page\b/.test(o))
    .map((page) => {
      const o = objects.get(ref(page, 'Contents'))!;
      const raw = o.slice(o.indexOf('stream\n') + 7, o.lastIndexOf('\nendstream'));
      return inflateSync(Buffer.from(raw, 'latin1')).toString('latin1');
    });
  return {
    lang: literal(catalog, 'Lang'),
    displayTitle: /\/DisplayDocTitle true/.test(objects.get(ref(catalog, 'ViewerPreferences')) ?? ''),
    marked: /\/Marked true/.test(objects.get(ref(catalog, 'MarkInfo')) ?? ''),
    pdfua: /<pdfuaid:part>1<\/pdfuaid:part>/.test(text),
    tree: root ? refs(/\/K \[([\s\S]*?)\]/.exec(root)?.[1] ?? '').map(node) : [],
    contents,
  };
}

/** Painting operators outside any marked content (neither in the structure tree nor an artifact). */
function untagged(content: string): string[] {
  const found: string[] = [];
  let depth = 0;
  // strings can hold anything: take them out before reading the operators
  for (const tok of content.replace(/\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>/g, ' ').split(/\s+/)) {
    if (tok === 'BDC' || tok === 'BMC') depth++;
    else if (tok === 'EMC') depth--;
    else if (depth === 0 && ['Tj', 'TJ', "'", '"', 'f', 'F', 'f*', 'B', 'B*', 'b', 'b*', 'S', 's', 'sh', 'Do', 'BI'].includes(tok)) found.push(tok);
  }
  return found;
}

const all = (nodes: StructNode[], type: string): StructNode[] => nodes.flatMap((n) => [...(n.type === type ? [n] : []), ...all(n.children, type)]);

describe.skipIf(!!skip)('accessible PDF', () => {
  for (const def of REPORT_DEFS) {
    it(`${def.id}: tagged, in German, titled, its structure tree with heading, figure and a table of header and data cells`, async () => {
      const from = def.id === 'vocational-billing' ? '2026-01-01' : '2025-01-01';
      const table = await buildReport(reader, def, { from, to: '2026-06-30', values: {} }, analyst.access, 'de');
      const buf = await reportPdf({ table, lang: 'de', suppressBelow: 5, createdBy: 'analyst', createdAt: '2026-07-01T08:00:00Z' });
      const file = join(t.dir, `${def.id}.pdf`);
      writeFileSync(file, buf);

      // poppler reads it as a tagged document with a structure tree
      const info = spawnSync(PDFINFO, [file], { encoding: 'utf8' });
      expect(info.stdout).toMatch(/^Tagged:\s+yes$/m);
      const struct = spawnSync(PDFINFO, ['-struct', file], { encoding: 'utf8' }).stdout;
      for (const tag of ['Document', 'H1', 'Table', 'THead', 'TBody', 'TR', 'TH', 'TD']) expect(struct, tag).toMatch(new RegExp(`^\\s*${tag}\\b`, 'm'));
      expect(struct).toMatch(/\/Scope \/Column/);

      const pdf = readPdf(buf);
      expect(pdf).toMatchObject({ lang: 'de-DE', displayTitle: true, marked: true, pdfua: true });
      const [doc] = pdf.tree;
      expect(doc!.type).toBe('Document');
      // reading order: the title first, then filters and Datenstand, the chart, the table(s), the legend
      expect(doc!.children.map((c) => c.type).slice(0, 4)).toEqual(['H1', 'P', 'P', 'P']);
      const figure = all(pdf.tree, 'Figure')[0]!;
      expect(figure.alt).toMatch(/diagramm/i);
      for (const s of table.chart.series) expect(figure.alt, `the alternative text names ${s.name}`).toContain(s.name);
      expect(figure.alt).toMatch(/höchster Wert .+, niedrigster .+/);
      expect(figure.attributes).toMatch(/\/BBox \[/);

      // each column block is a table: one header row of column headings, then one row per table row
      const tables = all(pdf.tree, 'Table');
      expect(tables.length).toBeGreaterThan(0);
      const columns = tables.reduce((n, tb) => n + all([tb], 'THead')[0]!.children[0]!.children.length - table.rowHeaders.length, 0);
      expect(columns, 'every value column once, over the blocks').toBe(table.columns.length);
      for (const tb of tables) {
        const [head] = all([tb], 'THead');
        const headCells = head!.children[0]!.children;
        expect(headCells.every((c) => c.type === 'TH' && /\/Scope \/Column/.test(c.attributes))).toBe(true);
        const rows = all([tb], 'TBody')[0]!.children;
        expect(rows.length, 'a TR per row of the report').toBe(table.rows.length);
        for (const tr of rows) {
          expect(tr.type).toBe('TR');
          expect(tr.children.map((c) => c.type)).toEqual(headCells.map((_, i) => (i < table.rowHeaders.length ? 'TH' : 'TD')));
          expect(tr.children[0]!.attributes).toMatch(/\/Scope \/Row/);
        }
      }
      // running heads, footers, rules and shading are artifacts: nothing on a page is outside the tree or an artifact
      expect(pdf.contents.length).toBeGreaterThan(1);
      pdf.contents.forEach((c, i) => expect(untagged(c), `page ${i + 1}`).toEqual([]));
    });
  }

  it('a whole dashboard: tagged, its title as H1, each panel a section with its heading, figures with alternative text and tables', async () => {
    const ctx = { reader, db: undefined as never, principal: analyst, lang: 'de' as const, via: 'test', tmpDir: t.dir };
    const { file, panels } = await buildDashboardFile(ctx, 'applications', 'pdf', { from: '2025-07-01', to: '2026-06-30' });
    const buf = file.body as Buffer;
    const path = join(t.dir, 'dashboard.pdf');
    writeFileSync(path, buf);
    expect(spawnSync(PDFINFO, [path], { encoding: 'utf8' }).stdout).toMatch(/^Tagged:\s+yes$/m);
    const pdf = readPdf(buf);
    expect(pdf).toMatchObject({ lang: 'de-DE', displayTitle: true, marked: true, pdfua: true });
    const [doc] = pdf.tree;
    expect(doc!.children.map((c) => c.type)).toEqual(['H1', 'P', 'P', 'P', ...panels.map(() => 'Sect')]);
    for (const [i, sect] of doc!.children.slice(4).entries()) {
      expect(sect.children[0]!.type, panels[i]!.id).toBe('H2');
      expect(all([sect], 'Table').length, panels[i]!.id).toBeGreaterThan(0);
      for (const f of all([sect], 'Figure')) expect(f.alt).toMatch(/diagramm/i);
    }
    pdf.contents.forEach((c, i) => expect(untagged(c), `page ${i + 1}`).toEqual([]));
  });
});
