/**
 * Reports and exports on tiny: every report's numbers equal the query path's answers (asked
 * independently, cell by cell); every format (CSV, German-Excel CSV, XLSX, Parquet, PDF) read
 * back gives the table's numbers; restricted users' exports are scoped and suppressed as on their
 * screen; one audit entry per export; a long PDF has every row once and its header on every
 * page; bad input is refused in one sentence; `fis report` writes the same file as the web app.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEtl } from '../../etl/run';
import { principalByName, type Principal } from '../../roles/access';
import { openAppDb, type AppDbHandle } from '../../roles/app-db';
import { getRole, installDemo, updateRole } from '../../roles/store';
import { etlOpts } from '../../test/etl-helpers';
import { fisAsync, generateTiny, pgliteTargets, refusal, tempDir } from '../../test/helpers';
import { openDuck } from '../../warehouse/duckdb';
import { metric } from '../../warehouse/semantic/metrics';
import { runQuery } from '../../warehouse/semantic/query';
import { SnapshotReader } from '../../warehouse/snapshots';
import { formatValue } from '../i18n';
import { buildReport, type ReportFilters, type ReportTable } from '../reports/build';
import { REPORT_DEFS, type ReportDef } from '../reports/defs';
import type { ExportFile } from './doc';
import { exportAnswer, exportReport, type ExportContext } from './service';

const t = tempDir();
let app: AppDbHandle;
let reader: SnapshotReader;
const P: Record<string, Principal> = {};
const PDFTOTEXT = '/usr/bin/pdftotext';
const pdfSkip = existsSync(PDFTOTEXT) ? '' : 'pdftotext not found; install it with apt-get install poppler-utils';
if (pdfSkip && process.env.CI === 'true') throw new Error(`CI=true but ${pdfSkip}`);

const PERIOD = { from: '2025-01-01', to: '2026-06-30' };
const ctx = (user: string): ExportContext => ({ reader, db: app.db, principal: P[user]!, lang: 'de', via: 'test', tmpDir: join(t.dir, 'tmp', 'exports') });
const bytes = (f: ExportFile) => (Buffer.isBuffer(f.body) ? f.body : readFileSync(f.body.path));
const exportCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export'`.execute(app.db)).rows[0]!.n);
const filtersOf = (def: ReportDef, values: Record<string, string[]> = {}): ReportFilters => ({ ...PERIOD, values });

beforeAll(async () => {
  const targets = pgliteTargets(t.dir);
  await generateTiny(targets, 61);
  await runEtl(etlOpts(t.dir, targets, true));
  // serving the embedded database, so that `fis report` can use it meanwhile (as with the web app)
  app = await openAppDb({ dataDir: t.dir, serve: true });
  await installDemo(app.db, 'demo-password-1');
  // the regional head may export here: a scoped user with an export right
  const role = (await getRole(app.db, 'regional-head'))!;
  const { name, label_de, label_en, description, rules } = role;
  await updateRole(app.db, name, { name, label_de, label_en, description, rules: [...rules, { action: 'export', subject: 'Report' }, { action: 'export', subject: 'Dashboard' }] }, role.version, 'test');
  for (const u of ['leitung', 'analyst', 'region-sued', 'ast-muc', 'admin']) P[u] = await principalByName(app.db, u, 5);
  reader = new SnapshotReader(t.dir);
});
afterAll(async () => {
  reader?.close();
  await app?.close();
  t.cleanup();
});

/** The report's cells asked again, one metric column at a time, straight from the query path. */
async function expectedCells(def: ReportDef, f: ReportFilters, user: string, kind: 'row' | 'subtotal' | 'total', by: string[]) {
  const out = new Map<string, Map<string, number | null>>();
  for (const c of def.columns) {
    if (!c.metric) continue;
    const filters: Record<string, string[]> = { ...(def.fixed ?? {}) };
    for (const [k, v] of Object.entries(f.values)) if (k in metric(c.metric)!.dimensions) filters[k] = v;
    if (c.pivot) filters[c.pivot.dim] = [c.pivot.value];
    const r = await runQuery(reader, { metrics: [c.metric], by, filters, from: f.from, to: f.to }, P[user]!.access);
    out.set(c.id, new Map(r.rows.map((row) => [JSON.stringify(row.slice(0, by.length).map(String)), row[by.length] as number | null])));
  }
  return { kind, by, out };
}

function checkAgainstQueries(def: ReportDef, table: ReportTable, levels: Array<Awaited<ReturnType<typeof expectedCells>>>) {
  let checked = 0;
  for (const r of table.rows) {
    const lvl = levels.find((l) => l.kind === r.kind)!;
    const codes = r.codes.map((c) => (c === '' ? 'null' : c));
    const key = JSON.stringify(r.kind === 'row' ? codes : r.kind === 'total' ? [] : def.subtotal === 'year' ? [r.labels[0]!.replace(/\D/g, '')] : codes);
    def.columns.forEach((c, j) => {
      if (!c.metric) return;
      const m = metric(c.metric)!;
      const exp = lvl.out.get(c.id)!.get(key);
      const want = exp === undefined ? (['count', 'sum', 'pending'].includes(m.measure.kind) ? 0 : null) : exp;
      expect(r.values[j], `${def.id} ${r.kind} ${key} ${c.id}`).toBe(want);
      checked++;
    });
  }
  return checked;
}

describe('report numbers', () => {
  for (const def of REPORT_DEFS) {
    it(`${def.id}: every cell equals the query path's answer, for leitung (raw) and analyst (suppressed)`, async () => {
      for (const user of ['leitung', 'analyst']) {
        const f = filtersOf(def);
        const table = await buildReport(reader, def, f, P[user]!.access, 'de');
        expect(table.rows.filter((r) => r.kind === 'row').length, def.id).toBeGreaterThan(0);
        const sub = def.subtotal === 'year' ? ['year'] : def.subtotal === 'first' ? [def.rows[0]!] : undefined;
        const levels = [await expectedCells(def, f, user, 'row', def.rows), await expectedCells(def, f, user, 'total', []), ...(sub ? [await expectedCells(def, f, user, 'subtotal', sub)] : [])];
        expect(checkAgainstQueries(def, table, levels)).toBeGreaterThan(0);
        // withheld cells show up only for the suppressed user
        const nulls = table.rows.flatMap((r) => r.values.filter((v, j) => v === null && def.columns[j]!.metric && metric(def.columns[j]!.metric!)!.format === 'count'));
        if (user === 'leitung') expect(nulls, def.id).toEqual([]);
        else expect(table.suppressed >= nulls.length).toBe(true);
      }
    });
  }

  it('scopes a regional head to the offices of their states, exactly as their screen', async () => {
    const def = REPORT_DEFS.find((d) => d.id === 'office-performance')!;
    const f = filtersOf(def);
    const mine = await buildReport(reader, def, f, P['region-sued']!.access, 'de');
    const all = await buildReport(reader, def, { ...f, values: { state: ['08', '09'] } }, P.leitung!.access, 'de');
    const body = (x: ReportTable) => x.rows.filter((r) => r.kind !== 'subtotal').map((r) => [r.kind, r.codes, r.values]);
    expect(body(mine)).toEqual(body(all));
    const file = await exportReport(ctx('region-sued'), def.id, 'csv', { ...PERIOD });
    const parsed = parseCsv(bytes(file).toString('utf8'), ',');
    expect(parsed.slice(1).map((r) => r[1])).toEqual(mine.rows.map((r) => r.codes[0] ?? ''));
    // filtering outside the scope gives nothing, never someone else's offices
    const outside = await buildReport(reader, def, { ...f, values: { state: ['05'] } }, P['region-sued']!.access, 'de');
    expect(outside.rows.filter((r) => r.kind === 'row')).toEqual([]);
    expect(outside.rows.at(-1)!.values[0]).toBe(0);
  });
});

// ---- reading files back ----------------------------------------------------------------------

function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

const LEVELS: Record<string, string> = { Zeile: 'row', Zwischensumme: 'subtotal', Gesamt: 'total', row: 'row', subtotal: 'subtotal', total: 'total' };
const num = (s: string, de: boolean): number | null => (s === '' || s === '·' ? null : Number(de ? s.replace(',', '.') : s));
const expectedGrid = (table: ReportTable) => table.rows.map((r) => ({ kind: r.kind, labels: r.labels, values: r.values }));

function fromCsv(text: string, variant: 'csv' | 'csv-de', table: ReportTable) {
  const de = variant === 'csv-de';
  if (de) expect(text.startsWith('\uFEFF')).toBe(true);
  const rows = parseCsv(de ? text.slice(1) : text, de ? ';' : ',');
  const dims = table.rowDims.length;
  expect(rows[0]!.length).toBe(1 + 2 * dims + table.columns.length);
  return rows.slice(1).map((r) => ({
    kind: LEVELS[r[0]!]!,
    labels: table.rowDims.map((_, i) => r[2 + 2 * i]!),
    values: r.slice(1 + 2 * dims).map((v) => num(v, de)),
  }));
}

async function fromXlsx(buf: Buffer, table: ReportTable) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect(String(ws.getCell('A1').value)).toBe(table.title);
  const dims = table.rowDims.length;
  let header = 0;
  ws.eachRow((row, n) => {
    if (!header && row.getCell(1).value === table.rowHeaders[0] && row.getCell(dims + 1).value === table.columns[0]!.label) header = n;
  });
  expect(header).toBeGreaterThan(0);
  expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: header });
  const out = [];
  for (let n = header + 1; n <= header + table.rows.length; n++) {
    const row = ws.getRow(n);
    const labels = table.rowDims.map((_, i) => String(row.getCell(i + 1).value ?? ''));
    const values = table.columns.map((_, j) => {
      const v = row.getCell(dims + 1 + j).value;
      return v === '·' ? null : (v as number);
    });
    out.push({ kind: row.font?.bold ? 'total-or-subtotal' : 'row', labels, values });
  }
  return out;
}

async function fromParquet(buf: Buffer, table: ReportTable) {
  const file = join(t.dir, `read-${Math.random().toString(36).slice(2)}.parquet`);
  writeFileSync(file, buf);
  const duck = await openDuck(':memory:');
  try {
    const r = await duck.table(`SELECT * FROM read_parquet('${file}')`);
    expect(r.columns).toEqual(['level', ...table.rowDims.flatMap((d) => [d, `${d}_label`]), ...table.columns.map((c) => c.id)]);
    const meta = await duck.table(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}')`);
    expect(Object.fromEntries(meta.rows.map((m) => [m[0], m[1]]))).toMatchObject({ title: table.title, data_as_of: table.dataAsOf ?? '' });
    const dims = table.rowDims.length;
    return r.rows.map((row) => ({ kind: String(row[0]), labels: table.rowDims.map((_, i) => (row[2 + 2 * i] as string | null) ?? ''), values: row.slice(1 + 2 * dims).map((v) => (v === null ? null : Number(v))) }));
  } finally {
    duck.close();
  }
}

describe('every format carries the table', () => {
  for (const def of REPORT_DEFS) {
    it(`${def.id}: CSV, German-Excel CSV, XLSX and Parquet read back to the report's numbers, one audit entry each`, async () => {
      for (const user of ['leitung', 'analyst']) {
        const filter = def.id === 'asylum-monthly' ? ['state:09'] : [];
        const table = await buildReport(reader, def, filtersOf(def, def.id === 'asylum-monthly' ? { state: ['09'] } : {}), P[user]!.access, 'de');
        const want = expectedGrid(table);
        for (const format of ['csv', 'csv-de', 'xlsx', 'parquet'] as const) {
          const before = await exportCount();
          const file = await exportReport(ctx(user), def.id, format, { ...PERIOD, filter });
          expect(await exportCount(), `${def.id} ${format}: one audit entry`).toBe(before + 1);
          expect(file.rows).toBe(want.filter((r) => r.kind === 'row').length);
          const b = bytes(file);
          if (format === 'csv' || format === 'csv-de') expect(fromCsv(b.toString('utf8'), format, table), `${def.id} ${format}`).toEqual(want);
          else if (format === 'parquet') expect(await fromParquet(b, table), `${def.id} parquet`).toEqual(want);
          else {
            const x = await fromXlsx(b, table);
            expect(x.map((r) => r.values)).toEqual(want.map((r) => r.values));
            expect(x.map((r) => r.labels)).toEqual(want.map((r) => r.labels));
            expect(x.map((r) => r.kind !== 'row')).toEqual(want.map((r) => r.kind !== 'row'));
          }
        }
      }
    });
  }

  it('writes who, what, which filters and how many rows into the audit log', async () => {
    await exportReport(ctx('analyst'), 'asylum-monthly', 'csv', { ...PERIOD, filter: ['state:09'] });
    const rows = (await sql<{ actor: string; target: string; outcome: string; details: unknown }>`SELECT actor, target, outcome, details FROM audit_log WHERE action = 'export' ORDER BY audit_id DESC LIMIT 1`.execute(app.db)).rows;
    const d = typeof rows[0]!.details === 'string' ? JSON.parse(rows[0]!.details) : rows[0]!.details;
    expect(rows[0]).toMatchObject({ actor: 'analyst', target: 'report:asylum-monthly', outcome: 'ok' });
    expect(d).toMatchObject({ format: 'csv', via: 'test', filters: { state: ['09'] }, from: PERIOD.from, to: PERIOD.to });
    expect(d.rows).toBeGreaterThan(0);
  });
});

// ---- PDF -------------------------------------------------------------------------------------

function pdfPages(buf: Buffer): string[] {
  const file = join(t.dir, `read-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, buf);
  const r = spawnSync(PDFTOTEXT, ['-layout', file, '-'], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.split('\f').filter((p) => p.trim());
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const tight = (s: string) => s.replace(/\s+/g, '');

describe.skipIf(!!pdfSkip)('PDF', () => {
  for (const def of REPORT_DEFS) {
    it(`${def.id}: title, filters, Datenstand and chart first, then every row once, in order, header on every page`, async () => {
      const from = def.id === 'vocational-billing' || def.id === 'asylum-monthly' ? '2015-01-01' : PERIOD.from;
      const table = await buildReport(reader, def, { from, to: PERIOD.to, values: {} }, P.analyst!.access, 'de');
      const file = await exportReport(ctx('analyst'), def.id, 'pdf', { from, to: PERIOD.to });
      const pages = pdfPages(bytes(file));
      expect(pages[0]).toContain(table.title);
      expect(squash(pages[0]!)).toContain('Datenstand:');
      expect(squash(pages[0]!)).toContain('Zeitraum:');
      expect(pages[0]).toContain('Diagramm:');
      pages.forEach((p, i) => expect(squash(p), `page ${i + 1}`).toContain(`Seite ${i + 1} von ${pages.length}`));
      // the cells of each row, as printed (compared without spaces: text extraction spaces by position)
      const blocks = Math.max(1, ...pages.map((p) => Number(/Spaltenblock \d+ von (\d+)/.exec(p)?.[1] ?? 1)));
      const cells = table.rows.map((r) => tight(r.values.map((v, j) => formatValue(v, table.columns[j]!.format, 'de', { exact: true })).join('')));
      const starts = table.rows.map((r) => tight(r.labels[0]!).slice(0, 8));
      const tablePages = pages.slice(1).filter((p) => p.split('\n').some((l) => starts.some((s) => tight(l).startsWith(s))));
      const lines = tablePages.flatMap((p) => p.split('\n').map(tight));
      if (blocks === 1) {
        let k = 0;
        for (const line of lines) if (k < cells.length && line.endsWith(cells[k]!) && line.startsWith(starts[k]!)) k++;
        expect(k, `${def.id}: rows found in order`).toBe(table.rows.length);
        const found = lines.filter((l) => starts.some((s) => l.startsWith(s)) && cells.some((c) => l.endsWith(c))).length;
        expect(found, `${def.id}: every row once`).toBe(table.rows.length);
      } else {
        // a wide table comes in column blocks: each row once per block
        const labels = table.rows.map((r) => tight(r.labels[0]!));
        for (const s of new Set(labels)) {
          if (labels.some((x) => x !== s && x.startsWith(s))) continue; // "Summe" is a prefix of "Summe 2025"
          expect(lines.filter((l) => l.startsWith(s)).length, s).toBe(labels.filter((x) => x === s).length * blocks);
        }
      }
      // the header row on every table page
      expect(tablePages.length).toBeGreaterThan(0);
      for (const p of tablePages) expect(p.split('\n').some((l) => squash(l).startsWith(table.rowHeaders[0]!)), 'header on the page').toBe(true);
    });
  }

  it('a long report spans many pages without losing or repeating a row', async () => {
    const def = REPORT_DEFS.find((d) => d.id === 'vocational-billing')!;
    const table = await buildReport(reader, def, { from: '2015-01-01', to: PERIOD.to, values: {} }, P.leitung!.access, 'de');
    const pages = pdfPages(bytes(await exportReport(ctx('leitung'), def.id, 'pdf', { from: '2015-01-01', to: PERIOD.to })));
    expect(pages.length).toBeGreaterThan(3);
    const rows = table.rows.filter((r) => r.kind === 'row').map((r) => tight(`${r.labels[1]}${r.values.map((v, j) => formatValue(v, table.columns[j]!.format, 'de', { exact: true })).join('')}`));
    const lines = pages.slice(1).flatMap((p) => p.split('\n').map(tight));
    for (const m of new Set(rows)) expect(lines.filter((l) => l.endsWith(m)).length, m).toBe(rows.filter((x) => x === m).length);
    expect(rows.length).toBeGreaterThan(100);
  });
});

// ---- query answers as files ----------------------------------------------------------------------

describe('query answers as files', () => {
  it('writes CSV, German-Excel CSV, Parquet and Arrow with the JSON answer\'s numbers, the caller\'s rights and no row limit', async () => {
    const q = { metric: 'applications', by: ['office', 'month'], from: '2024-01-01', to: '2026-06-30' };
    const json = await runQuery(reader, { metrics: ['applications'], by: ['office', 'month'], filters: {}, from: q.from, to: q.to }, P.analyst!.access);
    const want = new Map(json.rows.map((r) => [`${r[0]}|${r[1]}`, r[2]]));
    const csv = await exportAnswer(ctx('analyst'), q, 'csv');
    const rows = parseCsv(bytes(csv).toString('utf8'), ',');
    expect(rows[0]).toEqual(['office', 'month', 'applications']);
    expect(new Map(rows.slice(1).map((r) => [`${r[0]}|${r[1]}`, num(r[2]!, false)]))).toEqual(want);
    const de = await exportAnswer(ctx('analyst'), q, 'csv-de');
    expect(Buffer.isBuffer(de.body) ? '' : de.body.prefix).toBe('\uFEFF');
    const deRows = parseCsv(bytes(de).toString('utf8'), ';');
    expect(new Map(deRows.slice(1).map((r) => [`${r[0]}|${r[1]}`, num(r[2]!, true)]))).toEqual(want);
    const pq = await exportAnswer(ctx('analyst'), q, 'parquet');
    const duck = await openDuck(':memory:');
    try {
      const path = Buffer.isBuffer(pq.body) ? '' : pq.body.path;
      const r = await duck.table(`SELECT office, month, applications FROM read_parquet('${path}')`);
      expect(new Map(r.rows.map((x) => [`${x[0]}|${x[1]}`, x[2] === null ? null : Number(x[2])]))).toEqual(want);
    } finally {
      duck.close();
    }
    const arrow = await exportAnswer(ctx('analyst'), q, 'arrow');
    const { tableFromIPC } = await import('apache-arrow');
    const at = tableFromIPC(bytes(arrow));
    expect(at.numRows).toBe(want.size);
    expect(at.schema.fields.map((f) => f.name)).toEqual(['office', 'month', 'applications']);
    // a regional head's answers hold the offices of their states only, as their JSON answer
    const mine = await runQuery(reader, { metrics: ['applications'], by: ['office'], filters: {} }, P['region-sued']!.access);
    const scoped = await exportAnswer(ctx('region-sued'), { metric: 'applications', by: 'office' }, 'csv');
    expect(parseCsv(bytes(scoped).toString('utf8'), ',').slice(1).map((r) => [r[0], num(r[1]!, false)])).toEqual(mine.rows.map((r) => [r[0], r[1]]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(mine.rows.length).toBeGreaterThan(1);
  });
});

// ---- bad input ---------------------------------------------------------------------------------


describe('bad input', () => {
  it('refuses unknown reports and formats, missing rights and filters out of range in one sentence', async () => {
    expect((await refusal(exportReport(ctx('leitung'), 'nope', 'csv', {}))).status).toBe(404);
    expect((await refusal(exportReport(ctx('leitung'), 'asylum-monthly', 'docx', {}))).status).toBe(400);
    expect((await refusal(exportReport(ctx('leitung'), 'asylum-monthly', undefined, {}))).status).toBe(400);
    const before = await exportCount();
    expect((await refusal(exportReport(ctx('ast-muc'), 'asylum-monthly', 'csv', {}))).status).toBe(403);
    expect((await refusal(exportReport(ctx('admin'), 'asylum-monthly', 'pdf', {}))).status).toBe(403);
    expect((await refusal(exportReport(ctx('region-sued'), 'course-providers', 'csv', {}))).status).toBe(403);
    expect((await refusal(exportAnswer(ctx('ast-muc'), { metric: 'applications' }, 'parquet'))).status).toBe(403);
    const denied = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'export' AND outcome = 'denied'`.execute(app.db)).rows[0]!.n;
    expect(await exportCount()).toBe(before + 4);
    expect(denied).toBeGreaterThanOrEqual(4);
    for (const bad of [{ from: '1999-01-01' }, { to: '2099-12-31' }, { from: '2025-02-30' }, { from: '2026-01-01', to: '2025-01-01' }, { filter: 'state:99' }, { filter: 'outcome:rejected' }, { filter: 'nonsense' }]) {
      const r = await refusal(exportReport(ctx('leitung'), 'asylum-monthly', 'csv', bad));
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await refusal(exportAnswer(ctx('leitung'), { metric: 'frobs' }, 'csv'))).status).toBe(400);
    expect((await refusal(exportAnswer(ctx('leitung'), { metric: 'applications' }, 'xls'))).status).toBe(400);
  });
});

// ---- CLI -------------------------------------------------------------------------------------

const fis = (args: string[]) => fisAsync(args, t.dir);

describe('fis report', () => {
  it('writes the file the web app gives, with the rights of --as, and the numbers of fis query', async () => {
    const out = join(t.dir, 'office.csv');
    const r = await fis(['report', 'office-performance', '--format', 'csv', '--from', PERIOD.from, '--to', PERIOD.to, '--as', 'analyst', '-o', out]);
    expect(r.stderr).toMatch(/wrote .*office\.csv/);
    expect(r.status).toBe(0);
    const csv = parseCsv(readFileSync(out, 'utf8'), ',');
    const q = await fis(['query', '--metric', 'applications', '--by', 'office', '--from', PERIOD.from, '--to', PERIOD.to, '--as', 'analyst']);
    expect(q.status).toBe(0);
    const answer = JSON.parse(q.stdout) as { rows: Array<[string, number | null]> };
    const received = csv[0]!.indexOf('received');
    const body = csv.filter((row) => row[0] === 'row');
    expect(new Map(body.map((row) => [row[1], num(row[received]!, false)]))).toEqual(new Map(answer.rows.map((x) => [x[0], x[1]])));
    const bad = await fis(['report', 'office-performance', '--format', 'docx']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const denied = await fis(['report', 'office-performance', '--format', 'csv', '--as', 'ast-muc', '-o', join(t.dir, 'no.csv')]);
    expect(denied.status).not.toBe(0);
    expect(existsSync(join(t.dir, 'no.csv'))).toBe(false);
  });
});
