/**
 * A small reader for OASIS genericode 1.0 code lists, the format in which XRepository publishes
 * XÖV code lists. Fixtures draw codes from these files and the ETL loads them into dimensions, so a
 * new version of a list is a file drop, never a code change.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { UserError } from './errors';

export interface CodeListColumn {
  id: string;
  required: boolean;
  name: string;
}

export interface CodeList {
  shortName: string;
  longName?: string;
  version: string;
  canonicalUri: string;
  canonicalVersionUri?: string;
  agency?: string;
  columns: CodeListColumn[];
  /** Column ids of the (first) key: the code. */
  keyColumns: string[];
  rows: Array<Record<string, string | null>>;
  file: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['Column', 'Key', 'Row', 'Value', 'ColumnRef', 'LongName'].includes(name),
});

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node => (v && typeof v === 'object' ? (v as Node) : {});
const arr = (v: unknown): Node[] => (Array.isArray(v) ? v.map(asNode) : v ? [asNode(v)] : []);
const text = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return text(v[0]);
  const n = v as Node;
  return n['#text'] !== undefined ? String(n['#text']) : undefined;
};

export function parseGenericode(xml: string, file = '<memory>'): CodeList {
  const fail = (why: string): never => {
    throw new UserError(`${basename(file)} is not a valid genericode code list: ${why}.`);
  };
  let doc: Node;
  try {
    doc = asNode(parser.parse(xml, true));
  } catch (e) {
    return fail(`XML error (${(e as Error).message.split('\n')[0]})`);
  }
  const root = asNode(doc['CodeList']);
  if (!doc['CodeList']) fail('no CodeList element');
  const ident = asNode(root['Identification']);
  const shortName = text(ident['ShortName']) ?? fail('Identification/ShortName missing');
  const version = text(ident['Version']) ?? fail('Identification/Version missing');
  const canonicalUri = text(ident['CanonicalUri']) ?? fail('Identification/CanonicalUri missing');
  const columnSet = asNode(root['ColumnSet']);
  const columns = arr(columnSet['Column']).map((c) => ({
    id: String(c['@Id'] ?? fail('a Column without Id')),
    required: c['@Use'] === 'required',
    name: text(c['ShortName']) ?? String(c['@Id']),
  }));
  if (columns.length === 0) fail('no columns');
  const colIds = new Set(columns.map((c) => c.id));
  const firstKey = arr(columnSet['Key'])[0];
  const keyColumns = firstKey ? arr(firstKey['ColumnRef']).map((r) => String(r['@Ref'])) : [columns[0]!.id];
  for (const k of keyColumns) if (!colIds.has(k)) fail(`key refers to unknown column ${k}`);

  const rows: Array<Record<string, string | null>> = [];
  const seen = new Set<string>();
  for (const [i, r] of arr(asNode(root['SimpleCodeList'])['Row']).entries()) {
    const row: Record<string, string | null> = {};
    for (const c of columns) row[c.id] = null;
    for (const v of arr(r['Value'])) {
      const ref = String(v['@ColumnRef'] ?? '');
      if (!colIds.has(ref)) fail(`row ${i + 1} has a value for unknown column ${ref}`);
      row[ref] = text(v['SimpleValue']) ?? null;
    }
    for (const c of columns) if (c.required && !row[c.id]) fail(`row ${i + 1} lacks required column ${c.id}`);
    const key = keyColumns.map((k) => row[k]).join('\u0000');
    if (seen.has(key)) fail(`duplicate key ${key} in row ${i + 1}`);
    seen.add(key);
    rows.push(row);
  }
  return {
    shortName,
    longName: text(ident['LongName']),
    version,
    canonicalUri,
    canonicalVersionUri: text(ident['CanonicalVersionUri']),
    agency: text(asNode(ident['Agency'])['LongName']),
    columns,
    keyColumns,
    rows,
    file,
  };
}

export function readGenericode(path: string): CodeList {
  let xml: string;
  try {
    xml = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read code list ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return parseGenericode(xml, path);
}

/**
 * All code lists in `dir` (`*.gc.xml`), keyed by short name. When several files carry the same
 * list (same canonical URI), the newest version wins: dropping in a new file is an update.
 */
export function loadCodeLists(dir: string): Map<string, CodeList> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.gc.xml')).sort();
  } catch {
    throw new UserError(`The code list directory ${dir} cannot be read.`);
  }
  const byUri = new Map<string, CodeList>();
  for (const f of files) {
    const list = readGenericode(join(dir, f));
    const prev = byUri.get(list.canonicalUri);
    if (!prev || prev.version < list.version) byUri.set(list.canonicalUri, list);
  }
  const byName = new Map<string, CodeList>();
  for (const list of byUri.values()) byName.set(list.shortName, list);
  return byName;
}

/** The codes of a list, optionally only those valid in `year` (columns GueltigAb/GueltigBis). */
export function codesOf(list: CodeList, year?: number): string[] {
  const key = list.keyColumns[0]!;
  return list.rows
    .filter((r) => year === undefined || validIn(r, year))
    .map((r) => r[key]!)
    .filter(Boolean);
}

export function validIn(row: Record<string, string | null>, year: number): boolean {
  const from = row['GueltigAb'] ? Number(row['GueltigAb']) : -Infinity;
  const to = row['GueltigBis'] ? Number(row['GueltigBis']) : Infinity;
  return year >= from && year <= to;
}
